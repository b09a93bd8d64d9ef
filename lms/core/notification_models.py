"""Notifications: what each person was told, how they want email, what was emailed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.models import Membership, User, utcnow
from lms.extensions import db

PENDING, SENT, SKIPPED = "pending", "sent", "skipped"


class Notification(db.Model):
    """An event that concerns one member, shown in the app and emailed as they prefer.

    `email_state` is "pending" until `lms notifications send` emails it ("sent", with
    the email that carried it) or decides not to ("skipped": read already, email off,
    or the member left)."""

    __tablename__ = "notifications"
    __table_args__ = (
        # The header's unread count and the notifications page read by these.
        Index("ix_notifications_user_read", "user_id", "read_at"),
        Index("ix_notifications_email_state", "email_state"),
        # An event that time brings (a wave opened, a session tomorrow) is told once.
        UniqueConstraint("membership_id", "once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(String(300))
    link: Mapped[str] = mapped_column(String(500))
    once: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    email_state: Mapped[str] = mapped_column(String(10), default=PENDING)
    email_id: Mapped[int | None] = mapped_column(
        ForeignKey("notification_emails.id", ondelete="SET NULL")
    )

    user: Mapped[User] = relationship()
    membership: Mapped[Membership] = relationship()


class NotificationEmail(db.Model):
    """One email sent (or being sent) to a user: a single notification or a digest.

    `key` names it ("n-<notification id>", "daily-2026-10-01", "weekly-2026-W40"); the
    unique key is written and committed before the email goes, so two overlapping runs
    (cron and a queue worker) can never both send it."""

    __tablename__ = "notification_emails"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationPreference(db.Model):
    """A user's email choice for one kind. No row: the kind's default."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(60))
    email: Mapped[str] = mapped_column(String(12))  # immediately | daily | weekly | never
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
