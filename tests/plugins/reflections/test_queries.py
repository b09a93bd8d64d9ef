"""The review queue and the member × week grid load in a fixed number of queries,
whatever the size of the group."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date, datetime

from sqlalchemy import event

from lms.core.models import Membership
from lms.extensions import db
from lms.plugins.reflections import review
from lms.plugins.reflections.models import Entry, Feedback, Version


@contextmanager
def counted():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def group_of(size, cohort, make_membership, make_user, tutor):
    """`size` trainees in the tutor's group, each with submitted, reviewed and draft weeks."""
    for index in range(size):
        member = make_membership(cohort, "trainee", group="Group A")
        for week, kind in ((1, "submitted"), (2, "submitted"), (3, "draft")):
            entry = Entry(
                membership_id=member.id,
                week=week,
                current_version=1,
                submitted_version=1 if kind == "submitted" else None,
                submitted_at=datetime(2026, 9, 10 + week, 8, index % 60),
                reviewed_at=datetime(2026, 9, 20) if week == 1 else None,
                shared=True,
            )
            entry.versions = [Version(number=1, kind=kind, answers_json=json.dumps({"a": "b"}))]
            if week == 1:
                entry.feedback = [
                    Feedback(
                        author_id=tutor.user_id, author_role="tutor", version_number=1, body="Good"
                    )
                ]
            db.session.add(entry)
    db.session.commit()


def queries_for(browser, url) -> int:
    with counted() as statements:
        response = browser.get(url)
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


def test_queue_and_grid_take_the_same_queries_for_5_and_50_members(
    app, client_for, make_cohort, make_membership, make_user
):
    counts = {}
    for size in (5, 50):
        cohort = make_cohort(slug=f"size-{size}")
        tutor = make_membership(cohort, "tutor", group="Group A")
        group_of(size, cohort, make_membership, make_user, tutor)
        browser = client_for(tutor.user)
        browser.get(f"/cohorts/{cohort.slug}/reflections/review")  # warm caches
        queue_count, queue = queries_for(browser, f"/cohorts/{cohort.slug}/reflections/review")
        grid_count, grid = queries_for(browser, f"/cohorts/{cohort.slug}/reflections/grid")
        assert f"{size} reflections to review" in queue
        assert grid.count("Reviewed") == size  # week 1 of every member
        counts[size] = (queue_count, grid_count)
    assert counts[5] == counts[50]


def test_the_status_hook_runs_one_query_whatever_the_number_of_members(
    app, make_cohort, make_membership, make_user
):
    counts = {}
    for size in (5, 50):
        cohort = make_cohort(slug=f"hook-{size}")
        tutor = make_membership(cohort, "tutor", group="Group A")
        group_of(size, cohort, make_membership, make_user, tutor)
        db.session.expire_all()
        members = db.session.query(Membership).filter_by(cohort_id=cohort.id, role="trainee").all()
        _ = cohort.breaks  # the caller's page has the cohort and its schedule loaded
        with counted() as statements:
            statuses = review.member_week_statuses(cohort, members, range(1, 36))
        assert len(statuses) == size * 35
        counts[size] = len(statements)
    assert counts[5] == counts[50] == 1


def test_the_status_hook_agrees_with_each_entrys_own_status(app, make_cohort, make_membership):
    """Worked out in bulk, every cell is what `status_of` says of that entry alone: drafts
    count only while their week is open, submitted work whenever it was submitted."""
    from lms.core.clock import today
    from lms.core.cohorts import schedule_of
    from lms.plugins.reflections import services
    from lms.plugins.reflections.services import status_of, week_dates

    cohort = make_cohort(slug="agree", start=date(2026, 9, 10))  # week 4 opens on TODAY
    kinds = [None, "draft", "submitted", "late", "reviewed"]
    members = []
    for offset in range(len(kinds)):
        member = make_membership(cohort, "trainee")
        members.append(member)
        for week in range(1, 8):
            kind = kinds[(week + offset) % len(kinds)]
            if kind is None:
                continue
            db.session.add(
                Entry(
                    membership_id=member.id,
                    week=week,
                    current_version=1,
                    submitted_version=None if kind == "draft" else 1,
                    submitted_at=None if kind == "draft" else datetime(2026, 9, 8),
                    late=kind == "late",
                    reviewed_at=datetime(2026, 9, 9) if kind == "reviewed" else None,
                )
            )
    db.session.commit()
    entries = {(e.membership_id, e.week): e for e in db.session.query(Entry)}
    schedule = schedule_of(cohort)
    seen = set()
    for weeks in (range(1, 8), [2, 5, 7]):
        statuses = review.member_week_statuses(cohort, members, weeks)
        expected = {
            (m.id, w): status_of(entries.get((m.id, w)), week_dates(cohort, w, schedule), today())
            for m in members
            for w in weeks
        }
        assert statuses == expected
        seen |= set(expected.values())
    # The fixture's weeks cover every status, so the comparison above means something.
    names = "NOT_OPEN TO_DO DRAFT_SAVED OVERDUE SUBMITTED_ON_TIME SUBMITTED_LATE REVIEWED"
    assert seen == {getattr(services, name) for name in names.split()}
