"""Reflections: one entry per member per course week, append-only versions, feedback."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.models import Membership, User, utcnow
from lms.extensions import db

DRAFT, SUBMITTED = "draft", "submitted"


class Entry(db.Model):
    """A member's reflection for one course week.

    The text lives in `Version` rows, never updated: `current_version` is the number of
    the latest (what the author edits) and `submitted_version` the latest submitted one
    (what tutors read). Numbers rather than a foreign key avoid a circular reference."""

    __tablename__ = "reflections_entries"
    __table_args__ = (UniqueConstraint("membership_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    week: Mapped[int]
    current_version: Mapped[int] = mapped_column(default=0)
    submitted_version: Mapped[int | None]
    shared: Mapped[bool] = mapped_column(default=True)
    evaluation_consent: Mapped[bool] = mapped_column(default=False)
    consent_changed_at: Mapped[datetime | None]
    first_submitted_at: Mapped[datetime | None]
    # When the latest submission arrived: the review queue is ordered by it.
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    late: Mapped[bool] = mapped_column(default=False)
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    membership: Mapped[Membership] = relationship()
    versions: Mapped[list[Version]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="Version.number"
    )
    feedback: Mapped[list[Feedback]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="Feedback.id"
    )

    @property
    def is_submitted(self) -> bool:
        return self.submitted_version is not None

    @property
    def has_unsubmitted_changes(self) -> bool:
        return self.current_version != (self.submitted_version or 0)


class Version(db.Model):
    """One saved state of an entry's answers. Rows are only ever added."""

    __tablename__ = "reflections_versions"
    __table_args__ = (UniqueConstraint("entry_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("reflections_entries.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))  # draft | submitted
    # {prompt id: text}; JSON in a Text column works the same on SQLite and PostgreSQL.
    answers_json: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    entry: Mapped[Entry] = relationship(back_populates="versions")

    @property
    def answers(self) -> dict[str, str]:
        return json.loads(self.answers_json)


class Feedback(db.Model):
    """A message in an entry's feedback thread: from a tutor, or the author's reply."""

    __tablename__ = "reflections_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("reflections_entries.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_role: Mapped[str] = mapped_column(String(20))  # tutor | trainee
    # The version the message was written about, so the thread reads in context.
    version_number: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    entry: Mapped[Entry] = relationship(back_populates="feedback")
    author: Mapped[User | None] = relationship()
