"""Core models: users, cohorts, their breaks, tutor groups and memberships."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from lms.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


def normalise_email(email: str) -> str:
    return email.strip().lower()


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique index is case-insensitive in effect.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    given_name: Mapped[str] = mapped_column(String(100), default="")
    family_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Part of the login cookie and of every emailed token: rotating it signs the user
    # out everywhere and voids remember-me cookies, invitations and reset links.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Set by an admin or lead when someone leaves: sign-in is refused and no email is
    # sent (`lms.core.accounts.may_be_emailed`), but everything they recorded is kept.
    deactivated_at: Mapped[datetime | None]

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip() or self.email

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    @property
    def is_deactivated(self) -> bool:
        return self.deactivated_at is not None

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.session_token = new_session_token()

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}.{self.session_token}"


class Cohort(db.Model):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    programme: Mapped[str] = mapped_column(String(60))
    start_date: Mapped[date]
    # Monday is 0: the weekday of the weekly session.
    session_weekday: Mapped[int] = mapped_column(default=0)
    reflections_shared_by_default: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None]

    breaks: Mapped[list[CohortBreak]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", order_by="CohortBreak.week_of"
    )
    tutor_groups: Mapped[list[TutorGroup]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", order_by="TutorGroup.name"
    )
    memberships: Mapped[list[Membership]] = relationship(back_populates="cohort")

    @property
    def break_dates(self) -> list[date]:
        return [item.week_of for item in self.breaks]


class CohortBreak(db.Model):
    """A calendar week with no session (e.g. the Christmas holidays)."""

    __tablename__ = "cohort_breaks"
    __table_args__ = (UniqueConstraint("cohort_id", "week_of"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    # The Monday of the calendar week that is skipped.
    week_of: Mapped[date]

    cohort: Mapped[Cohort] = relationship(back_populates="breaks")


class TutorGroup(db.Model):
    __tablename__ = "tutor_groups"
    __table_args__ = (UniqueConstraint("cohort_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))

    cohort: Mapped[Cohort] = relationship(back_populates="tutor_groups")
    memberships: Mapped[list[Membership]] = relationship(back_populates="tutor_group")


SECTORS = ("statutory", "voluntary", "charity", "other")
# Why a member left, as categories a lead can count (no free text: it would be personal).
WITHDRAWAL_REASONS = {
    "workload": "Workload or time pressures",
    "job_change": "Changed job or left their organisation",
    "health_personal": "Health or personal reasons",
    "not_expected": "The programme was not what they expected",
    "other": "Another reason",
}


class Membership(db.Model):
    """A user's place in a cohort."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # trainee | tutor | lead
    sector: Mapped[str] = mapped_column(String(20), default="other")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    job_title: Mapped[str] = mapped_column(String(200), default="")
    area: Mapped[str] = mapped_column(String(200), default="")
    tutor_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("tutor_groups.id", ondelete="SET NULL"), index=True
    )
    lived_experience: Mapped[bool] = mapped_column(default=False)
    # Kept by lms.core.consent only: the answer for "survey-analysis", the purpose every
    # survey and evaluation figure depends on (a column, so their queries stay one join).
    evaluation_consent: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    # One of WITHDRAWAL_REASONS, or None when no reason was recorded.
    withdrawal_reason: Mapped[str | None] = mapped_column(String(40))

    user: Mapped[User] = relationship(back_populates="memberships")
    cohort: Mapped[Cohort] = relationship(back_populates="memberships")
    tutor_group: Mapped[TutorGroup | None] = relationship(back_populates="memberships")

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class ConsentAnswer(db.Model):
    """A member's current answer for one purpose of the evaluation (consent.md): given or
    declined, on the consent page or from a paper form through the roster. Every change is
    also in the audit log, which keeps the history."""

    __tablename__ = "consent_answers"
    __table_args__ = (UniqueConstraint("membership_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(40))
    given: Mapped[bool]
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(20))  # page | roster

    membership: Mapped[Membership] = relationship()
