"""Co-evaluation with experts by experience: assignments, ratings, what an expert may read.

An expert by experience (cohort role "expert": a service user or carer invited as a
reviewer) reads only the initiatives the lead assigned to them, rates each against SCIE's
four pieces and comments. They never see the trainee's name, tutors' comments, or any
other member's details; the pages they use are all under `initiatives.review`, a
capability no other role holds. Ratings are shown to everyone who may see the initiative,
beside the trainee's own self-assessment, with experts named only by number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.core.cohorts import active_members
from lms.core.models import Cohort, Membership, User
from lms.extensions import db
from lms.plugins.initiatives.models import (
    ExpertAssignment,
    ExpertRating,
    Initiative,
    Update,
)
from lms.plugins.initiatives.services import InitiativeProblems
from lms.plugins.initiatives.vocab import JIGSAW

EXPERT = "expert"
MAX_COMMENT = 5000


def experts_of(cohort: Cohort) -> list[Membership]:
    """The cohort's active experts by experience, in name order (one query)."""
    return active_members(cohort, role=EXPERT)


def assigned_expert_ids(initiative: Initiative) -> set[int]:
    return set(
        db.session.scalars(
            select(ExpertAssignment.membership_id).where(
                ExpertAssignment.initiative_id == initiative.id
            )
        )
    )


def assign_experts(initiative: Initiative, expert_ids: set[int], by: User) -> None:
    """Make the initiative's reviewers exactly `expert_ids` (active experts of its cohort).

    Unassigning keeps the expert's rating: it was given, and stays beside the others."""
    cohort_experts = {m.id for m in experts_of(initiative.membership.cohort)}
    unknown = expert_ids - cohort_experts
    if unknown:
        raise InitiativeProblems([("experts", "Choose experts by experience from the list")])
    current = {
        a.membership_id: a
        for a in db.session.scalars(
            select(ExpertAssignment).where(ExpertAssignment.initiative_id == initiative.id)
        )
    }
    for membership_id, assignment in current.items():
        if membership_id not in expert_ids:
            db.session.delete(assignment)
    for membership_id in expert_ids - set(current):
        db.session.add(
            ExpertAssignment(
                initiative_id=initiative.id, membership_id=membership_id, assigned_by_id=by.id
            )
        )
    db.session.flush()


def _is_expert(membership: Membership | None) -> bool:
    return membership is not None and membership.role == EXPERT and membership.is_active


@dataclass
class Assigned:
    initiative: Initiative
    rating: ExpertRating | None


def assigned_to(expert: Membership | None) -> list[Assigned]:
    """The initiatives assigned to `expert`, with their rating if given (two queries)."""
    if not _is_expert(expert):
        return []
    initiatives = list(
        db.session.scalars(
            select(Initiative)
            .join(ExpertAssignment, ExpertAssignment.initiative_id == Initiative.id)
            .where(
                ExpertAssignment.membership_id == expert.id,
                Initiative.cohort_id == expert.cohort_id,
            )
            .order_by(Initiative.title, Initiative.id)
        )
    )
    ratings = {
        r.initiative_id: r
        for r in db.session.scalars(
            select(ExpertRating).where(
                ExpertRating.membership_id == expert.id,
                ExpertRating.initiative_id.in_([i.id for i in initiatives]),
            )
        )
    }
    return [Assigned(i, ratings.get(i.id)) for i in initiatives]


def initiative_for_expert(
    cohort: Cohort, initiative_id: int, expert: Membership | None
) -> Initiative | None:
    """The initiative if it is assigned to this expert, with its history; else None (404)."""
    if not _is_expert(expert) or expert.cohort_id != cohort.id:
        return None
    return db.session.scalar(
        select(Initiative)
        .join(ExpertAssignment, ExpertAssignment.initiative_id == Initiative.id)
        .where(
            Initiative.id == initiative_id,
            Initiative.cohort_id == cohort.id,
            ExpertAssignment.membership_id == expert.id,
        )
        .options(
            selectinload(Initiative.milestones),
            selectinload(Initiative.updates).selectinload(Update.tags),
        )
    )


def rating_of(initiative: Initiative, expert: Membership) -> ExpertRating | None:
    return db.session.scalar(
        select(ExpertRating).where(
            ExpertRating.initiative_id == initiative.id, ExpertRating.membership_id == expert.id
        )
    )


def rate(
    initiative: Initiative, expert: Membership, scores: dict[str, int], comment: str, on: date
) -> ExpertRating:
    """Save the expert's rating (replacing their earlier one); raise `InitiativeProblems`."""
    problems = [
        (piece.key, f"Give {piece.name.lower()} a score from 1 to 4")
        for piece in JIGSAW
        if scores.get(piece.key) not in (1, 2, 3, 4)
    ]
    if len(comment) > MAX_COMMENT:
        problems.append(("comment", f"Must be {MAX_COMMENT:,} characters or fewer"))
    if problems:
        raise InitiativeProblems(problems)
    rating = rating_of(initiative, expert)
    if rating is None:
        rating = ExpertRating(initiative_id=initiative.id, membership_id=expert.id, rated_on=on)
        db.session.add(rating)
    for piece in JIGSAW:
        setattr(rating, piece.key, scores[piece.key])
    rating.comment = comment.replace("\r\n", "\n").strip()
    rating.rated_on = on
    db.session.flush()
    return rating


@dataclass
class ShownRating:
    label: str  # "Expert by experience 1" or "You": never a name
    rating: ExpertRating


def ratings_of(initiative: Initiative, viewer: Membership | None) -> list[ShownRating]:
    """Every expert rating of the initiative, numbered in the order they were first given."""
    ratings = db.session.scalars(
        select(ExpertRating)
        .where(ExpertRating.initiative_id == initiative.id)
        .order_by(ExpertRating.created_at, ExpertRating.id)
    )
    shown = []
    for number, rating in enumerate(ratings, start=1):
        mine = viewer is not None and rating.membership_id == viewer.id
        shown.append(ShownRating("You" if mine else f"Expert by experience {number}", rating))
    return shown


# -- personal data ---------------------------------------------------------------------


def personal_data(user: User) -> dict:
    """An expert's own assignments and ratings; ratings received on the user's initiatives."""
    mine = db.session.scalars(
        select(ExpertRating)
        .join(Membership, Membership.id == ExpertRating.membership_id)
        .where(Membership.user_id == user.id)
        .options(selectinload(ExpertRating.initiative))
        .order_by(ExpertRating.id)
    )
    assigned = db.session.scalars(
        select(ExpertAssignment)
        .join(Membership, Membership.id == ExpertAssignment.membership_id)
        .where(Membership.user_id == user.id)
        .options(selectinload(ExpertAssignment.initiative))
        .order_by(ExpertAssignment.id)
    )
    received = db.session.scalars(
        select(ExpertRating)
        .join(Initiative, Initiative.id == ExpertRating.initiative_id)
        .join(Membership, Membership.id == Initiative.membership_id)
        .where(Membership.user_id == user.id)
        .order_by(ExpertRating.id)
    )
    return {
        "initiatives_assigned_to_review": [
            {"initiative": a.initiative.title, "since": a.created_at.isoformat()} for a in assigned
        ],
        "initiative_ratings_given": [_rating_record(r, r.initiative.title) for r in mine],
        "expert_ratings_received": [_rating_record(r) for r in received],
    }


def _rating_record(rating: ExpertRating, title: str | None = None) -> dict:
    record = {"initiative": title} if title is not None else {}
    record.update({piece.key: getattr(rating, piece.key) for piece in JIGSAW})
    record.update({"comment": rating.comment, "rated_on": rating.rated_on.isoformat()})
    return record


def erase_personal_data(user: User, erased_text: str) -> None:
    """An expert: assignments go; ratings keep their scores but lose the comment and the
    link to the person. A trainee: comments about their initiative go (scores stay)."""
    own = select(Membership.id).where(Membership.user_id == user.id)
    for assignment in db.session.scalars(
        select(ExpertAssignment).where(ExpertAssignment.membership_id.in_(own))
    ):
        db.session.delete(assignment)
    for rating in db.session.scalars(
        select(ExpertRating).where(ExpertRating.membership_id.in_(own))
    ):
        rating.comment = erased_text if rating.comment else ""
        rating.membership_id = None
    for rating in db.session.scalars(
        select(ExpertRating)
        .join(Initiative, Initiative.id == ExpertRating.initiative_id)
        .where(Initiative.membership_id.in_(own))
    ):
        rating.comment = erased_text if rating.comment else ""
    db.session.flush()
