"""Pages for co-evaluation: the expert by experience's reviews, and the lead assigning them.

Routes on the initiatives blueprint. An expert's pages all require `initiatives.review`
(held by the "expert" role only) and load an initiative only through
`experts.initiative_for_expert`, which answers None (404) unless it is assigned to them.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from lms.core.clock import today
from lms.core.permissions import requires
from lms.core.rescue import keeps_unsaved_text, refill, take_kept_text
from lms.extensions import db
from lms.plugins.initiatives import charts, experts, notices, services
from lms.plugins.initiatives.forms import AssignExpertsForm, ExpertRatingForm
from lms.plugins.initiatives.views import (
    _score_items,
    _show_problems,
    _visible,
    bp,
    svg_response,
)
from lms.plugins.initiatives.vocab import JIGSAW


@bp.route("/review")
@requires("initiatives.review")
def reviews(slug):
    return render_template(
        "initiatives/reviews.html", cohort=g.cohort, assigned=experts.assigned_to(g.membership)
    )


def _assigned(initiative_id: int):
    initiative = experts.initiative_for_expert(g.cohort, initiative_id, g.membership)
    if initiative is None:
        abort(404)
    return initiative


@bp.route("/review/<int:initiative_id>", methods=["GET", "POST"])
@keeps_unsaved_text
@requires("initiatives.review")
def review(slug, initiative_id):
    initiative = _assigned(initiative_id)
    rating = experts.rating_of(initiative, g.membership)
    kept = take_kept_text()
    form = refill(ExpertRatingForm, kept, obj=rating)
    if rating is not None and not form.is_submitted() and not kept:
        for piece in JIGSAW:  # radios compare strings
            form[piece.key].data = str(getattr(rating, piece.key))
    if form.validate_on_submit():
        try:
            experts.rate(
                initiative,
                g.membership,
                {piece.key: int(form[piece.key].data) for piece in JIGSAW},
                form.comment.data or "",
                today(),
            )
            notices.rated(initiative)
        except services.InitiativeProblems as problems:
            db.session.rollback()
            _show_problems(form, problems)
        else:
            db.session.commit()
            flash("Thank you: your rating is saved.")
            return redirect(url_for(".review", slug=slug, initiative_id=initiative.id) + "#rate")
    points = charts.points_of(initiative.updates)
    status = 400 if form.errors else 200
    return render_template(
        "initiatives/initiative.html",
        cohort=g.cohort,
        initiative=initiative,
        as_expert=True,
        is_owner=False,
        can_comment=False,
        form=form,
        score_items=_score_items,
        ratings=experts.ratings_of(initiative, g.membership),
        journey_url=url_for(".review_journey", slug=slug, initiative_id=initiative.id),
        points=points,
        chart_text=charts.describe(points),
        since=services.status_since(initiative.updates),
        timeline=services.timeline(initiative),
        overdue_week=None,
        week_links=[],
        today=today(),
    ), status


@bp.route("/review/<int:initiative_id>/journey.svg")
@requires("initiatives.review")
def review_journey(slug, initiative_id):
    initiative = _assigned(initiative_id)
    return svg_response(charts.journey_svg(charts.points_of(initiative.updates)))


@bp.route("/<int:initiative_id>/experts", methods=["POST"])
@requires("initiatives.assign")
def assign(slug, initiative_id):
    initiative = _visible(initiative_id)
    form = assign_form(initiative)
    if form.validate_on_submit():
        chosen = {int(value) for value in form.experts.data or []}
        experts.assign_experts(initiative, chosen, current_user)
        db.session.commit()
        flash(
            f"{len(chosen)} expert{'s' if len(chosen) != 1 else ''} by experience "
            f"{'are' if len(chosen) != 1 else 'is'} reviewing this initiative."
        )
    else:
        flash("The reviewers were not changed: " + "; ".join(form.experts.errors or ["try again"]))
    return redirect(url_for(".show", slug=slug, initiative_id=initiative.id) + "#expert-ratings")


def assign_form(initiative) -> AssignExpertsForm:
    """The lead's form, with the cohort's active experts as choices."""
    choices = [
        SelectChoice(str(m.id), m.user.full_name)
        for m in experts.experts_of(initiative.membership.cohort)
    ]
    form = AssignExpertsForm()
    form.experts.choices = choices
    if not form.is_submitted():
        form.experts.data = [str(i) for i in experts.assigned_expert_ids(initiative)]
    return form
