"""Nothing typed is lost when a session expires, and no one else is shown it.

A form post that arrives after the session expired (not signed in any more, or a form
token that no longer matches the session) would normally be thrown away. For views
marked `@keeps_unsaved_text`, the posted fields are kept server-side (the session cookie
is too small for long reflections) for the person who wrote them, and offered back to
that person only, on the page that shows the form, after they sign in again.

Who wrote it comes from the form itself: at sign-in the session's form (CSRF) token is
made to carry the user's id and a mark of their session token, signed by the app. So a
post from an expired session still names its writer, and a form from before sign-out or
a password change (the session token rotated), a forged one, or one from a browser that
was never signed in names no one: nothing is kept. What is kept is capped in size, in
number per person and in posts per person and hour, and lasts a week.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user
from itsdangerous import BadData, URLSafeTimedSerializer
from limits import parse
from sqlalchemy import ForeignKey, String, Text, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import MultiDict

from lms.contracts import record_id
from lms.core.models import User, utcnow
from lms.extensions import db, limiter

KEEP_FOR = timedelta(days=7)
MAX_BYTES = 512 * 1024  # far beyond a week's reflection (about 40,000 words)
MAX_KEPT_PER_PERSON = 30  # distinct forms: bounds what one person's posts can store
RATE = "60 per hour"  # posts kept per person (Flask-Limiter's store, when limits are on)
CSRF_FIELD = "csrf_token"


class RescuedForm(db.Model):
    __tablename__ = "rescued_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(500))  # where the form was posted
    page: Mapped[str] = mapped_column(String(500))  # the page that shows the form
    fields: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def keeps_unsaved_text(view: Callable | None = None, *, shown_on: Callable[..., str] | None = None):
    """Mark a view whose posted text must survive an expired session.

    A view that answers POST only names the page that shows its form: `shown_on` is
    called with the view's URL values and returns that page's address."""

    def mark(view: Callable) -> Callable:
        view.keeps_unsaved_text = shown_on or True  # type: ignore[attr-defined]
        return view

    return mark(view) if view is not None else mark


# -- who wrote it -----------------------------------------------------------------------


def _mark(user: User) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"rescue:{user.get_id()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def sign_forms_for(sender, user: User, **extra) -> None:
    """On sign-in (Flask-Login signal): the session's form token names the writer."""
    session[CSRF_FIELD] = f"{user.id}.{_mark(user)}.{secrets.token_hex(16)}"


def sign_forms_of_returning_user() -> None:
    """A session restored from the remember-me cookie starts without a form token."""
    if CSRF_FIELD not in session and request.endpoint != "static" and current_user.is_authenticated:
        sign_forms_for(None, current_user)


def _writer() -> User | None:
    """The person whose session the posted form came from, if it still stands."""
    config = current_app.config
    secret = config.get("WTF_CSRF_SECRET_KEY") or config["SECRET_KEY"]
    try:
        raw = URLSafeTimedSerializer(secret, salt="wtf-csrf-token").loads(
            request.form.get(CSRF_FIELD, "")
        )
    except BadData:
        return None
    user_id, _, rest = str(raw).partition(".")
    mark = rest.partition(".")[0]
    number = record_id(user_id)
    user = db.session.get(User, number) if number else None
    if user is None or not hmac.compare_digest(mark, _mark(user)):
        return None
    return user


# -- keeping ----------------------------------------------------------------------------


def should_rescue() -> bool:
    if request.method != "POST" or request.endpoint is None:
        return False
    view = current_app.view_functions.get(request.endpoint)
    return bool(getattr(view, "keeps_unsaved_text", False))


def _page() -> str:
    """The page that shows the posted form: where the writer is taken back to."""
    view = current_app.view_functions[request.endpoint]
    shown_on = view.keeps_unsaved_text
    return shown_on(**request.view_args) if callable(shown_on) else request.path


def _keep(writer: User, page: str) -> bool:
    fields = {
        key: values if len(values) > 1 else values[0]
        for key, values in request.form.lists()
        if key != CSRF_FIELD
    }
    encoded = json.dumps(fields)
    if len(encoded.encode()) > MAX_BYTES:
        return False
    if current_app.config["RATELIMIT_ENABLED"] and not limiter.limiter.hit(
        parse(RATE), "rescued-text", str(writer.id)
    ):
        return False
    db.session.execute(delete(RescuedForm).where(RescuedForm.created_at < utcnow() - KEEP_FOR))
    # One kept text per form: a later post replaces the earlier.
    db.session.execute(
        delete(RescuedForm).where(
            RescuedForm.user_id == writer.id, RescuedForm.action == request.path
        )
    )
    kept = db.session.scalar(
        select(func.count()).select_from(RescuedForm).where(RescuedForm.user_id == writer.id)
    )
    if kept >= MAX_KEPT_PER_PERSON:
        db.session.commit()
        return False
    db.session.add(RescuedForm(user_id=writer.id, action=request.path, page=page, fields=encoded))
    db.session.commit()
    return True


def answer_unsaved_post():
    """The answer to a post to a marked view that could not be saved because the
    session expired or the form's token is stale: keep the text for its writer, and
    send the person to the page that shows the form (through signing in if need be)."""
    page = _page()
    writer = _writer()
    kept = writer is not None and _keep(writer, page)
    if current_user.is_authenticated:
        if not kept or writer.id != current_user.id:  # else the page says it, with the text
            flash("That form was from an earlier session, so nothing was saved. Try again.")
        return redirect(page)
    if kept:
        flash("Your session had expired. Sign in again: what you typed has been kept.")
    else:
        flash("Your session had expired, so nothing was saved. Sign in again.")
    return redirect(url_for("auth.login", next=page))


# -- offering back ----------------------------------------------------------------------

RESTORED = (
    "Your session had expired, so this text was not saved. It is here: check it, then save it."
)


def _formdata(fields: dict) -> MultiDict:
    data = MultiDict()
    for key, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            data.add(key, item)
    return data


def take_kept_text(page: str | None = None) -> dict[str, MultiDict]:
    """Text kept for the signed-in person from forms shown on this page (default: the
    current one), by the address each was posted to; given once. One query."""
    if not current_user.is_authenticated or request.method != "GET":
        return {}
    records = db.session.scalars(
        select(RescuedForm)
        .where(
            RescuedForm.user_id == current_user.id,
            RescuedForm.page == (page or request.path),
            RescuedForm.created_at >= utcnow() - KEEP_FOR,
        )
        .order_by(RescuedForm.id)
    ).all()
    if not records:
        return {}
    kept = {record.action: _formdata(json.loads(record.fields)) for record in records}
    db.session.execute(delete(RescuedForm).where(RescuedForm.id.in_([r.id for r in records])))
    db.session.commit()
    return kept


def take_rescued_fields(action: str | None = None) -> dict | None:
    """The fields the signed-in person posted to `action` (default: this page) that were
    kept for them, once, as a plain dict; None when there are none."""
    data = take_kept_text().get(action or request.path)
    return {key: (v if len(v := data.getlist(key)) > 1 else v[0]) for key in data} if data else None


def refill(form_class, kept: dict[str, MultiDict], action: str | None = None, **kwargs):
    """A form refilled with the text kept from its post to `action` (default: this page),
    or built from `kwargs` when nothing was kept."""
    data = kept.get(action or request.path)
    if not data:
        return form_class(**kwargs)
    flash(RESTORED)
    return form_class(formdata=data)


def kept_form(form_class, **kwargs):
    """The form of a page that posts to itself: on GET, refilled with text kept from
    an expired session; otherwise as `form_class(**kwargs)`."""
    return refill(form_class, take_kept_text(), **kwargs)


def erase_rescued_text(user: User) -> None:
    """Erasure: text kept for this person goes too."""
    db.session.execute(delete(RescuedForm).where(RescuedForm.user_id == user.id))
