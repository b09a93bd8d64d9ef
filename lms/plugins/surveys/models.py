"""Survey responses and their answers (tables `surveys_*`).

A response is one member's answers to one instrument in one wave. Responses of the same
member are linked through `membership_id` so waves can be paired. When a member's
personal data is erased the link is cut (`membership_id` NULL) and replaced by a random
`anonymous_key` shared by that member's responses: paired aggregates survive, the
person does not.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.models import Membership, utcnow
from lms.extensions import db


class SurveyResponse(db.Model):
    __tablename__ = "surveys_responses"
    # One response per member, instrument and wave (NULL links, after erasure, may repeat).
    __table_args__ = (UniqueConstraint("membership_id", "instrument", "wave"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="SET NULL"), index=True
    )
    anonymous_key: Mapped[str | None] = mapped_column(String(32))
    instrument: Mapped[str] = mapped_column(String(60))
    wave: Mapped[str] = mapped_column(String(10))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]

    membership: Mapped[Membership | None] = relationship()
    answers: Mapped[list[SurveyAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="SurveyAnswer.id"
    )

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def respondent_key(self) -> str:
        """What links a person's waves: the membership, or the key left after erasure."""
        if self.membership_id is not None:
            return f"m{self.membership_id}"
        return f"a{self.anonymous_key}"


class SurveyAnswer(db.Model):
    __tablename__ = "surveys_answers"
    __table_args__ = (UniqueConstraint("response_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("surveys_responses.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(String(60))
    value: Mapped[int | None]  # likert 1..5 or scale 0..10
    text: Mapped[str | None] = mapped_column(Text)  # free-text items

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")
