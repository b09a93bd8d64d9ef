"""Nothing typed is lost when a session expires.

A form post that arrives after the session expired (not signed in any more, or a CSRF
token that no longer matches) would normally be thrown away. For views marked
`@keeps_unsaved_text`, the posted fields are kept server-side (the session cookie is
too small for long reflections) under a random token held in the browser's session;
after signing in again the person lands back on the page and the view restores the
text with `take_rescued_fields()`.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app, request, session
from sqlalchemy import String, Text, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.models import utcnow
from lms.extensions import db

SESSION_KEY = "rescued_form"
KEEP_FOR = timedelta(days=7)


class RescuedForm(db.Model):
    __tablename__ = "rescued_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(String(500))
    fields: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def keeps_unsaved_text(view: Callable) -> Callable:
    """Mark a view whose posted text must survive an expired session."""
    view.keeps_unsaved_text = True  # type: ignore[attr-defined]
    return view


def should_rescue() -> bool:
    if request.method != "POST" or request.endpoint is None:
        return False
    view = current_app.view_functions.get(request.endpoint)
    return bool(getattr(view, "keeps_unsaved_text", False))


def rescue_posted_form() -> None:
    """Keep the posted fields (never the CSRF token) for after the next sign-in."""
    fields = {
        key: values if len(values) > 1 else values[0]
        for key, values in request.form.lists()
        if key != "csrf_token"
    }
    token = secrets.token_urlsafe(32)
    db.session.execute(delete(RescuedForm).where(RescuedForm.created_at < utcnow() - KEEP_FOR))
    db.session.add(RescuedForm(token=token, path=request.path, fields=json.dumps(fields)))
    db.session.commit()
    session[SESSION_KEY] = token


def take_rescued_fields(path: str | None = None) -> dict | None:
    """The fields kept for this page, once; None when there are none."""
    token = session.get(SESSION_KEY)
    if not token:
        return None
    record = db.session.scalar(select(RescuedForm).where(RescuedForm.token == token))
    if record is None or record.path != (path or request.path):
        return None
    session.pop(SESSION_KEY)
    fields = json.loads(record.fields)
    db.session.delete(record)
    db.session.commit()
    return fields
