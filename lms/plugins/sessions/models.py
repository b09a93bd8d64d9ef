"""Tables of the sessions plugin: session times and places, the register, completion
exceptions and certificates. Table prefix: ``sessions_``."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.models import Membership, User, utcnow
from lms.extensions import db

DEFAULT_WEEK = 0  # a plan for week 0 is the cohort's default for every week


class SessionPlan(db.Model):
    """When and where sessions happen: the cohort default (week 0) or one week's override.

    Times are wall-clock times in Europe/London, as people say them ("10am"), so a
    session stays at 10am on either side of a clock change."""

    __tablename__ = "sessions_plans"
    __table_args__ = (UniqueConstraint("cohort_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    week: Mapped[int] = mapped_column(default=DEFAULT_WEEK)
    starts_at: Mapped[time]
    ends_at: Mapped[time]
    venue: Mapped[str] = mapped_column(String(300), default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


STATUSES = ("present", "late", "absent", "apologies")
ATTENDED = ("present", "late")


class Attendance(db.Model):
    """One member's attendance at one course week's session."""

    __tablename__ = "sessions_attendance"
    __table_args__ = (UniqueConstraint("membership_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    week: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))  # present | late | absent | apologies
    source: Mapped[str] = mapped_column(String(20), default="register")  # register | import
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    membership: Mapped[Membership] = relationship()


class CompletionException(db.Model):
    """The lead's decision that a trainee completes although a criterion is not met."""

    __tablename__ = "sessions_exceptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), unique=True
    )
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    membership: Mapped[Membership] = relationship()
    recorded_by: Mapped[User | None] = relationship()


def new_code() -> str:
    return secrets.token_urlsafe(12)


class Certificate(db.Model):
    """A certificate of completion as issued: what it says is kept, so the verification
    page confirms exactly the document the trainee holds."""

    __tablename__ = "sessions_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="SET NULL"), index=True
    )
    code: Mapped[str] = mapped_column(String(40), unique=True, default=new_code)
    name: Mapped[str] = mapped_column(String(200))
    programme: Mapped[str] = mapped_column(String(200))
    cohort_name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    cpd_hours: Mapped[float]
    lead_name: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str] = mapped_column(Text, default="")

    membership: Mapped[Membership | None] = relationship()

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
