"""Accounts: signing in, invitations and password resets.

Invitation and reset links are signed, expiring tokens that embed the user's
session token, so each works once: setting a password rotates the session token.
"""

from __future__ import annotations

import secrets
from enum import Enum
from functools import cache

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from lms.core import mail
from lms.core.links import BaseUrlMissing, external_url
from lms.core.models import User, new_session_token, normalise_email, utcnow
from lms.extensions import db

INVITATION = "invitation"
RESET = "reset"
MIN_PASSWORD_LENGTH = 10


class TokenProblem(Enum):
    EXPIRED = "expired"
    INVALID = "invalid"
    USED = "used"


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"lms-{purpose}")


def make_token(user: User, purpose: str) -> str:
    return _serializer(purpose).dumps({"user": user.id, "session": user.session_token})


def _max_age(purpose: str) -> int:
    if purpose == INVITATION:
        return current_app.config["INVITATION_MAX_AGE_DAYS"] * 86_400
    return current_app.config["RESET_MAX_AGE_MINUTES"] * 60


def read_token(token: str, purpose: str) -> User | TokenProblem:
    """The user a token was issued to, or why it cannot be used."""
    try:
        payload = _serializer(purpose).loads(token, max_age=_max_age(purpose))
    except SignatureExpired:
        return TokenProblem.EXPIRED
    except BadSignature:
        return TokenProblem.INVALID
    if not isinstance(payload, dict):
        return TokenProblem.INVALID
    user = db.session.get(User, payload.get("user"))
    if user is None:
        return TokenProblem.INVALID
    if user.session_token != payload.get("session"):
        return TokenProblem.USED
    return user


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(email: str, password: str) -> User | None:
    """The user with this email and password, or None. Every attempt checks one hash,
    so the time taken does not tell whether the address has an account (or a password)."""
    user = find_user(email)
    stored = user.password_hash if user is not None else None
    matches = check_password_hash(stored or _dummy_hash(), password)
    if user is None or stored is None or not matches:
        return None
    user.last_login_at = utcnow()
    return user


def _link(endpoint: str, token: str) -> str:
    """An absolute link for an email (raises BaseUrlMissing when no address is set)."""
    return external_url(endpoint, token=token)


def send_invitation(user: User, cohort_name: str | None = None) -> None:
    send_invitations([user], cohort_name)


def send_invitations(users, cohort_name: str | None = None) -> None:
    """Invite people to set a password. `users` need only an id, email, given name and
    session token (a roster import passes them as plain data, after its commit)."""
    days = current_app.config["INVITATION_MAX_AGE_DAYS"]
    joining = f" to join {cohort_name}" if cohort_name else ""
    # The link and the signer are made once, not once per person (a national roster).
    before, after = _link("auth.accept_invitation", "-token-").rsplit("-token-", 1)
    signer = _serializer(INVITATION)
    mail.send_all(
        [
            mail.Message(
                user.email,
                "You are invited to Involving People",
                f"Hello {user.given_name or 'there'},\n\n"
                f"You have been invited{joining}. Set your password here:\n"
                + before
                + signer.dumps({"user": user.id, "session": user.session_token})
                + after
                + f"\n\nThe link works once and expires in {days} days.",
            )
            for user in users
        ]
    )


def request_password_reset(email: str) -> None:
    """Email a reset link if the address has an account; say nothing either way."""
    user = find_user(email)
    if user is None:
        return
    minutes = current_app.config["RESET_MAX_AGE_MINUTES"]
    try:
        link = _link("auth.reset_password", make_token(user, RESET))
    except BaseUrlMissing as missing:
        # The page says the same either way (no account enumeration); the operator is told.
        current_app.logger.error("Password reset for %s not sent: %s", user.email, missing)
        return
    mail.send_after_response(
        user.email,
        "Reset your Involving People password",
        "Someone asked to reset the password for this address. If it was you, use this "
        f"link within {minutes} minutes:\n{link}\n\n"
        "If it was not you, you can ignore this email.",
    )


def set_password(user: User, password: str) -> None:
    """Set a password; this signs the user out of every other session."""
    user.set_password(password)


def end_sessions(user: User) -> None:
    """Sign the user out everywhere: every session and remember-me cookie issued so far
    (and every emailed link) carries the old session token."""
    user.session_token = new_session_token()
