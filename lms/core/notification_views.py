"""The notifications page, email choices, and the one-click unsubscribe link."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from lms.contracts import EMAIL_CHOICES
from lms.core import notifications
from lms.core.permissions import public, signed_in
from lms.extensions import csrf, db, limiter

bp = Blueprint("notifications", __name__)


class ButtonForm(FlaskForm):
    submit = SubmitField("Mark all as read", widget=GovSubmitInput())


class UnsubscribeForm(FlaskForm):
    submit = SubmitField("Stop these emails", widget=GovSubmitInput())


def field_name(kind_id: str) -> str:
    return "kind-" + kind_id.replace(".", "-")


def preferences_form(kinds, chosen: dict[str, str]):
    """A radio group per kind, each set to the person's current choice."""

    class PreferencesForm(FlaskForm):
        submit = SubmitField("Save your choices", widget=GovSubmitInput())

    for kind in kinds:
        setattr(
            PreferencesForm,
            field_name(kind.id),
            RadioField(
                kind.label,
                choices=[SelectChoice(c, notifications.EMAIL_LABELS[c]) for c in EMAIL_CHOICES],
                default=chosen.get(kind.id, kind.email),
                widget=GovRadioInput(),
                validators=[InputRequired(message=f"Select when to email you: {kind.label}")],
            ),
        )
    return PreferencesForm()


@bp.route("/notifications")
@signed_in
def index():
    notes = notifications.recent(current_user)
    return render_template(
        "notifications/index.html",
        notes=notes,
        unread=sum(n.read_at is None for n in notes),
        form=None,
        read_form=ButtonForm(),
    )


@bp.route("/notifications/<int:notification_id>", endpoint="open")
@signed_in
def open_one(notification_id: int):
    # Opening one marks it read and goes to the thing itself; only your own.
    note = notifications.own(current_user, notification_id)
    if note is None:
        abort(404)
    notifications.mark_read(note)
    db.session.commit()
    return redirect(note.link)


@bp.route("/notifications/read", methods=["POST"])
@signed_in
def read_all():
    if ButtonForm().validate_on_submit():
        count = notifications.mark_all_read(current_user)
        db.session.commit()
        flash("All your notifications are marked as read." if count else "Nothing was unread.")
    return redirect(url_for(".index"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@signed_in
def preferences():
    kinds = notifications.kinds_for(current_user)
    form = preferences_form(kinds, notifications.email_preferences(current_user.id))
    if form.validate_on_submit():
        notifications.set_email_preferences(
            current_user, {kind.id: form[field_name(kind.id)].data for kind in kinds}
        )
        db.session.commit()
        flash("Your email choices are saved.")
        return redirect(url_for(".preferences"))
    status = 400 if form.errors else 200
    fields = [(kind, form[field_name(kind.id)]) for kind in kinds]
    return render_template("notifications/preferences.html", form=form, fields=fields), status


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail programs post here without a form; the signed link is the key
@limiter.limit("30 per 10 minutes")
@public
def unsubscribe(token: str):
    # A GET only asks: mail scanners follow links and must not turn anyone's email off.
    found = notifications.read_unsubscribe_token(token)
    if found is None:
        abort(404, "This unsubscribe link is not valid. Check it was copied in full.")
    user, kinds = found
    if request.method == "POST":
        notifications.unsubscribe(user, [kind.id for kind in kinds])
        db.session.commit()
        return render_template("notifications/unsubscribed.html", kinds=kinds)
    return render_template("notifications/unsubscribe.html", kinds=kinds, form=UnsubscribeForm())
