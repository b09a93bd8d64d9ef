"""Initiative pages: the trainee's own, the tutor's board, the lead's overview.

Every URL carries the cohort slug so `@requires` resolves the cohort and membership.
The trainee's own forms live under `/mine`: no initiative id in the URL means no id to
guess. Pages that show one initiative go through `services.visible_initiative`, which
answers None (404) for anything the viewer may not see.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, url_for
from flask_login import current_user

from lms.core import disclosure
from lms.core.clock import today
from lms.core.permissions import can, requires
from lms.core.rescue import keeps_unsaved_text, kept_form, refill, take_kept_text
from lms.extensions import db
from lms.plugins.initiatives import charts, experts, notices, partners, reports, services
from lms.plugins.initiatives.forms import (
    CommentForm,
    InitiativeForm,
    MilestoneDoneForm,
    MilestoneForm,
    UpdateForm,
)
from lms.plugins.initiatives.models import Milestone, Update
from lms.plugins.initiatives.vocab import (
    JIGSAW,
    LADDER,
    LADDER_EASY_READ,
    PIECES,
    RAG_NAMES,
    RAG_TAG_CLASSES,
    RUNGS,
    SCORE_NAMES,
    SCORES,
    tag_name,
)

bp = Blueprint(
    "initiatives",
    __name__,
    template_folder="templates",
    url_prefix="/cohorts/<slug>/initiatives",
)


def _rung_items() -> list[dict]:
    # Fresh lists each call: the GOV.UK widget consumes the items it is given.
    return [{"hint": {"text": rung.explanation}} for rung in LADDER]


def _score_items() -> list[dict]:
    return [{"hint": {"text": hint}} for _, _, hint in SCORES]


@bp.context_processor
def vocabulary() -> dict:
    return {
        "RAG_NAMES": RAG_NAMES,
        "RAG_TAG_CLASSES": RAG_TAG_CLASSES,
        "RUNGS": RUNGS,
        "PIECES": PIECES,
        "JIGSAW": JIGSAW,
        "SCORE_NAMES": SCORE_NAMES,
        "tag_name": tag_name,
        "LADDER_RUNGS": LADDER,
        "EASY": LADDER_EASY_READ,
    }


def _show_problems(form, problems) -> None:
    for name, message in problems.problems:
        field = form._fields.get(name) or form._fields.get("submit")
        field.errors = [*list(field.errors or []), message]


def _own_initiative():
    initiative = services.initiative_of(g.membership) if g.membership else None
    if initiative is None:
        abort(404)
    return initiative


@bp.route("/")
@requires("initiatives.view")
def index(slug):
    if g.membership is not None and g.membership.role == "trainee":
        return redirect(url_for(".mine", slug=slug))
    if can(current_user, "initiatives.report", g.membership):
        return redirect(url_for(".overview", slug=slug))
    return redirect(url_for(".board", slug=slug))


@bp.route("/mine")
@requires("initiatives.record")
def mine(slug):
    initiative = services.initiative_of(g.membership) if g.membership else None
    if initiative is not None:
        return redirect(url_for(".show", slug=slug, initiative_id=initiative.id))
    return render_template("initiatives/start.html", cohort=g.cohort)


@bp.route("/mine/edit", methods=["GET", "POST"])
@requires("initiatives.record")
@keeps_unsaved_text
def edit(slug):
    if g.membership is None:
        abort(404)  # an admin outside the cohort has no initiative of their own
    initiative = services.initiative_of(g.membership)
    # A new record starts from the organisation the member joined with.
    defaults = {"organisation": g.membership.organisation} if initiative is None else {}
    form = kept_form(InitiativeForm, obj=initiative, **defaults)
    if form.validate_on_submit():
        details = services.InitiativeDetails(
            **{name: form[name].data or "" for name in services.TEXT_FIELDS},
            **{name: form[name].data for name in services.COUNT_FIELDS},
            planned_start=form.planned_start.data,
            planned_end=form.planned_end.data,
        )
        try:
            saved = services.save_initiative(g.membership, details)
        except services.InitiativeProblems as problems:
            db.session.rollback()
            _show_problems(form, problems)
        else:
            db.session.commit()
            flash("Your initiative is saved.")
            return redirect(url_for(".show", slug=slug, initiative_id=saved.id))
    status = 400 if form.errors else 200
    return render_template(
        "initiatives/record_form.html", form=form, cohort=g.cohort, initiative=initiative
    ), status


@bp.route("/mine/milestones/new", methods=["GET", "POST"])
@requires("initiatives.record")
@keeps_unsaved_text
def new_milestone(slug):
    initiative = _own_initiative()
    form = kept_form(MilestoneForm)
    if form.validate_on_submit():
        try:
            services.add_milestone(initiative, form.title.data, form.due_on.data)
        except services.InitiativeProblems as problems:
            db.session.rollback()
            _show_problems(form, problems)
        else:
            db.session.commit()
            flash("Milestone added.")
            return redirect(url_for(".show", slug=slug, initiative_id=initiative.id))
    status = 400 if form.errors else 200
    return render_template(
        "initiatives/milestone_form.html", form=form, cohort=g.cohort, initiative=initiative
    ), status


@bp.route("/mine/milestones/<int:milestone_id>/done", methods=["GET", "POST"])
@requires("initiatives.record")
def milestone_done(slug, milestone_id):
    initiative = _own_initiative()
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or milestone.initiative_id != initiative.id:
        abort(404)
    form = MilestoneDoneForm(done_on=milestone.done_on or today())
    if form.validate_on_submit():
        try:
            services.complete_milestone(milestone, form.done_on.data, today())
        except services.InitiativeProblems as problems:
            db.session.rollback()
            _show_problems(form, problems)
        else:
            db.session.commit()
            flash(f"‘{milestone.title}’ is marked as done.")
            return redirect(url_for(".show", slug=slug, initiative_id=initiative.id))
    status = 400 if form.errors else 200
    return render_template(
        "initiatives/milestone_done.html", form=form, cohort=g.cohort, milestone=milestone
    ), status


@bp.route("/mine/updates/new", methods=["GET", "POST"])
@requires("initiatives.record")
@keeps_unsaved_text
def new_update(slug):
    initiative = _own_initiative()
    form = kept_form(UpdateForm, recorded_on=today())
    if form.validate_on_submit():
        details = services.UpdateDetails(
            recorded_on=form.recorded_on.data,
            rag=form.rag.data,
            rag_reason=form.rag_reason.data or "",
            rung=int(form.rung.data),
            scores={piece.key: int(form[piece.key].data) for piece in JIGSAW},
            narrative=form.narrative.data or "",
            barriers=form.barriers.data or [],
            enablers=form.enablers.data or [],
            other_barriers=form.other_barriers.data or "",
            other_enablers=form.other_enablers.data or "",
            next_steps=form.next_steps.data or "",
        )
        try:
            services.add_update(initiative, details, today())
        except services.InitiativeProblems as problems:
            db.session.rollback()
            _show_problems(form, problems)
        else:
            db.session.commit()
            flash("Your progress update is saved.")
            return redirect(url_for(".show", slug=slug, initiative_id=initiative.id))
    status = 400 if form.errors else 200
    return render_template(
        "initiatives/update_form.html",
        form=form,
        cohort=g.cohort,
        initiative=initiative,
        is_baseline=not initiative.updates,
        rung_items=_rung_items,
        score_items=_score_items,
    ), status


def week_links(rows, viewer) -> dict[int, list[tuple[int, str, str]]]:
    """{membership id: [(week, label, url)]}: what each trainee wrote in the weeks their
    status has held, that the viewer may read (hook `lms_member_week_links`, one call
    for the whole list). `rows` are (membership, weeks) pairs."""
    rows = [(member, weeks) for member, weeks in rows if weeks]
    if not rows:
        return {}
    all_weeks = sorted({week for _, weeks in rows for week in weeks})
    found: dict = {}
    for result in current_app.extensions["lms"].hook.lms_member_week_links(
        members=[member for member, _ in rows], weeks=all_weeks, viewer=viewer
    ):
        found.update(result or {})
    return {
        member.id: [(w, *found[(member.id, w)]) for w in weeks if (member.id, w) in found]
        for member, weeks in rows
    }


def _visible(initiative_id: int):
    initiative = services.visible_initiative(g.cohort, initiative_id, current_user, g.membership)
    if initiative is None:
        abort(404)
    return initiative


@bp.route("/<int:initiative_id>")
@requires("initiatives.view")
def show(slug, initiative_id):
    initiative = _visible(initiative_id)
    points = charts.points_of(initiative.updates)
    is_owner = g.membership is not None and initiative.membership_id == g.membership.id
    # Imported here: expert_views adds its routes to this module's blueprint.
    from lms.plugins.initiatives.evidence_views import file_rows
    from lms.plugins.initiatives.expert_views import assign_form

    can_assign = can(current_user, "initiatives.assign", g.membership)
    since = services.status_since(initiative.updates)
    held = services.weeks_held(g.cohort, since, today())
    return render_template(
        "initiatives/initiative.html",
        cohort=g.cohort,
        initiative=initiative,
        is_owner=is_owner,
        can_comment=can(current_user, "initiatives.follow", g.membership),
        comment_form=CommentForm(),
        comment_forms=_kept_comments(initiative),
        ratings=experts.ratings_of(initiative, g.membership),
        assign_form=assign_form(initiative) if can_assign else None,
        journey_url=url_for(".journey", slug=slug, initiative_id=initiative.id),
        points=points,
        chart_text=charts.describe(points),
        since=since,
        week_links=week_links([(initiative.membership, held)], g.membership).get(
            initiative.membership_id, []
        ),
        timeline=services.timeline(initiative),
        evidence_files=file_rows(initiative),
        overdue_week=services.overdue_update_week(g.cohort, initiative.updates, today()),
        today=today(),
        # Partners write for the trainee: only the owner reads their words.
        partner_views=partners.views_by_update(initiative) if is_owner else {},
        partner_comments=partners.comments_on(initiative) if is_owner else [],
        partner_count=len(partners.partners_of(initiative)) if is_owner else 0,
    )


def _kept_comments(initiative) -> dict:
    """{update id: comment form} for comments kept from an expired session."""
    kept = take_kept_text()
    forms = {}
    for update in initiative.updates if kept else []:
        action = url_for(
            ".comment", slug=g.cohort.slug, initiative_id=initiative.id, update_id=update.id
        )
        if action in kept:
            forms[update.id] = refill(CommentForm, kept, action)
    return forms


@bp.route("/<int:initiative_id>/journey.svg")
@requires("initiatives.view")
def journey(slug, initiative_id):
    initiative = _visible(initiative_id)
    return svg_response(charts.journey_svg(charts.points_of(initiative.updates)))


def svg_response(svg):
    response = current_app.response_class(svg, mimetype="image/svg+xml")
    # matplotlib styles its shapes with style attributes. This document holds no script
    # and no typed text, so inline styles are allowed for it alone; nothing else is.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _initiative_page(slug, initiative_id, update_id):
    return url_for(".show", slug=slug, initiative_id=initiative_id)


@bp.route("/<int:initiative_id>/updates/<int:update_id>/comments", methods=["POST"])
@keeps_unsaved_text(shown_on=_initiative_page)
@requires("initiatives.follow")
def comment(slug, initiative_id, update_id):
    initiative = _visible(initiative_id)
    update = db.session.get(Update, update_id)
    if update is None or update.initiative_id != initiative.id:
        abort(404)
    form = CommentForm()
    valid = form.validate_on_submit()
    problems = [] if valid else list(form.body.errors or ["try again"])
    if valid:
        try:
            services.add_comment(update, current_user, form.body.data)
            notices.commented(update, current_user)
        except services.InitiativeProblems as refused:  # e.g. only blank lines
            db.session.rollback()
            problems = [message for _, message in refused.problems]
    if problems:
        flash("Your comment was not saved: " + "; ".join(problems))
    else:
        db.session.commit()
        flash("Your comment is saved.")
    return redirect(
        url_for(".show", slug=slug, initiative_id=initiative.id) + f"#update-{update.id}"
    )


@bp.route("/board")
@requires("initiatives.follow")
def board(slug):
    group_id = services.viewable_group_id(g.membership, current_user)
    weeks = current_app.config.get("INITIATIVES_STUCK_WEEKS", 6)
    rows = services.board(g.cohort, group_id, today(), weeks)
    links = week_links(
        [(row.membership, services.weeks_held(g.cohort, row.since, today())) for row in rows],
        g.membership,
    )
    return render_template(
        "initiatives/board.html",
        cohort=g.cohort,
        rows=rows,
        week_links=links,
        stuck_weeks=weeks,
        group=g.membership.tutor_group if group_id is not None and g.membership else None,
    )


@bp.route("/overview")
@requires("initiatives.report")
def overview(slug):
    return render_template(
        "initiatives/overview.html",
        cohort=g.cohort,
        summary=reports.cohort_summary(g.cohort),
        small_cell=disclosure.threshold(),
    )
