"""Pages for initiative partners, and the trainee's page that invites and removes them.

Routes on the initiatives blueprint. The trainee's pages sit under `/mine` (their own
initiative, no id to guess). A partner's pages are `for_partners` and load the
partnership through `partners.partnership_for`, which answers None (404) unless it is the
signed-in user's own and current. The sign-in link pages are public: the link is the
credential, checked by `partners.read_link`.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user

from lms.core.links import BaseUrlMissing
from lms.core.permissions import for_partners, public, requires
from lms.core.rescue import keeps_unsaved_text, kept_form, refill, take_kept_text
from lms.extensions import db, limiter
from lms.plugins.initiatives import partners, services
from lms.plugins.initiatives.forms import (
    PartnerCommentForm,
    PartnerInviteForm,
    PartnerViewForm,
    RemovePartnerForm,
)
from lms.plugins.initiatives.models import Partner
from lms.plugins.initiatives.views import _own_initiative, _show_problems, bp
from lms.plugins.initiatives.vocab import LADDER

LINK_PROBLEMS = {
    partners.LinkProblem.EXPIRED: (
        "This link has run out",
        "Links work for a few days only, to keep your account safe.",
    ),
    partners.LinkProblem.USED: (
        "This link has already been used",
        "Each link works once. If you used it before, or someone else did, ask for a new one.",
    ),
    partners.LinkProblem.INVALID: (
        "This link does not work",
        "Part of the link may be missing. Copy the whole link from your email, or ask the "
        "person who invited you to send it again.",
    ),
    partners.LinkProblem.ENDED: (
        "This link no longer works",
        "You are not a partner in this initiative any more. If you think this is a mistake, "
        "ask the person who invited you.",
    ),
}
NEW_LINK_FOR = (partners.LinkProblem.EXPIRED, partners.LinkProblem.USED)


# -- the trainee's partners ----------------------------------------------------------------


@bp.route("/mine/partners", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])  # each invitation sends an email
@requires("initiatives.record")
@keeps_unsaved_text
def partners_page(slug):
    initiative = _own_initiative()
    form = kept_form(PartnerInviteForm)
    if form.validate_on_submit():
        try:
            partner = partners.invite(
                initiative, form.name.data, form.email.data, form.kind.data, current_user
            )
        except services.InitiativeProblems as problems:
            db.session.rollback()
            _show_problems(form, problems)
        except BaseUrlMissing as missing:
            db.session.rollback()
            form.email.errors = [str(missing)]
        else:
            db.session.commit()
            flash(f"{partner.name} is invited. We have emailed them a link to sign in.")
            return redirect(url_for(".partners_page", slug=slug))
    status = 400 if form.errors else 200
    return render_template(
        "initiatives/partners.html",
        cohort=initiative.membership.cohort,
        initiative=initiative,
        partners=partners.partners_of(initiative),
        form=form,
        remove_form=RemovePartnerForm(),
    ), status


@bp.route("/mine/partners/<int:partner_id>/remove", methods=["POST"])
@requires("initiatives.record")
def remove_partner(slug, partner_id):
    initiative = _own_initiative()
    partner = db.session.get(Partner, partner_id)
    if partner is None or partner.initiative_id != initiative.id or not partner.is_active:
        abort(404)
    if RemovePartnerForm().validate_on_submit():
        partners.remove(partner, current_user)
        db.session.commit()
        flash(f"{partner.name} is no longer a partner. Their link and pages stopped working.")
    else:
        flash("The partner was not removed: try again.")
    return redirect(url_for(".partners_page", slug=slug))


# -- signing in by email link ----------------------------------------------------------------


def _masked(email: str) -> str:
    """j•••@example.org: enough to recognise one's address, not to learn someone's."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def _link_problem(partner, problem, token: str):
    title, advice = LINK_PROBLEMS[problem]
    offer = partner is not None and problem in NEW_LINK_FOR
    status = 400 if problem is partners.LinkProblem.INVALID else 410
    return render_template(
        "initiatives/partner_link_problem.html",
        title=title,
        advice=advice,
        offer_to=_masked(partner.user.email) if offer else None,
        token=token,
        slug=(request.view_args or {}).get("slug"),
        form=RemovePartnerForm(),
    ), status


@bp.route("/partners/sign-in/<token>", methods=["GET", "POST"])
@limiter.limit("30 per 10 minutes", methods=["POST"])
@public
def partner_sign_in(slug, token):
    partner, problem = partners.read_link(token)
    if partner is not None and partner.initiative.membership.cohort.slug != slug:
        partner, problem = None, partners.LinkProblem.INVALID
    if problem is not None:
        return _link_problem(partner, problem, token)
    # A button, not the link itself, signs in: mail scanners that open links in
    # advance would otherwise use up the one-time link before the partner does.
    form = RemovePartnerForm()
    if form.validate_on_submit():
        partners.use_link(partner)
        user = partner.user
        db.session.commit()
        session.clear()  # nothing from before survives (no fixation)
        session.permanent = True
        login_user(user)
        return redirect(url_for(".partner_home", slug=slug, partner_id=partner.id))
    return render_template(
        "initiatives/partner_sign_in.html",
        partner=partner,
        initiative=partner.initiative,
        form=form,
    )


@bp.route("/partners/sign-in/<token>/new-link", methods=["POST"])
@limiter.limit("5 per hour")
@public
def partner_new_link(slug, token):
    partner, problem = partners.read_link(token)
    if partner is None or problem not in (None, *NEW_LINK_FOR):
        return _link_problem(partner, problem or partners.LinkProblem.INVALID, token)
    if RemovePartnerForm().validate_on_submit():
        partners.send_link(partner)
        return render_template("initiatives/partner_link_sent.html", to=_masked(partner.user.email))
    return redirect(url_for(".partner_sign_in", slug=slug, token=token))


# -- a partner's pages ---------------------------------------------------------------------


def _partnership(slug: str, partner_id: int) -> Partner:
    partner = partners.partnership_for(current_user, slug, partner_id)
    if partner is None:
        abort(404)
    return partner


def _home(slug, partner_id, **_):
    return url_for(".partner_home", slug=slug, partner_id=partner_id)


@bp.route("/partner/<int:partner_id>")
@for_partners
def partner_home(slug, partner_id):
    partner = _partnership(slug, partner_id)
    kept = take_kept_text()
    action = url_for(".partner_comment", slug=slug, partner_id=partner.id)
    return render_template(
        "initiatives/partner.html",
        partner=partner,
        initiative=partner.initiative,
        trainee=partner.initiative.membership.user,
        views=partners.own_views(partner),
        comments=partners.own_comments(partner),
        comment_form=refill(PartnerCommentForm, kept, action),
    )


@bp.route("/partner/<int:partner_id>/comments", methods=["POST"])
@keeps_unsaved_text(shown_on=_home)
@for_partners
def partner_comment(slug, partner_id):
    partner = _partnership(slug, partner_id)
    form = PartnerCommentForm()
    problems = [] if form.validate_on_submit() else list(form.body.errors or ["try again"])
    if not problems:
        try:
            partners.add_comment(partner, form.body.data)
        except services.InitiativeProblems as refused:
            db.session.rollback()
            problems = [message for _, message in refused.problems]
    if problems:
        flash("Your comment was not sent: " + "; ".join(problems))
    else:
        db.session.commit()
        flash("Thank you. Your comment is sent.")
    return redirect(url_for(".partner_home", slug=slug, partner_id=partner.id) + "#comments")


@bp.route("/partner/<int:partner_id>/updates/<int:update_id>", methods=["GET", "POST"])
@keeps_unsaved_text
@for_partners
def partner_view(slug, partner_id, update_id):
    partner = _partnership(slug, partner_id)
    update = partners.update_of(partner, update_id)
    if update is None:
        abort(404)
    view = partners.view_of(partner, update)
    kept = take_kept_text()
    form = refill(PartnerViewForm, kept, obj=view)
    if view is not None and not form.is_submitted() and not kept:
        form.rung.data = str(view.rung)  # radios compare strings
    if form.validate_on_submit():
        try:
            partners.save_view(partner, update, int(form.rung.data), form.what_changed.data)
        except services.InitiativeProblems as problems:
            db.session.rollback()
            _show_problems(form, problems)
        else:
            db.session.commit()
            flash("Thank you. Your view is saved.")
            return redirect(
                url_for(".partner_home", slug=slug, partner_id=partner.id) + f"#update-{update.id}"
            )
    status = 400 if form.errors else 200
    return render_template(
        "initiatives/partner_view_form.html",
        partner=partner,
        initiative=partner.initiative,
        update=update,
        form=form,
        rung_items=lambda: [{"hint": {"text": f"Arnstein calls this “{r.name}”."}} for r in LADDER],
    ), status
