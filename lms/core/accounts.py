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
EMAIL_CHANGE = "email-change"
MIN_PASSWORD_LENGTH = 10


class TokenProblem(Enum):
    EXPIRED = "expired"
    INVALID = "invalid"
    USED = "used"
    DEACTIVATED = "deactivated"


# The one rule for who may receive email (invitations, resets, reminders, digests,
# notifications): not a deactivated account, not an erased one. As a SQL condition on
# `User` for queries that pick recipients in bulk, and as a function for one person.
EMAILABLE = User.deactivated_at.is_(None)


def may_be_emailed(user: User) -> bool:
    """Whether anything may be emailed to this person (see `EMAILABLE`)."""
    from lms.core.privacy import is_erased

    return user.deactivated_at is None and not is_erased(user)


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"lms-{purpose}")


def make_token(user: User, purpose: str, **extra) -> str:
    return _serializer(purpose).dumps({"user": user.id, "session": user.session_token, **extra})


def _max_age(purpose: str) -> int:
    if purpose in (INVITATION, EMAIL_CHANGE):
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
    if user.deactivated_at is not None:
        return TokenProblem.DEACTIVATED
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
    users = [user for user in users if not getattr(user, "deactivated_at", None)]
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
    if user is None or not may_be_emailed(user):
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


# -- what an admin or a lead does for someone (lms.core.people checks who may) ----------


class AccountProblem(ValueError):
    """Why an action on someone's account cannot be done, in words for the page."""


def resend_invitation(user: User, cohort_name: str | None = None) -> None:
    """A fresh invitation to someone who has not set a password yet (earlier links
    keep working until they expire). Raises BaseUrlMissing before sending anything."""
    if user.has_password:
        raise AccountProblem(
            f"{user.full_name} has already set a password: send a password reset link instead"
        )
    if not may_be_emailed(user):
        raise AccountProblem(f"{user.full_name}'s account is deactivated: reactivate it first")
    _link("auth.accept_invitation", "x")  # raises BaseUrlMissing before anything is sent
    send_invitation(user, cohort_name)


def send_reset_link(user: User) -> None:
    """A password reset link for someone locked out, sent to their own address only."""
    if not may_be_emailed(user):
        raise AccountProblem(f"{user.full_name}'s account is deactivated: reactivate it first")
    minutes = current_app.config["RESET_MAX_AGE_MINUTES"]
    link = _link("auth.reset_password", make_token(user, RESET))
    mail.send(
        user.email,
        "Reset your Involving People password",
        "Your programme team has sent you a link to set a new password. Use it within "
        f"{minutes} minutes:\n{link}\n\n"
        "If you did not ask for this, you can ignore this email: your password stays the same.",
    )


def deactivate(user: User) -> None:
    """Refuse sign-in from now on and sign the person out everywhere; keep their data."""
    if user.deactivated_at is None:
        user.deactivated_at = utcnow()
        end_sessions(user)  # also voids their emailed links


def reactivate(user: User) -> None:
    user.deactivated_at = None


def request_email_change(user: User, new_email: str) -> str:
    """Email a confirmation link to the new address (the old one stays until it is
    used) and tell the old address. Returns the normalised new address."""
    from lms.core.validation import email_problem

    address, problem = email_problem(new_email)
    if problem:
        raise AccountProblem(f"Email address {problem}")
    if address == user.email:
        raise AccountProblem("This is already their email address")
    if find_user(address) is not None:
        raise AccountProblem("Another account already uses this email address")
    if not may_be_emailed(user):
        raise AccountProblem(f"{user.full_name}'s account is deactivated: reactivate it first")
    days = current_app.config["INVITATION_MAX_AGE_DAYS"]
    link = _link("auth.confirm_email", make_token(user, EMAIL_CHANGE, old=user.email, new=address))
    mail.send_all(
        [
            mail.Message(
                address,
                "Confirm your new email address for Involving People",
                f"Hello {user.given_name or 'there'},\n\n"
                "Your programme team is changing the email address of your Involving People "
                f"account to this one. Confirm it here within {days} days:\n{link}\n\n"
                "Until you do, your account keeps its old address.",
            ),
            mail.Message(
                user.email,
                "Your Involving People email address is being changed",
                f"Hello {user.given_name or 'there'},\n\n"
                f"Your programme team asked to change your account's email address to {address}. "
                "It changes only when that address confirms it. If this is a mistake, "
                "tell your programme lead.",
            ),
        ]
    )
    return address


def read_email_change(token: str) -> tuple[User, str] | TokenProblem:
    """The user and the new address a confirmation link is for, or why it cannot be used.
    A link works once: it names the old address, which confirming replaces."""
    found = read_token(token, EMAIL_CHANGE)
    if isinstance(found, TokenProblem):
        return found
    payload = _serializer(EMAIL_CHANGE).loads(token)
    if payload.get("old") != found.email or not isinstance(payload.get("new"), str):
        return TokenProblem.USED
    return found, payload["new"]


def confirm_email_change(user: User, new_email: str) -> None:
    if find_user(new_email) is not None:
        raise AccountProblem("Another account now uses this email address: ask for a new link")
    user.email = new_email


def set_password(user: User, password: str) -> None:
    """Set a password; this signs the user out of every other session."""
    user.set_password(password)


def end_sessions(user: User) -> None:
    """Sign the user out everywhere: every session and remember-me cookie issued so far
    (and every emailed link) carries the old session token."""
    user.session_token = new_session_token()
