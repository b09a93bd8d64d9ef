"""Consent pages: a trainee answers each purpose of the evaluation; the lead sees counts,
who has not answered, and reminds them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from lms.core import audit, consent, disclosure, notifications
from lms.core.permissions import requires
from lms.extensions import db, limiter

bp = Blueprint("consent", __name__, url_prefix="/cohorts")


def field_name(purpose_id: str) -> str:
    return "purpose_" + purpose_id.replace("-", "_")


def consent_form(purposes, answers) -> FlaskForm:
    """One yes/no question per purpose. Nothing is ticked until the member has answered:
    declining is as easy as agreeing."""

    class ConsentForm(FlaskForm):
        pass

    for purpose in purposes:
        setattr(
            ConsentForm,
            field_name(purpose.id),
            RadioField(
                purpose.label,
                description=purpose.hint,
                choices=[SelectChoice("yes", "Yes, I agree"), SelectChoice("no", "No")],
                validators=[InputRequired(message=f"Select yes or no: {purpose.label}")],
                widget=GovRadioInput(),
            ),
        )
    data = {field_name(purpose): "yes" if row.given else "no" for purpose, row in answers.items()}
    return ConsentForm(data=data)


@bp.route("/<slug>/consent", methods=["GET", "POST"])
@requires("consent.give")
def give():
    membership = g.membership
    if membership is None or membership.role not in consent.ASKED_ROLES:
        abort(404)  # an admin or a lead has no answers of their own here
    information = consent.information(g.cohort)
    answers = consent.answers_of(membership)
    form = consent_form(information.purposes, answers)
    status = 200
    if form.validate_on_submit():
        chosen = {p.id: form[field_name(p.id)].data == "yes" for p in information.purposes}
        try:
            changed = consent.record(membership, chosen, by=current_user, source=consent.PAGE)
        except consent.ConsentRefused as refused:
            db.session.rollback()
            flash(str(refused))
            return redirect(url_for(".give", slug=g.cohort.slug))
        db.session.commit()
        flash(
            "Your answers are saved. They apply to every report made from now on."
            if changed
            else "Your answers are unchanged."
        )
        return redirect(url_for(".give", slug=g.cohort.slug))
    if form.errors:
        status = 400
    return render_template(
        "consent/give.html",
        cohort=g.cohort,
        membership=membership,
        information=information,
        answers=answers,
        form=form,
        field_name=field_name,
    ), status


@bp.route("/<slug>/consent/withdraw", methods=["POST"])
@requires("consent.give")
def withdraw():
    membership = g.membership
    if membership is None or membership.role not in consent.ASKED_ROLES:
        abort(404)
    try:
        consent.withdraw(membership, by=current_user)
    except consent.ConsentRefused as refused:
        db.session.rollback()
        flash(str(refused))
    else:
        db.session.commit()
        flash(
            "You have withdrawn your consent. Nothing of yours will be used in any report "
            "made from now on."
        )
    return redirect(url_for(".give", slug=g.cohort.slug))


@bp.route("/<slug>/consent/overview")
@requires("consent.manage")
def overview():
    summary = consent.cohort_consent(g.cohort)
    return render_template(
        "consent/overview.html",
        cohort=g.cohort,
        summary=summary,
        rows=[(count, *consent.shown_counts(count)) for count in summary.counts],
        reason=consent.suppression_reason(g.cohort),
        rule=disclosure.rule_text(),
        can_manage=True,
    )


@bp.route("/<slug>/consent/remind", methods=["POST"])
@limiter.limit("10 per hour", methods=["POST"])
@requires("consent.manage")
def remind():
    # CSRF is checked for every post by CSRFProtect.
    cohort = g.cohort
    waiting = consent.cohort_consent(cohort).not_answered
    # Told through notifications: in the app at once, by email from the next
    # `lms notifications send` (or queue worker), never from inside this request.
    told = len(
        notifications.notify_all(
            "consent.requested",
            waiting,
            f"{current_user.full_name} asks for your consent to the evaluation of {cohort.name}",
            url_for("consent.give", slug=cohort.slug),
        )
    )
    audit.record("consent.requested", current_user, cohort=cohort, members=told)
    db.session.commit()
    flash(
        f"Reminders sent to {told} members. They see it when they sign in, and by email."
        if told
        else "Everyone has answered: no reminders were needed."
    )
    return redirect(url_for(".overview", slug=cohort.slug))
