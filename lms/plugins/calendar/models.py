"""Calendar: one private feed per user, found by the hash of its secret token."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.models import User, utcnow
from lms.extensions import db


class Feed(db.Model):
    """A member's iCalendar subscription. Revoking deletes the row.

    Only the SHA-256 of the token is kept: a copy of the database cannot be used to
    read anyone's calendar, and the URL is shown to its owner once."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
