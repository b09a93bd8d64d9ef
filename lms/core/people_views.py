"""A person's page for admins and leads: invitation, reset link, deactivation, email."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import InputRequired

from lms.core import accounts, people
from lms.core.links import BaseUrlMissing
from lms.core.models import User
from lms.core.permissions import requires
from lms.core.rescue import keeps_unsaved_text, kept_form
from lms.extensions import db

bp = Blueprint("people", __name__, url_prefix="/people")

STALE = "This page was out of date, so nothing was changed. Check the details and try again."


class ActionForm(FlaskForm):
    """A button. It carries the address the page showed: an action taken on an out-of-date
    page (the address changed in another tab) is refused rather than aimed wrongly."""

    email = HiddenField(validators=[InputRequired(message=STALE)])


class EmailChangeForm(FlaskForm):
    new_email = StringField(
        "New email address",
        widget=GovTextInput(),
        description="We will send a link to this address. The account keeps its current "
        "address until the link is used.",
        validators=[InputRequired(message="Enter the new email address")],
    )
    submit = SubmitField("Send confirmation link", widget=GovSubmitInput())


def _person(user_id: int) -> User:
    person = db.session.get(User, user_id)
    # Someone outside your cohorts is as unknown to you as a missing id.
    if person is None or not people.may_manage(current_user, person):
        abort(404)
    return person


def _page(person: User, problem: str | None = None, status: int = 200):
    return render_template(
        "people/person.html",
        person=person,
        memberships=people.visible_memberships(current_user, person),
        action_form=ActionForm(formdata=None, email=person.email),
        problem=problem,
    ), status


@bp.route("/<int:user_id>")
@requires("people.manage")
def person(user_id: int):
    return _page(_person(user_id))


def _act(user_id: int, action, done: str):
    """Run one button's action for the person, audited, or show why not."""
    person = _person(user_id)
    form = ActionForm()
    if not form.validate_on_submit() or form.email.data != person.email:
        return _page(person, STALE, 400)
    try:
        action(current_user, person)
    except (accounts.AccountProblem, BaseUrlMissing) as problem:
        db.session.rollback()
        return _page(person, str(problem), 400)
    db.session.commit()
    flash(done.format(name=person.full_name, email=person.email))
    return redirect(url_for("people.person", user_id=person.id))


@bp.route("/<int:user_id>/invitation", methods=["POST"])
@requires("people.manage")
def resend_invitation(user_id: int):
    return _act(user_id, people.resend_invitation, "A new invitation has been sent to {email}.")


@bp.route("/<int:user_id>/password-reset", methods=["POST"])
@requires("people.manage")
def send_reset_link(user_id: int):
    return _act(user_id, people.send_reset_link, "A password reset link has been sent to {email}.")


@bp.route("/<int:user_id>/deactivate", methods=["POST"])
@requires("people.manage")
def deactivate(user_id: int):
    return _act(
        user_id,
        people.deactivate,
        "{name}'s account is deactivated: they cannot sign in and get no email. "
        "Everything they recorded is kept.",
    )


@bp.route("/<int:user_id>/reactivate", methods=["POST"])
@requires("people.manage")
def reactivate(user_id: int):
    return _act(user_id, people.reactivate, "{name}'s account is active again.")


@bp.route("/<int:user_id>/email", methods=["GET", "POST"])
@keeps_unsaved_text
@requires("people.manage")
def change_email(user_id: int):
    person = _person(user_id)
    form = kept_form(EmailChangeForm)
    if form.validate_on_submit():
        try:
            address = people.change_email(current_user, person, form.new_email.data)
        except (accounts.AccountProblem, BaseUrlMissing) as problem:
            db.session.rollback()
            form.new_email.errors.append(str(problem))
        else:
            db.session.commit()
            flash(
                f"A confirmation link has been sent to {address}. {person.full_name}'s "
                "address changes when it is used; until then it stays the same."
            )
            return redirect(url_for("people.person", user_id=person.id))
    status = 400 if form.errors else 200
    return render_template("people/change_email.html", person=person, form=form), status
