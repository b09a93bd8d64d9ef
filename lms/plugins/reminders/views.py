"""Reminder settings (signed in) and the one-click unsubscribe link from the emails."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from lms.core.permissions import public, signed_in
from lms.extensions import db, limiter
from lms.plugins.reminders import services
from lms.plugins.reminders.forms import SettingsForm, UnsubscribeForm

bp = Blueprint("reminders", __name__, template_folder="templates")


@bp.route("/account/reminders", methods=["GET", "POST"])
@signed_in
def settings():
    form = SettingsForm()
    if form.validate_on_submit():
        services.set_reminders(current_user, form.reminders.data == "yes")
        db.session.commit()
        flash("Your email settings are saved.")
        return redirect(url_for("reminders.settings"))
    if not form.is_submitted():
        form.reminders.data = "yes" if services.reminders_enabled(current_user) else "no"
    status = 400 if form.errors else 200
    return render_template("reminders/settings.html", form=form), status


@bp.route("/reminders/unsubscribe/<token>", methods=["GET", "POST"])
@limiter.limit("30 per 10 minutes")
@public
def unsubscribe(token: str):
    # The link is the credential, so it works without signing in. A GET only asks:
    # mail scanners follow links, and must not turn anyone's reminders off.
    user = services.user_for_unsubscribe_token(token)
    if user is None:
        abort(404)
    form = UnsubscribeForm()
    if form.validate_on_submit():
        services.set_reminders(user, False)
        db.session.commit()
        return render_template("reminders/unsubscribed.html")
    return render_template("reminders/unsubscribe.html", form=form)
