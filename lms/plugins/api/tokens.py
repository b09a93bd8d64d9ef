"""Personal access tokens: creating, listing, revoking and checking them.

A token is ``ipl_`` followed by 43 random URL-safe characters (256 bits). The prefix
makes a leaked token easy to recognise (secret scanners, logs); only its SHA-256 is
stored, so the secret exists in one place: the page that shows it once."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from lms.core.models import User, utcnow
from lms.extensions import db
from lms.plugins.api.models import SCOPES, ApiToken

TOKEN_PREFIX = "ipl_"  # noqa: S105 - a public marker, not a secret
MAX_TOKEN_LENGTH = 100
MAX_ACTIVE_TOKENS = 20
MAX_NAME = 100
# A script may call many times a minute: recording every call would write on each one.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenProblems(ValueError):
    """What is wrong with a new token's details, as (field, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(message for _, message in problems))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, live ones first, newest first (one query)."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id)
        )
    )


def create_token(user: User, name: str, scope: str) -> tuple[ApiToken, str]:
    """Make a token; return it with its secret, which is never stored or shown again."""
    name = (name or "").strip()
    problems = []
    if not name:
        problems.append(("name", "Enter a name for the token, such as ‘Power BI report’"))
    elif len(name) > MAX_NAME:
        problems.append(("name", f"The name must be {MAX_NAME} characters or fewer"))
    if scope not in SCOPES:
        problems.append(("scope", "Select what the token may do"))
    active = [t for t in tokens_of(user) if t.is_active]
    if len(active) >= MAX_ACTIVE_TOKENS:
        problems.append(
            ("name", f"You have {MAX_ACTIVE_TOKENS} tokens: revoke one you no longer use first")
        )
    if problems:
        raise TokenProblems(problems)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        scope=scope,
        token_hash=hash_token(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 4],
    )
    db.session.add(token)
    db.session.flush()
    return token, secret


def revoke_token(user: User, token_id: int) -> ApiToken | None:
    """Revoke one of the user's own tokens; None if it is not theirs (a 404)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return None
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    db.session.flush()
    return token


def revoke_all(user: User) -> int:
    """Revoke every live token of the user (e.g. on erasure); the number revoked."""
    result = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount or 0


def token_for(secret: str) -> ApiToken | None:
    """The live token with this secret, its user loaded, noting the use; else None."""
    if not secret or len(secret) > MAX_TOKEN_LENGTH or not secret.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    # A deactivated account's tokens stop working with it (and work again if reactivated).
    if token is None or not token.is_active or token.user.deactivated_at is not None:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
    return token


def personal_data(user: User) -> list[dict]:
    """What is held about the user's tokens: never the hash."""
    return [
        {
            "name": t.name,
            "scope": t.scope,
            "starts_with": t.prefix,
            "created_at": t.created_at.isoformat(),
            "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
        }
        for t in tokens_of(user)
    ]


def erase_personal_data(user: User) -> None:
    """Delete the user's tokens: names can say something about the person."""
    for token in tokens_of(user):
        db.session.delete(token)
    db.session.flush()
