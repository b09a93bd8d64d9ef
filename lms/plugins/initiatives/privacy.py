"""A member's initiative data: the download, and erasure that keeps aggregates intact."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.core.models import Membership, User
from lms.extensions import db
from lms.plugins.initiatives import experts, partners
from lms.plugins.initiatives.models import REDACTING, Comment, Initiative, Update
from lms.plugins.initiatives.services import COUNT_FIELDS, TEXT_FIELDS, UPDATE_TEXT
from lms.plugins.initiatives.vocab import JIGSAW

ERASED_TITLE = "Erased initiative"
ERASED_TEXT = "[removed at the member's request]"


def _initiatives_of(user: User) -> list[Initiative]:
    return list(
        db.session.scalars(
            select(Initiative)
            .join(Membership, Membership.id == Initiative.membership_id)
            .where(Membership.user_id == user.id)
            .options(
                selectinload(Initiative.milestones),
                selectinload(Initiative.updates).selectinload(Update.tags),
                selectinload(Initiative.updates).selectinload(Update.comments),
            )
            .order_by(Initiative.id)
        )
    )


def personal_data(user: User) -> dict:
    """Everything held about `user`: their initiatives in full, and comments they wrote."""
    initiatives = []
    for initiative in _initiatives_of(user):
        record = {name: getattr(initiative, name) for name in (*TEXT_FIELDS, *COUNT_FIELDS)}
        record["planned_start"] = initiative.planned_start.isoformat()
        record["planned_end"] = initiative.planned_end.isoformat()
        record["milestones"] = [
            {
                "title": m.title,
                "due_on": m.due_on.isoformat(),
                "done_on": m.done_on.isoformat() if m.done_on else None,
            }
            for m in initiative.milestones
        ]
        record["updates"] = [
            {
                "recorded_on": u.recorded_on.isoformat(),
                "rag": u.rag,
                "rung": u.rung,
                **{piece.key: getattr(u, piece.key) for piece in JIGSAW},
                **{name: getattr(u, name) for name in UPDATE_TEXT},
                "barriers": u.tags_of("barrier"),
                "enablers": u.tags_of("enabler"),
                "comments": [c.body for c in u.comments],
            }
            for u in initiative.updates
        ]
        initiatives.append(record)
    written = db.session.scalars(select(Comment).where(Comment.author_id == user.id))
    return {
        "initiatives": initiatives,
        "initiative_comments_written": [
            {"on": c.created_at.isoformat(), "comment": c.body} for c in written
        ],
        **experts.personal_data(user),
        **partners.personal_data(user),
    }


def erase_personal_data(user: User) -> None:
    """Anonymise: typed text goes; dates, RAG, rungs, scores and tags stay for aggregates.

    Tutors' comments on the member's updates go too: they describe the member's work."""
    db.session.info[REDACTING] = True
    try:
        for initiative in _initiatives_of(user):
            for name in TEXT_FIELDS:
                setattr(initiative, name, "")
            initiative.title = ERASED_TITLE
            for milestone in initiative.milestones:
                milestone.title = "Milestone"
            for update in initiative.updates:
                for name in UPDATE_TEXT:
                    setattr(update, name, "")
                for comment in update.comments:
                    comment.body = ERASED_TEXT
        for comment in db.session.scalars(select(Comment).where(Comment.author_id == user.id)):
            comment.body = ERASED_TEXT
            comment.author_id = None
        experts.erase_personal_data(user, ERASED_TEXT)
        partners.erase_personal_data(user, ERASED_TEXT)
        db.session.flush()
    finally:
        db.session.info.pop(REDACTING, None)
