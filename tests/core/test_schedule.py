"""Course-week dates with breaks, and where a cohort is on a given day."""

from datetime import date

import pytest

from lms.core.schedule import ScheduleProblem, build_schedule

CHRISTMAS = (date(2026, 12, 21), date(2026, 12, 28))


def test_breaks_push_later_weeks_back():
    schedule = build_schedule(date(2026, 9, 7), 35, CHRISTMAS)
    assert schedule.session_date(1) == date(2026, 9, 7)
    assert schedule.session_date(15) == date(2026, 12, 14)
    assert schedule.session_date(16) == date(2027, 1, 4)
    assert schedule.session_date(35) == date(2027, 5, 17)
    assert schedule.end_date == date(2027, 5, 23)


def test_any_day_of_the_week_names_the_break():
    by_wednesday = build_schedule(date(2026, 9, 7), 35, (date(2026, 12, 23), date(2026, 12, 31)))
    assert (
        by_wednesday.session_dates == build_schedule(date(2026, 9, 7), 35, CHRISTMAS).session_dates
    )


def test_a_break_in_week_one_is_refused():
    with pytest.raises(ScheduleProblem, match="first session, so it cannot be a break"):
        build_schedule(date(2026, 9, 7), 35, (date(2026, 9, 9),))


def test_a_break_after_the_end_is_refused():
    with pytest.raises(ScheduleProblem, match="after the course ends on 9 May 2027"):
        build_schedule(date(2026, 9, 7), 35, (date(2027, 5, 10),))


def test_a_break_before_the_start_is_refused():
    with pytest.raises(ScheduleProblem, match="before the course starts"):
        build_schedule(date(2026, 9, 7), 35, (date(2026, 8, 31),))


def test_a_break_in_the_last_week_moves_the_last_session():
    schedule = build_schedule(date(2026, 9, 7), 35, (date(2027, 5, 3),))
    assert schedule.session_date(35) == date(2027, 5, 10)


@pytest.mark.parametrize(
    ("today", "kind", "week", "label"),
    [
        (date(2026, 9, 6), "before", 0, "Not started yet"),
        (date(2026, 9, 7), "week", 1, "Week 1"),
        (date(2026, 9, 13), "week", 1, "Week 1"),
        (date(2026, 12, 20), "week", 15, "Week 15"),
        (date(2026, 12, 21), "break", 15, "Break – sessions resume 4 January 2027"),
        (date(2027, 1, 3), "break", 15, "Break – sessions resume 4 January 2027"),
        (date(2027, 1, 4), "week", 16, "Week 16"),
        (date(2027, 5, 23), "week", 35, "Week 35"),
        (date(2027, 5, 24), "finished", 35, "Finished"),
    ],
)
def test_position_on_a_given_day(today, kind, week, label):
    position = build_schedule(date(2026, 9, 7), 35, CHRISTMAS).position(today)
    assert (position.kind, position.week, position.label) == (kind, week, label)
