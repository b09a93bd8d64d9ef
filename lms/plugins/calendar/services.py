"""Calendar feeds: creating, finding and revoking a member's secret feed token."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from lms.core.models import User, utcnow
from lms.extensions import db
from lms.plugins.calendar.models import Feed

# Calendar programs poll every few minutes to every day: recording each fetch would
# write on every poll, so the "last used" time is only refreshed this often.
LAST_USED_RESOLUTION = timedelta(hours=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_of(user: User) -> Feed | None:
    """The user's feed, or None if they have none (never made, or revoked)."""
    return db.session.scalar(select(Feed).where(Feed.user_id == user.id))


def create_feed(user: User) -> str:
    """Give the user a new feed token, replacing (and so revoking) any old one.

    Returns the token: the only time it exists outside the URL the user copies."""
    token = secrets.token_urlsafe(32)
    feed = feed_of(user)
    if feed is None:
        feed = Feed(user_id=user.id)
        db.session.add(feed)
    feed.token_hash = hash_token(token)
    feed.created_at = utcnow()
    feed.last_used_at = None
    db.session.flush()
    return token


def revoke_feed(user: User) -> bool:
    """Delete the user's feed; its URL answers 404 from now on. True if there was one."""
    result = db.session.execute(delete(Feed).where(Feed.user_id == user.id))
    return bool(result.rowcount)


def user_for_token(token: str) -> User | None:
    """The owner of a live feed token, noting the use; None for unknown tokens."""
    if not token or len(token) > 100:
        return None
    feed = db.session.scalar(select(Feed).where(Feed.token_hash == hash_token(token)))
    if feed is None or feed.user.deactivated_at is not None:  # their access ends with it
        return None
    now = utcnow()
    if feed.last_used_at is None or now - feed.last_used_at > LAST_USED_RESOLUTION:
        feed.last_used_at = now
    return feed.user


def personal_data(user: User) -> dict | None:
    """What we hold: that a feed exists and when it was made and used (not the hash)."""
    feed = feed_of(user)
    if feed is None:
        return None
    return {
        "created_at": feed.created_at.isoformat(),
        "last_used_at": feed.last_used_at.isoformat() if feed.last_used_at else None,
    }
