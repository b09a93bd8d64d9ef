"""Tutors reading reflections: who may read what, the review queue, feedback, the grid.

A tutor reads an entry only if it is submitted, shared with tutors, and its author is an
active trainee in the tutor's own tutor group. Leads and admins do not read entry text
here: leads see statuses and, through the evaluation, consented content only."""

from __future__ import annotations

from datetime import datetime
from itertools import product

from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager

from lms.core.clock import today
from lms.core.cohorts import schedule_of
from lms.core.models import Cohort, Membership, User, utcnow
from lms.extensions import db
from lms.plugins.reflections.models import Entry, Feedback
from lms.plugins.reflections.services import (
    DRAFT_SAVED,
    NOT_OPEN,
    OVERDUE,
    REVIEWED,
    SUBMITTED_LATE,
    SUBMITTED_ON_TIME,
    TO_DO,
    week_dates,
)

MAX_FEEDBACK_CHARACTERS = 10_000


def readable_by(tutor: Membership | None):
    """The conditions under which `tutor` may read an entry (SQL expressions)."""
    if tutor is None or tutor.role != "tutor" or not tutor.is_active:
        return None
    if tutor.tutor_group_id is None:
        return None
    return (
        Membership.cohort_id == tutor.cohort_id,
        Membership.tutor_group_id == tutor.tutor_group_id,
        Membership.role == "trainee",
        Membership.withdrawn_at.is_(None),
        Entry.shared.is_(True),
        Entry.submitted_version.is_not(None),
    )


def _entries_query(tutor: Membership | None):
    conditions = readable_by(tutor)
    if conditions is None:
        return None
    return (
        select(Entry)
        .join(Entry.membership)
        .join(Membership.user)
        .where(*conditions)
        .options(contains_eager(Entry.membership).contains_eager(Membership.user))
    )


def review_queue(tutor: Membership | None) -> list[Entry]:
    """Submitted, shared, unreviewed entries of the tutor's group, oldest first (one query)."""
    query = _entries_query(tutor)
    if query is None:
        return []
    query = query.where(Entry.reviewed_at.is_(None)).order_by(Entry.submitted_at, Entry.id)
    return list(db.session.scalars(query))


def entry_for_tutor(tutor: Membership | None, entry_id: int) -> Entry | None:
    """The entry if this tutor may read it; None otherwise (the view answers 404)."""
    query = _entries_query(tutor)
    if query is None:
        return None
    return db.session.scalar(query.where(Entry.id == entry_id))


def add_feedback(entry: Entry, author: User, role: str, body: str) -> Feedback:
    """Add a message to the entry's thread, about the version tutors read."""
    message = Feedback(
        entry=entry,
        author_id=author.id,
        author_role=role,
        version_number=entry.submitted_version or entry.current_version,
        body=body.replace("\r\n", "\n").strip(),
    )
    db.session.add(message)
    db.session.flush()
    return message


def mark_reviewed(entry: Entry, tutor: User, reviewed: bool = True) -> None:
    entry.reviewed_at = utcnow() if reviewed else None
    entry.reviewed_by_id = tutor.id if reviewed else None
    db.session.flush()


def thread_of(entry: Entry) -> list[Feedback]:
    return list(
        db.session.scalars(
            select(Feedback).where(Feedback.entry_id == entry.id).order_by(Feedback.id)
        )
    )


def member_week_statuses(cohort: Cohort, members, weeks) -> dict[tuple[int, int], str]:
    """{(membership id, week): status} for the tutor grid, in one query whatever the
    number of members. Statuses only: no text, so anyone with the grid may see it.

    The same statuses as `status_of`, worked out in two halves: what an entry says (in
    SQL, one short string a row, read as plain Core rows) and what the week's dates say
    (once per week). A national cohort's grid is thousands of cells; building ORM rows
    and calling `status_of` for each cost more than the rest of the evaluation report."""
    member_ids = [member.id for member in members]
    weeks = list(weeks)
    if not member_ids or not weeks:
        return {}
    schedule = schedule_of(cohort)
    on = today()
    # Before it opens or after its due date, a week without a submitted entry has the
    # date's status; while it is open, a draft or nothing yet ("to do").
    by_date = {}
    for week in weeks:
        dates = week_dates(cohort, week, schedule)
        by_date[week] = NOT_OPEN if on < dates.opens else OVERDUE if on > dates.due else TO_DO
    open_weeks = [week for week, status in by_date.items() if status == TO_DO]
    entries = Entry.__table__.c
    said = case(
        (
            entries.submitted_version.is_(None),
            case((entries.current_version > 0, DRAFT_SAVED), else_=TO_DO),
        ),
        (entries.reviewed_at.is_not(None), REVIEWED),
        (entries.late.is_(True), SUBMITTED_LATE),
        else_=SUBMITTED_ON_TIME,
    )
    # Only entries that change a cell: submitted ones, and drafts of weeks still open.
    # A range of weeks, not a list: SQLite then walks each member's index entries once
    # instead of looking up every (member, week) pair; weeks outside `weeks` are skipped.
    rows = db.session.execute(
        select(entries.membership_id, entries.week, said).where(
            entries.membership_id.in_(member_ids),
            entries.week.between(min(weeks), max(weeks)),
            entries.submitted_version.is_not(None) | entries.week.in_(open_weeks or [0]),
        )
    ).all()
    # Built with dict.fromkeys and itertools.product, not a loop per cell: a national
    # cohort is thousands of cells, and this is most of the evaluation report's work.
    statuses = {}
    for week, status in by_date.items():
        statuses.update(dict.fromkeys(product(member_ids, (week,)), status))
    statuses.update(((member_id, week), status) for member_id, week, status in rows)
    if len(weeks) != max(weeks) - min(weeks) + 1:
        for key in [key for key in statuses if key[1] not in by_date]:
            del statuses[key]
    return statuses


def readable_entries(members, weeks, viewer: Membership | None) -> list[tuple[int, int, int, bool]]:
    """(membership id, week, entry id, viewer is the author) of entries in `weeks` that
    `viewer` may read: their own (any saved entry), or as a tutor what `entry_for_tutor`
    allows. Nobody else, leads included, reads entry text. One query at most."""
    member_ids = [m.id for m in members]
    weeks = list(weeks)
    if viewer is None or not viewer.is_active or not member_ids or not weeks:
        return []
    query = select(Entry.membership_id, Entry.week, Entry.id).where(
        Entry.membership_id.in_(member_ids), Entry.week.in_(weeks)
    )
    if viewer.role == "trainee":
        if viewer.id not in member_ids:
            return []
        query = query.where(Entry.membership_id == viewer.id, Entry.current_version > 0)
        own = True
    else:
        conditions = readable_by(viewer)
        if conditions is None:
            return []
        query = query.join(Entry.membership).where(*conditions)
        own = False
    return [(m, w, e, own) for m, w, e in db.session.execute(query.order_by(Entry.week))]


def awaiting_reply(tutor: Membership | None) -> list[tuple[Entry, datetime]]:
    """Entries of the tutor's group whose thread ends with the trainee's reply, with when
    they replied, oldest first (one query)."""
    query = _entries_query(tutor)
    if query is None:
        return []
    last = (
        select(Feedback.entry_id, func.max(Feedback.id).label("last_id"))
        .group_by(Feedback.entry_id)
        .subquery()
    )
    query = (
        query.add_columns(Feedback.created_at)
        .join(last, last.c.entry_id == Entry.id)
        .join(Feedback, Feedback.id == last.c.last_id)
        .where(Feedback.author_role == "trainee")
        .order_by(Feedback.created_at)
    )
    return [(entry, replied) for entry, replied in db.session.execute(query)]
