"""Admin pages: people and erasure, the audit log. Members' own data download."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from sqlalchemy import or_, select
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired

from lms.core import audit, privacy
from lms.core.models import User
from lms.core.permissions import admin_only, signed_in
from lms.extensions import db

bp = Blueprint("admin", __name__)


class EraseForm(FlaskForm):
    confirm = StringField(
        "Type ERASE to confirm",
        widget=GovTextInput(),
        validators=[InputRequired(message="Type ERASE to confirm")],
    )
    submit = SubmitField("Erase this person's data", widget=GovSubmitInput())

    def validate_confirm(self, field):
        from wtforms import ValidationError

        if field.data.strip() != "ERASE":
            raise ValidationError("Type ERASE, in capitals, to confirm")


@bp.route("/account/")
@signed_in
def account():
    manager = current_app.extensions["lms"]
    links = sorted(manager.results("lms_account_links", user=current_user), key=lambda i: i.order)
    from lms.core import consent
    from lms.core.cohorts import memberships_of

    asked = [m for m in memberships_of(current_user) if consent.is_asked(m)]
    return render_template("admin/account.html", links=links, consent_memberships=asked)


@bp.route("/account/personal-data.zip", methods=["POST"])
@signed_in
def download_personal_data():
    body = privacy.personal_data_archive(current_user)
    audit.record("personal_data.downloaded", current_user, subject=current_user)
    db.session.commit()
    return Response(
        body,
        mimetype="application/zip",
        headers={"Content-Disposition": 'attachment; filename="my-involving-people-data.zip"'},
    )


@bp.route("/admin/users")
@admin_only
def users():
    query = request.args.get("q", "").strip()[:100]
    statement = select(User).order_by(User.family_name, User.given_name).limit(100)
    if query:
        like = f"%{query.lower()}%"
        statement = statement.where(
            or_(
                User.email.like(like),
                db.func.lower(User.given_name + " " + User.family_name).like(like),
            )
        )
    return render_template(
        "admin/users.html", users=db.session.scalars(statement).all(), query=query
    )


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@admin_only
def user(user_id: int):
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    form = EraseForm()
    if form.validate_on_submit():
        if person.id == current_user.id:
            form.confirm.errors.append("You cannot erase your own account here")
        else:
            privacy.erase_user(person, current_user)
            db.session.commit()
            flash(f"Personal data of user {person.id} has been erased.")
            return redirect(url_for("admin.users"))
    status = 400 if form.errors else 200
    return render_template(
        "admin/user.html", person=person, form=form, erased=privacy.is_erased(person)
    ), status


@bp.route("/admin/audit")
@admin_only
def audit_log():
    action = request.args.get("action") or None
    if action is not None and action not in audit.ACTIONS:
        action = None
    return render_template(
        "admin/audit.html",
        events=audit.recent_events(action=action),
        actions=audit.ACTIONS,
        action=action,
    )


@bp.route("/admin/audit.csv")
@admin_only
def audit_export():
    audit.record("data.exported", current_user, what="audit log")
    db.session.commit()
    return Response(
        audit.events_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
    )
