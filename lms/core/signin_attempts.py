"""Sign-in attempts per account, counted in the database.

The per-account limit (`LOGIN_LIMIT_PER_ACCOUNT`) must hold however many workers and
hosts serve the app, and the default rate-limit store (memory) is per worker. So each
attempt is written here before the password is checked and committed, then the attempts
in the window are counted: concurrent attempts on other workers see each other's rows,
and never more than the limit get a password checked. A successful sign-in removes its
own row, so only failures (and attempts still in flight) count.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from flask import current_app
from limits import parse
from sqlalchemy import String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.models import normalise_email, utcnow
from lms.extensions import db


class SigninAttempt(db.Model):
    __tablename__ = "signin_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A keyed digest of the address typed: addresses with no account are limited too,
    # and the table holds no email address.
    account: Mapped[str] = mapped_column(String(64), index=True)
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def _account(email: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, normalise_email(email)[:254].encode(), hashlib.sha256).hexdigest()


def start(email: str) -> int | None:
    """Record an attempt to sign in to this account; its id, or None when the account
    has had too many failed attempts in the window (nothing is recorded then)."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return 0
    limit = parse(current_app.config["LOGIN_LIMIT_PER_ACCOUNT"])
    since = utcnow() - timedelta(seconds=limit.get_expiry())
    account = _account(email)
    # Old rows of every account go as new ones come: the table stays the size of one window.
    db.session.execute(delete(SigninAttempt).where(SigninAttempt.attempted_at < since))
    attempt = SigninAttempt(account=account)
    db.session.add(attempt)
    db.session.commit()
    count = db.session.scalar(
        select(func.count())
        .select_from(SigninAttempt)
        .where(SigninAttempt.account == account, SigninAttempt.attempted_at >= since)
    )
    if count > limit.amount:
        db.session.delete(attempt)
        db.session.commit()
        return None
    return attempt.id


def succeeded(attempt_id: int) -> None:
    """The attempt found the right password: it does not count against the account."""
    db.session.execute(delete(SigninAttempt).where(SigninAttempt.id == attempt_id))
