"""Change initiatives: the record, its milestones and its append-only progress updates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from lms.core.models import Membership, User, utcnow
from lms.extensions import db

# Set on a session's `info` while erasing personal data: the only time an update may change.
REDACTING = "initiatives_redacting"


class AppendOnlyError(RuntimeError):
    """A progress update was changed or deleted: history is append-only."""


class Initiative(db.Model):
    """A trainee's change initiative in their own organisation (one per membership)."""

    __tablename__ = "initiatives_initiatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), unique=True
    )
    # Copied from the membership so that cohort-wide lists filter on one indexed column.
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    service: Mapped[str] = mapped_column(String(200), default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    aim: Mapped[str] = mapped_column(Text, default="")
    # Who is involved: counts and roles only, never the names of service users or carers.
    service_users: Mapped[int] = mapped_column(default=0)
    carers: Mapped[int] = mapped_column(default=0)
    staff: Mapped[int] = mapped_column(default=0)
    partners: Mapped[int] = mapped_column(default=0)
    roles: Mapped[str] = mapped_column(Text, default="")
    planned_start: Mapped[date]
    planned_end: Mapped[date]
    evidence: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    membership: Mapped[Membership] = relationship()
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="initiative",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Milestone.due_on, Milestone.id)",
    )
    updates: Mapped[list[Update]] = relationship(
        back_populates="initiative",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Update.recorded_on, Update.id)",
    )


class Milestone(db.Model):
    __tablename__ = "initiatives_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives_initiatives.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date]
    done_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    initiative: Mapped[Initiative] = relationship(back_populates="milestones")

    def is_overdue(self, today: date) -> bool:
        return self.done_on is None and self.due_on < today


class Update(db.Model):
    """A dated progress update. Never edited: the first one is the baseline."""

    __tablename__ = "initiatives_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives_initiatives.id", ondelete="CASCADE"), index=True
    )
    recorded_on: Mapped[date] = mapped_column(index=True)
    week: Mapped[int | None]  # course week of `recorded_on`, for "at risk since week 12"
    rag: Mapped[str] = mapped_column(String(10))  # green | amber | red
    rag_reason: Mapped[str] = mapped_column(Text, default="")
    narrative: Mapped[str] = mapped_column(Text, default="")
    rung: Mapped[int]  # Arnstein's ladder, 1 (manipulation) .. 8 (citizen control)
    culture: Mapped[int]  # SCIE jigsaw self-assessment, each 1..4
    practice: Mapped[int]
    structure: Mapped[int]
    review: Mapped[int]
    other_barriers: Mapped[str] = mapped_column(Text, default="")
    other_enablers: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    initiative: Mapped[Initiative] = relationship(back_populates="updates")
    tags: Mapped[list[UpdateTag]] = relationship(
        back_populates="update",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(UpdateTag.kind, UpdateTag.tag)",
    )
    comments: Mapped[list[Comment]] = relationship(
        back_populates="update",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Comment.id",
    )

    def tags_of(self, kind: str) -> list[str]:
        return [tag.tag for tag in self.tags if tag.kind == kind]


class UpdateTag(db.Model):
    """A barrier or enabler from the curated list, tagged on an update."""

    __tablename__ = "initiatives_update_tags"
    __table_args__ = (UniqueConstraint("update_id", "kind", "tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives_updates.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))  # barrier | enabler
    tag: Mapped[str] = mapped_column(String(40), index=True)

    update: Mapped[Update] = relationship(back_populates="tags")


class Comment(db.Model):
    """A tutor's (or lead's) comment on a progress update."""

    __tablename__ = "initiatives_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives_updates.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    update: Mapped[Update] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()


def _refuse_change(_mapper, _connection, target) -> None:
    # History is evidence for the evaluation: only erasure may touch it (anonymising text).
    session = object_session(target)
    if session is None or session.info.get(REDACTING):
        return
    # A tutor's comment joins the update's collection: that alone changes nothing recorded.
    if session.is_modified(target, include_collections=False) or target in session.deleted:
        raise AppendOnlyError("progress updates are append-only")


event.listen(Update, "before_update", _refuse_change)
event.listen(Update, "before_delete", _refuse_change)
event.listen(UpdateTag, "before_update", _refuse_change)
event.listen(UpdateTag, "before_delete", _refuse_change)


class ExpertAssignment(db.Model):
    """An expert by experience asked (by the lead) to review an initiative."""

    __tablename__ = "initiatives_expert_assignments"
    __table_args__ = (UniqueConstraint("initiative_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives_initiatives.id", ondelete="CASCADE"), index=True
    )
    # The expert's membership: what they may read is looked up by it.
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    initiative: Mapped[Initiative] = relationship()
    membership: Mapped[Membership] = relationship()


class ExpertRating(db.Model):
    """An expert's rating of an initiative against SCIE's four pieces (1-4), and comment.

    One per expert and initiative: rating again replaces it. After the expert's data is
    erased the scores stay (without the link to the person) and the comment goes."""

    __tablename__ = "initiatives_expert_ratings"
    __table_args__ = (UniqueConstraint("initiative_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives_initiatives.id", ondelete="CASCADE"), index=True
    )
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="SET NULL"), index=True
    )
    culture: Mapped[int]
    practice: Mapped[int]
    structure: Mapped[int]
    review: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    initiative: Mapped[Initiative] = relationship()
    membership: Mapped[Membership | None] = relationship()


class Partner(db.Model):
    """Someone a trainee co-produces with (a service user, carer or colleague), invited to
    one initiative. They are no member of the cohort: they sign in by an emailed link and
    reach this initiative only, while `removed_at` is empty."""

    __tablename__ = "initiatives_partners"
    __table_args__ = (UniqueConstraint("initiative_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives_initiatives.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # As the trainee wrote it: what the trainee and the partner see.
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # service user | carer | colleague | other
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    # In every sign-in link; changed when a link is used, so each link works once.
    link_nonce: Mapped[str] = mapped_column(String(32))
    signed_in_at: Mapped[datetime | None]
    removed_at: Mapped[datetime | None]

    initiative: Mapped[Initiative] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class PartnerComment(db.Model):
    """A partner's comment on the initiative, read by the trainee."""

    __tablename__ = "initiatives_partner_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives_partners.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    partner: Mapped[Partner] = relationship()


class PartnerView(db.Model):
    """A partner's own view at one progress update: their rung on Arnstein's ladder and
    what changed for them. Giving it again replaces it."""

    __tablename__ = "initiatives_partner_views"
    __table_args__ = (UniqueConstraint("partner_id", "update_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives_partners.id", ondelete="CASCADE"), index=True
    )
    update_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives_updates.id", ondelete="CASCADE"), index=True
    )
    rung: Mapped[int]
    what_changed: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    partner: Mapped[Partner] = relationship()
    update: Mapped[Update] = relationship()
