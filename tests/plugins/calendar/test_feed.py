"""The iCalendar feed parses back with the right events, dates and time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from lms.core.cohorts import schedule_of, update_schedule
from lms.extensions import db
from tests.plugins.calendar.conftest import (
    BREAKS,
    START,
    create_link,
    events,
    fetch,
    parse,
)


def test_the_feed_has_sessions_breaks_reflection_dues_and_survey_windows(
    app, client_for, cohort, trainee
):
    url = create_link(client_for(trainee.user))
    calendar = parse(fetch(app, url))
    found = events(calendar)
    schedule = schedule_of(cohort)
    assert len(schedule.session_dates) == 35

    # One whole-day event per course week, on its session date, linking to the week.
    for number, session in enumerate(schedule.session_dates, start=1):
        event = found[f"cohort-{cohort.id}-week-{number}-session@localhost"]
        assert event.decoded("dtstart") == session
        assert event.decoded("dtend") == session + timedelta(days=1)
        assert str(event["summary"]).startswith(f"Autumn 2026: week {number} session – ")
        assert str(event["url"]) == f"http://localhost/cohorts/autumn/weeks/{number}"
    # Week 1 is on the start date; the Christmas break pushes week 16 into January.
    assert found[f"cohort-{cohort.id}-week-1-session@localhost"].decoded("dtstart") == START
    week_16 = found[f"cohort-{cohort.id}-week-16-session@localhost"]
    assert week_16.decoded("dtstart") == date(2027, 1, 4)

    # Reflections are due reflection_due_days (6 in this programme) after the session.
    due = found[f"cohort-{cohort.id}-week-3-reflection-due@localhost"]
    assert due.decoded("dtstart") == date(2026, 9, 27)
    assert str(due["summary"]) == "Autumn 2026: week 3 reflection due"
    assert str(due["transp"]) == "TRANSPARENT"

    # Each break is a week-long whole-day event, Monday to Sunday.
    for monday in BREAKS:
        event = found[f"cohort-{cohort.id}-break-{monday.isoformat()}@localhost"]
        assert event.decoded("dtstart") == monday
        assert event.decoded("dtend") == monday + timedelta(days=7)
        assert "no session" in str(event["summary"])

    # Survey windows: from the session of the opening week to the end of the closing
    # week (pre: weeks 1-3, post: week 35), DTEND being the day after the last day.
    pre = found[f"cohort-{cohort.id}-survey-pre-confidence@localhost"]
    assert pre.decoded("dtstart") == START
    assert pre.decoded("dtend") == date(2026, 9, 21) + timedelta(days=7)
    post = found[f"cohort-{cohort.id}-survey-post-confidence@localhost"]
    assert post.decoded("dtstart") == schedule.session_date(35)
    assert post.decoded("dtend") == schedule.end_date + timedelta(days=1)
    assert "survey (post) open" in str(post["summary"])

    assert len(found) == 35 + 35 + len(BREAKS) + 3  # UIDs are unique
    assert str(calendar["prodid"]) == "-//Involving People//LMS calendar//EN"
    assert calendar.walk("VTIMEZONE") == []  # whole-day events need no time zone


@pytest.fixture
def timed(app):
    app.config.update(CALENDAR_SESSION_TIME="18:00", CALENDAR_SESSION_MINUTES="90")


def test_timed_sessions_keep_uk_local_time_across_the_clock_changes(
    app, client_for, cohort, trainee, timed
):
    url = create_link(client_for(trainee.user))
    calendar = parse(fetch(app, url))
    found = events(calendar)
    schedule = schedule_of(cohort)

    def session(week: int):
        event = found[f"cohort-{cohort.id}-week-{week}-session@localhost"]
        return event.decoded("dtstart"), event.decoded("dtend")

    # Week 7 (19 October 2026) is BST, week 8 (26 October) GMT after the clocks go
    # back; week 27 (22 March 2027) GMT, week 28 (29 March) BST again.
    assert schedule.session_date(7) == date(2026, 10, 19)
    assert schedule.session_date(28) == date(2027, 3, 29)
    expected_utc = {
        1: datetime(2026, 9, 7, 17, 0, tzinfo=UTC),
        7: datetime(2026, 10, 19, 17, 0, tzinfo=UTC),
        8: datetime(2026, 10, 26, 18, 0, tzinfo=UTC),
        27: datetime(2027, 3, 22, 18, 0, tzinfo=UTC),
        28: datetime(2027, 3, 29, 17, 0, tzinfo=UTC),
    }
    for week, utc in expected_utc.items():
        start, end = session(week)
        assert start.hour == 18 and start.minute == 0  # always 6pm on the wall clock
        assert start.astimezone(UTC) == utc, week
        assert end - start == timedelta(minutes=90)
    assert session(7)[0].utcoffset() == timedelta(hours=1)
    assert session(8)[0].utcoffset() == timedelta(0)

    # The feed carries its own VTIMEZONE, so programs that do not know the IANA zone
    # still move the sessions with the clocks: check it on its own.
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/London"
    embedded = zone.to_tz()
    for week, utc in expected_utc.items():
        local = datetime.combine(schedule.session_date(week), datetime.min.time()).replace(
            hour=18, tzinfo=embedded
        )
        assert local.astimezone(UTC) == utc, week
    raw = fetch(app, url).get_data(as_text=True)
    assert "DTSTART;TZID=Europe/London:20261026T180000" in raw
    # Reflection dues and breaks stay whole-day events.
    due = found[f"cohort-{cohort.id}-week-8-reflection-due@localhost"]
    assert due.decoded("dtstart") == date(2026, 11, 1)


def test_a_mistyped_session_time_falls_back_to_whole_days(app, client_for, cohort, trainee):
    app.config.update(CALENDAR_SESSION_TIME="six pm")
    url = create_link(client_for(trainee.user))
    found = events(parse(fetch(app, url)))
    assert found[f"cohort-{cohort.id}-week-1-session@localhost"].decoded("dtstart") == START


def test_uids_stay_the_same_when_the_schedule_moves(app, client_for, cohort, trainee):
    url = create_link(client_for(trainee.user))
    before = events(parse(fetch(app, url)))
    update_schedule(cohort, START + timedelta(days=7), START.weekday(), (date(2027, 2, 15),))
    db.session.commit()
    after = events(parse(fetch(app, url)))
    sessions = {uid for uid in before if "-session@" in uid}
    assert sessions == {uid for uid in after if "-session@" in uid}
    week_1 = f"cohort-{cohort.id}-week-1-session@localhost"
    assert after[week_1].decoded("dtstart") == START + timedelta(days=7)
    assert f"cohort-{cohort.id}-break-2027-02-15@localhost" in after
    assert f"cohort-{cohort.id}-break-2026-12-21@localhost" not in after


def test_the_feed_has_only_the_members_own_active_cohorts(
    app, client_for, cohort, trainee, make_cohort, make_membership
):
    other = make_cohort(slug="elsewhere", name="Elsewhere cohort", start=START)
    make_membership(other, "trainee")
    left = make_cohort(slug="left", name="Left cohort", start=START)
    make_membership(left, "trainee", user=trainee.user, withdrawn_at=datetime(2026, 9, 8))
    second = make_cohort(slug="second", name="Second cohort", start=date(2027, 1, 4))
    make_membership(second, "tutor", user=trainee.user)
    text = fetch(app, create_link(client_for(trainee.user))).get_data(as_text=True)
    assert "Autumn 2026" in text and "Second cohort" in text
    assert "Elsewhere cohort" not in text and "Left cohort" not in text


def test_the_feed_runs_a_fixed_number_of_queries_whatever_the_cohorts(
    app, client_for, trainee, make_cohort, make_membership
):
    from sqlalchemy import event

    url = create_link(client_for(trainee.user))
    fetch(app, url)  # the first use is recorded; later fetches within the hour write nothing

    def count_queries() -> int:
        statements = []

        def record(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert fetch(app, url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return len(statements)

    one = count_queries()
    for number in range(3):
        extra = make_cohort(start=START, breaks=(date(2026, 12, 21 + number),))
        make_membership(extra, "trainee", user=trainee.user)
    assert count_queries() == one
