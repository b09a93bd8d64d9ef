"""The iCalendar document of a member's cohorts, built with the `icalendar` library.

Every event's UID is derived from the cohort id and what the event is (week 3's
session, the pre survey...), never from its date: when a lead moves the start date or
a break, calendar programs move the event instead of adding a copy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from lms.core.cohorts import schedule_of
from lms.core.curriculum_loader import programme
from lms.core.models import Cohort

if TYPE_CHECKING:
    from icalendar import Calendar, Event

log = logging.getLogger(__name__)

TIMEZONE = "Europe/London"
LONDON = ZoneInfo(TIMEZONE)
DAY = timedelta(days=1)
PRODID = "-//Involving People//LMS calendar//EN"


@dataclass(frozen=True)
class SessionTime:
    """When weekly sessions happen, in UK local time (GMT in winter, BST in summer)."""

    start: time
    minutes: int

    @classmethod
    def parse(cls, start: str | None, minutes: int | str | None) -> SessionTime | None:
        """From settings like "10:00" and 120; None (whole-day sessions) if not set.

        A mistyped setting must not break every member's feed: it is logged and the
        sessions fall back to whole-day events."""
        if not start:
            return None
        try:
            parsed = time.fromisoformat(str(start).strip())
            length = int(minutes or 120)
            if length <= 0:
                raise ValueError("the session length must be positive")
        except ValueError as problem:
            log.warning("CALENDAR_SESSION_TIME/MINUTES not understood (%s): whole days", problem)
            return None
        return cls(parsed.replace(second=0, microsecond=0), length)


@dataclass(frozen=True)
class FeedOptions:
    uid_domain: str
    session_time: SessionTime | None = None
    # Absolute link to a course week's page, for the event's URL.
    week_link: Callable[[Cohort, int], str] | None = None
    stamp: datetime | None = None
    # A cohort's sessions with their own time and place ({week: SessionDetails}, from
    # the `lms_session_details` hook); they win over `session_time`.
    sessions: Callable[[Cohort], dict] | None = None


def build_calendar(cohorts: Iterable[Cohort], options: FeedOptions) -> Calendar:
    """One VCALENDAR with the sessions, breaks, reflection due dates and survey
    windows of each cohort."""
    from icalendar import Calendar  # imported on use: it slows every start of the app

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Involving People")
    calendar.add("x-wr-timezone", TIMEZONE)
    # Subscribed calendars refresh on the client's own schedule; this is a hint.
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    stamp = options.stamp or datetime.now(UTC)
    days: list[date] = []
    timed = False
    for cohort in cohorts:
        for event in cohort_events(cohort, options, stamp):
            calendar.add_component(event)
            start = event.decoded("dtstart")
            days.append(start)
            timed = timed or isinstance(start, datetime)
    if timed:
        # A VTIMEZONE spanning the feed's years, so programs that do not know the
        # IANA zone still get the March and October clock changes right.
        first = min(_as_date(day) for day in days)
        last = max(_as_date(day) for day in days)
        calendar.add_missing_timezones(date(first.year - 1, 1, 1), date(last.year + 1, 12, 31))
    return calendar


def cohort_events(cohort: Cohort, options: FeedOptions, stamp: datetime) -> list[Event]:
    course = programme(cohort.programme)
    schedule = schedule_of(cohort)
    prefix = f"{cohort.name}:"

    from icalendar import Event

    def event(key: str, summary: str, start, end, *, busy: bool = False, week: int = 0):
        item = Event()
        item.add("uid", f"cohort-{cohort.id}-{key}@{options.uid_domain}")
        item.add("dtstamp", stamp)
        item.add("summary", f"{prefix} {summary}")
        item.add("dtstart", start)
        item.add("dtend", end)
        item.add("transp", "OPAQUE" if busy else "TRANSPARENT")
        item.add("description", f"{cohort.name} ({course.title} programme)")
        if week and options.week_link is not None:
            item.add("url", options.week_link(cohort, week))
        return item

    events = []
    sessions = options.sessions(cohort) if options.sessions is not None else {}
    for number, session in enumerate(schedule.session_dates, start=1):
        week = course.week(number)
        details = sessions.get(number)
        if details is not None:
            start, end = details.starts, details.ends
        else:
            start, end = _session_span(session, options.session_time)
        item = event(
            f"week-{number}-session",
            f"week {number} session – {week.title}",
            start,
            end,
            busy=details is not None or options.session_time is not None,
            week=number,
        )
        if details is not None:
            _add_place(item, details)
        events.append(item)
        due = session + timedelta(days=week.reflection_due_days)
        events.append(
            event(
                f"week-{number}-reflection-due",
                f"week {number} reflection due",
                due,
                due + DAY,
                week=number,
            )
        )
    for monday in schedule.break_weeks:
        events.append(
            event(
                f"break-{monday.isoformat()}",
                "break – no session this week",
                monday,
                monday + timedelta(days=7),
            )
        )
    for wave in course.survey_waves:
        if wave.closes_week > schedule.number_of_weeks:
            continue  # a curriculum check catches this; the feed just leaves it out
        opens = schedule.session_date(wave.opens_week)
        closes = schedule.session_date(wave.closes_week) + timedelta(days=6)
        instrument = course.instruments.get(wave.instrument)
        title = instrument.title if instrument else wave.instrument
        events.append(
            event(
                f"survey-{wave.wave}-{wave.instrument}",
                f"{title} survey ({wave.wave}) open",
                opens,
                closes + DAY,  # DTEND of a whole-day event is the day after the last
                week=wave.opens_week,
            )
        )
    return events


def _add_place(item: Event, details) -> None:
    """LOCATION is the venue (or the meeting link when online only); the link also goes
    in the description and, for programs that read RFC 7986, as a CONFERENCE."""
    item.add("location", details.venue or details.link)
    if details.link:
        item["description"] = f"{item['description']}\nJoin online: {details.link}"
        item.add(
            "conference",
            details.link,
            parameters={"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": "Join online"},
        )


def _session_span(day: date, session_time: SessionTime | None):
    if session_time is None:
        return day, day + DAY
    start = datetime.combine(day, session_time.start, tzinfo=LONDON)
    # Wall-clock arithmetic: a session never spans a clock change (they happen at 1-2am).
    return start, start + timedelta(minutes=session_time.minutes)


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value
