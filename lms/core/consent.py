"""Consent to the evaluation's uses of a member's data, one answer per purpose.

The purposes and the information a member reads come from the programme's `consent.md`.
A member answers on the consent page; a lead records answers collected on paper through
the roster's `evaluation_consent` column (yes/no for every purpose). Every change is in the
audit log. Outputs read the answers when they are made, so a withdrawal applies to every
output made after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from lms.core import audit, disclosure
from lms.core.curriculum import REQUIRED_PURPOSES, ConsentPurpose, ParticipantInformation
from lms.core.curriculum_loader import programme
from lms.core.models import Cohort, ConsentAnswer, Membership, User, utcnow
from lms.extensions import db

SURVEY_ANALYSIS, QUOTES, INTERVIEW = REQUIRED_PURPOSES
PAGE, ROSTER = "page", "roster"
# Who is asked: the evaluation is about trainees; tutors and leads run it.
ASKED_ROLES = ("trainee",)


class ConsentRefused(ValueError):
    """A change that cannot be made, with the sentence to show the person."""


def information(cohort: Cohort) -> ParticipantInformation:
    return programme(cohort.programme).consent


def is_asked(membership: Membership) -> bool:
    return membership.role in ASKED_ROLES and membership.is_active


def answers_of(membership: Membership) -> dict[str, ConsentAnswer]:
    rows = db.session.scalars(
        select(ConsentAnswer).where(ConsentAnswer.membership_id == membership.id)
    )
    return {row.purpose: row for row in rows}


def has_answered(membership: Membership) -> bool:
    """Has answered every purpose the programme asks about (yes or no)."""
    asked = {p.id for p in information(membership.cohort).purposes}
    return asked <= set(answers_of(membership))


def record(
    membership: Membership, answers: dict[str, bool], *, by: User | None, source: str
) -> list[str]:
    """Store `answers` (purpose -> given); return the purposes whose answer changed.

    `by` is who recorded it: the member on the page, the lead (or None from the CLI) for a
    paper form. The caller commits."""
    if not membership.is_active:
        raise ConsentRefused(
            f"You have left {membership.cohort.name}, so there is nothing to consent to."
        )
    known = {p.id for p in information(membership.cohort).purposes}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ConsentRefused(f"Unknown purpose: {', '.join(unknown)}")
    current = answers_of(membership)
    changed = []
    for purpose, given in answers.items():
        row = current.get(purpose)
        if row is not None and row.given == given:
            continue
        if row is None:
            row = ConsentAnswer(membership=membership, purpose=purpose, given=given)
            db.session.add(row)
        row.given = given
        row.answered_at = utcnow()
        row.recorded_by_id = by.id if by is not None else None
        row.source = source
        changed.append(purpose)
        audit.record(
            "consent.changed",
            by,
            subject=membership.user,
            cohort=membership.cohort,
            purpose=purpose,
            answer="yes" if given else "no",
            source=source,
        )
        if purpose == SURVEY_ANALYSIS:
            membership.evaluation_consent = given
    return changed


def record_for_every_purpose(
    membership: Membership, given: bool, *, by: User | None, source: str
) -> list[str]:
    """One answer for all purposes: what a single yes/no on a paper form means."""
    purposes = information(membership.cohort).purposes
    return record(membership, {p.id: given for p in purposes}, by=by, source=source)


def record_for_many(
    cohort: Cohort, given: dict[int, bool], *, by: User | None, source: str
) -> list[int]:
    """One answer for every purpose, for many members of `cohort` at once (membership id
    -> given): a roster of paper forms. The same rules and audit as `record`, in a fixed
    number of queries. Members who have left are passed over (their answers stand).
    Returns the membership ids whose answers changed."""
    purposes = [p.id for p in information(cohort).purposes]
    members = {
        m.id: m
        for m in db.session.scalars(
            select(Membership)
            .options(joinedload(Membership.user))
            .where(Membership.id.in_(list(given)))
        )
        if m.cohort_id == cohort.id and m.is_active
    }
    current: dict[tuple[int, str], ConsentAnswer] = {
        (row.membership_id, row.purpose): row
        for row in db.session.scalars(
            select(ConsentAnswer).where(ConsentAnswer.membership_id.in_(list(members)))
        )
    }
    now, changed = utcnow(), []
    recorded_by = by.id if by is not None else None
    for membership_id, membership in members.items():
        answer, touched = given[membership_id], False
        for purpose in purposes:
            row = current.get((membership_id, purpose))
            if row is not None and row.given == answer:
                continue
            if row is None:
                row = ConsentAnswer(membership_id=membership_id, purpose=purpose, given=answer)
                db.session.add(row)
            row.given, row.answered_at = answer, now
            row.recorded_by_id, row.source = recorded_by, source
            touched = True
            audit.record(
                "consent.changed",
                by,
                subject=membership.user,
                cohort=cohort,
                purpose=purpose,
                answer="yes" if answer else "no",
                source=source,
            )
        if touched:
            membership.evaluation_consent = answer
            changed.append(membership_id)
    db.session.flush()
    return changed


def withdraw(membership: Membership, *, by: User | None) -> list[str]:
    """Say no to every purpose; refused when nothing is given to withdraw."""
    given = [purpose for purpose, row in answers_of(membership).items() if row.given]
    if not given:
        raise ConsentRefused(
            "You have not given consent for anything, so there is nothing to withdraw."
        )
    return record(membership, dict.fromkeys(given, False), by=by, source=PAGE)


def given(purpose: str):
    """SQL: the membership in the query has said yes to `purpose` (an EXISTS on Membership)."""
    return (
        select(ConsentAnswer.id)
        .where(
            ConsentAnswer.membership_id == Membership.id,
            ConsentAnswer.purpose == purpose,
            ConsentAnswer.given.is_(True),
        )
        .exists()
    )


def forget(membership: Membership) -> None:
    """Erasure: the answers go; the member counts as never having consented."""
    db.session.execute(
        ConsentAnswer.__table__.delete().where(ConsentAnswer.membership_id == membership.id)
    )
    membership.evaluation_consent = False


@dataclass(frozen=True)
class PurposeCount:
    purpose: ConsentPurpose
    given: int
    declined: int
    unanswered: int


@dataclass(frozen=True)
class CohortConsent:
    asked: int
    counts: tuple[PurposeCount, ...]
    not_answered: tuple[Membership, ...]  # named for the lead, who follows them up


def cohort_consent(cohort: Cohort) -> CohortConsent:
    """Answers per purpose across the cohort's active trainees, in two queries."""
    members = list(
        db.session.scalars(
            select(Membership)
            .where(
                Membership.cohort_id == cohort.id,
                Membership.role.in_(ASKED_ROLES),
                Membership.withdrawn_at.is_(None),
            )
            .join(Membership.user)
            .order_by(User.family_name, User.given_name)
        )
    )
    tally = {
        (purpose, given): number
        for purpose, given, number in db.session.execute(
            select(ConsentAnswer.purpose, ConsentAnswer.given, func.count())
            .join(Membership, Membership.id == ConsentAnswer.membership_id)
            .where(
                Membership.cohort_id == cohort.id,
                Membership.role.in_(ASKED_ROLES),
                Membership.withdrawn_at.is_(None),
            )
            .group_by(ConsentAnswer.purpose, ConsentAnswer.given)
        )
    }
    purposes = information(cohort).purposes
    answered_all = _answered_everything(cohort, [p.id for p in purposes])
    counts = []
    for purpose in purposes:
        given = tally.get((purpose.id, True), 0)
        declined = tally.get((purpose.id, False), 0)
        counts.append(PurposeCount(purpose, given, declined, len(members) - given - declined))
    return CohortConsent(
        asked=len(members),
        counts=tuple(counts),
        not_answered=tuple(m for m in members if m.id not in answered_all),
    )


def _answered_everything(cohort: Cohort, purposes: Iterable[str]) -> set[int]:
    purposes = list(purposes)
    return set(
        db.session.scalars(
            select(ConsentAnswer.membership_id)
            .join(Membership, Membership.id == ConsentAnswer.membership_id)
            .where(Membership.cohort_id == cohort.id, ConsentAnswer.purpose.in_(purposes))
            .group_by(ConsentAnswer.membership_id)
            .having(func.count() == len(purposes))
        )
    )


def consenting_count(cohort: Cohort, purpose: str = SURVEY_ANALYSIS) -> int:
    """How many of the cohort's active trainees have said yes to `purpose` today."""
    return db.session.scalar(
        select(func.count())
        .select_from(ConsentAnswer)
        .join(Membership, Membership.id == ConsentAnswer.membership_id)
        .where(
            Membership.cohort_id == cohort.id,
            Membership.role.in_(ASKED_ROLES),
            Membership.withdrawn_at.is_(None),
            ConsentAnswer.purpose == purpose,
            ConsentAnswer.given.is_(True),
        )
    )


def evaluated_members(cohort: Cohort) -> list[Membership]:
    """The people every evaluation figure is about: active trainees who said yes to
    survey analysis. One list, so a count shown in two tables is about the same people."""
    return list(
        db.session.scalars(
            select(Membership)
            .where(
                Membership.cohort_id == cohort.id,
                Membership.role == "trainee",
                Membership.withdrawn_at.is_(None),
                Membership.evaluation_consent.is_(True),
            )
            .order_by(Membership.id)
        )
    )


def suppression_reason(cohort: Cohort) -> str | None:
    """The sentence every consent-dependent output shows when too few members have said
    yes to survey analysis for any figure. The number itself follows the same rule as
    every count: 1 to 4 is "fewer than 5"."""
    consenting = consenting_count(cohort)
    minimum = disclosure.threshold()
    if consenting >= minimum:
        return None
    fewer = disclosure.fewer().capitalize()
    who = "No member has" if consenting == 0 else f"{fewer} members have"
    return f"{who} consented to the use of their survey answers; figures need at least {minimum}."


def shown_counts(count: PurposeCount) -> tuple[int | str, int | str]:
    """(given, declined) for the lead. Those two add up to the answered total, which the
    list of who has not answered gives away: one hidden means both are hidden."""
    limit = disclosure.threshold()
    if 0 < count.given < limit or 0 < count.declined < limit:
        return disclosure.HIDDEN, disclosure.HIDDEN
    return count.given, count.declined
