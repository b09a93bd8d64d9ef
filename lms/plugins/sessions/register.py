"""The attendance register: who is on it, recording a mark, reading marks back."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, func, select

from lms.core.cohorts import active_members
from lms.core.models import Cohort, Membership, User
from lms.extensions import db
from lms.plugins.sessions.models import ATTENDED, STATUSES, Attendance

STATUS_LABELS = {
    "present": "Present",
    "late": "Late",
    "absent": "Absent",
    "apologies": "Apologies",
}


class NotOnRegister(LookupError):
    """The member is not one the person taking the register may mark."""


def register_members(cohort: Cohort, taker: Membership | None) -> list[Membership]:
    """Whom `taker` marks: a tutor their own group's trainees; the lead (or an admin,
    `taker` None) every active trainee of the cohort."""
    if taker is not None and taker.role == "tutor":
        if taker.tutor_group_id is None:
            return []
        return active_members(cohort, role="trainee", group_id=taker.tutor_group_id)
    return active_members(cohort, role="trainee")


def marks(member_ids: Iterable[int], weeks: Iterable[int] | None = None) -> dict:
    """``{(membership_id, week): status}`` for the members (one query)."""
    ids = list(member_ids)
    if not ids:
        return {}
    query = select(Attendance.membership_id, Attendance.week, Attendance.status).where(
        Attendance.membership_id.in_(ids)
    )
    if weeks is not None:
        query = query.where(Attendance.week.in_(list(weeks)))
    return {(mid, week): status for mid, week, status in db.session.execute(query)}


def record(
    membership: Membership, week: int, status: str | None, by: User | None, source="register"
) -> Attendance | None:
    """Set (or with `status` None, clear) a member's mark for a week's session."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"unknown attendance status {status!r}")
    if status is None:
        db.session.execute(
            delete(Attendance).where(
                Attendance.membership_id == membership.id, Attendance.week == week
            )
        )
        return None
    row = db.session.scalar(
        select(Attendance).where(Attendance.membership_id == membership.id, Attendance.week == week)
    )
    if row is None:
        row = Attendance(membership_id=membership.id, week=week)
        db.session.add(row)
    row.status = status
    row.source = source
    row.recorded_by_id = by.id if by is not None else None
    db.session.flush()
    return row


def mark_on_register(
    cohort: Cohort, taker: Membership | None, week: int, member_id: int, status: str | None, by
) -> Membership:
    """Record a mark from the register page; only for someone on `taker`'s register."""
    member = next((m for m in register_members(cohort, taker) if m.id == member_id), None)
    if member is None:
        raise NotOnRegister(member_id)
    record(member, week, status, by)
    return member


def attendance_of(membership: Membership) -> dict[int, str]:
    """A member's marks by week."""
    return {week: status for (_, week), status in marks([membership.id]).items()}


def weeks_taken(cohort: Cohort) -> set[int]:
    """Course weeks whose register has been taken (anyone in the cohort marked)."""
    query = (
        select(Attendance.week)
        .join(Membership, Membership.id == Attendance.membership_id)
        .where(Membership.cohort_id == cohort.id)
        .group_by(Attendance.week)
    )
    return set(db.session.scalars(query))


def attended_weeks(member_ids: Iterable[int]) -> dict[int, list[int]]:
    """``{membership_id: [weeks attended (present or late)]}`` (one query)."""
    ids = list(member_ids)
    found: dict[int, list[int]] = {mid: [] for mid in ids}
    if not ids:
        return found
    rows = db.session.execute(
        select(Attendance.membership_id, Attendance.week).where(
            Attendance.membership_id.in_(ids), Attendance.status.in_(ATTENDED)
        )
    )
    for mid, week in rows:
        found[mid].append(week)
    return found


def counts_by_week(cohort: Cohort, consenting_only: bool = False) -> dict[int, dict[str, int]]:
    """``{week: {status: number of trainees}}`` of active trainees (one query)."""
    query = (
        select(Attendance.week, Attendance.status, func.count())
        .join(Membership, Membership.id == Attendance.membership_id)
        .where(
            Membership.cohort_id == cohort.id,
            Membership.role == "trainee",
            Membership.withdrawn_at.is_(None),
        )
        .group_by(Attendance.week, Attendance.status)
    )
    if consenting_only:
        query = query.where(Membership.evaluation_consent.is_(True))
    found: dict[int, dict[str, int]] = {}
    for week, status, number in db.session.execute(query):
        found.setdefault(week, dict.fromkeys(STATUSES, 0))[status] = number
    return found
