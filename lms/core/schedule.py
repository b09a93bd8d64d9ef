"""Course-week dates for a cohort: weekly sessions, with break weeks skipped.

Pure functions over dates. Entries elsewhere are keyed by week number, so changing the
start date or the breaks moves dates and never loses anything recorded against a week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

WEEK = timedelta(days=7)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Position:
    """Where a cohort is on a given day."""

    kind: str  # "before" | "week" | "break" | "finished"
    week: int  # 0 before the start; the last week taught during a break; N when finished
    resumes: date | None = None  # during a break: the next session date

    @property
    def label(self) -> str:
        if self.kind == "before":
            return "Not started yet"
        if self.kind == "break":
            return f"Break – sessions resume {self.resumes:%-d %B %Y}"
        if self.kind == "finished":
            return "Finished"
        return f"Week {self.week}"


@dataclass(frozen=True)
class Schedule:
    session_dates: tuple[date, ...]  # index 0 is course week 1
    break_weeks: tuple[date, ...]  # Mondays of the weeks without a session

    @property
    def number_of_weeks(self) -> int:
        return len(self.session_dates)

    def session_date(self, week: int) -> date:
        return self.session_dates[week - 1]

    @property
    def end_date(self) -> date:
        """The last day of the final course week."""
        return self.session_dates[-1] + WEEK - timedelta(days=1)

    def position(self, today: date) -> Position:
        if today < self.session_dates[0]:
            return Position("before", 0)
        if today > self.end_date:
            return Position("finished", self.number_of_weeks)
        taught = 0
        for number, session in enumerate(self.session_dates, start=1):
            if session <= today:
                taught = number
        current = self.session_dates[taught - 1]
        if today < current + WEEK:
            return Position("week", taught)
        return Position("break", taught, resumes=self.session_dates[taught])


class ScheduleProblem(ValueError):
    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(message)


def build_schedule(
    start: date, number_of_weeks: int, breaks: list[date] | tuple[date, ...] = ()
) -> Schedule:
    """Dates of every course week from the first session date, skipping break weeks.

    A break is given as any day of the calendar week to skip. Raises `ScheduleProblem`
    for a break in the first week, before the start or after the course ends."""
    break_weeks = sorted({monday_of(day) for day in breaks})
    skipped = set(break_weeks)
    if monday_of(start) in skipped:
        raise ScheduleProblem(
            "breaks",
            f"The week of {start:%-d %B %Y} is the first session, so it cannot be a "
            "break. Move the start date instead.",
        )
    dates: list[date] = []
    session = start
    while len(dates) < number_of_weeks:
        if monday_of(session) not in skipped:
            dates.append(session)
        session += WEEK
    schedule = Schedule(tuple(dates), tuple(break_weeks))
    for week_of in break_weeks:
        if week_of < monday_of(start):
            raise ScheduleProblem(
                "breaks",
                f"The break in the week of {week_of:%-d %B %Y} is before the course "
                f"starts on {start:%-d %B %Y}.",
            )
        if week_of > schedule.end_date:
            raise ScheduleProblem(
                "breaks",
                f"The break in the week of {week_of:%-d %B %Y} is after the course "
                f"ends on {schedule.end_date:%-d %B %Y}.",
            )
    return schedule


def cohort_schedule(cohort, number_of_weeks: int) -> Schedule:
    return build_schedule(cohort.start_date, number_of_weeks, cohort.break_dates)
