"""Reminders: each member's choice, and a log that makes sending idempotent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.models import Membership, utcnow
from lms.extensions import db


class Preference(db.Model):
    """A user's choice about reminder emails. No row means the default: on."""

    __tablename__ = "reminders_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SentReminder(db.Model):
    """One reminder sent (or being sent) to a member for one period.

    `kind` is "overdue" (a trainee's overdue tasks; period "week-<n>", the course week
    reminded about) or "digest" (a tutor's weekly digest; period the ISO week, e.g.
    "2026-W40"). The unique key is what stops a second run sending it again, even
    when two runs overlap: the row is written before the email goes."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("membership_id", "kind", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    membership: Mapped[Membership] = relationship()
