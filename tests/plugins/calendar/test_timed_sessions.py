"""Sessions with a time and place (the sessions plugin) become timed events in
Europe/London, right on both sides of the October and March clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from lms.extensions import db
from tests.plugins.calendar.conftest import create_link, events, fetch, parse

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def timed(app, cohort):
    if "sessions" not in app.blueprints:
        pytest.skip("the sessions plugin is disabled")
    from lms.plugins.sessions import timetable

    timetable.set_plan(
        cohort, 0, time(10), time(12, 30), "Room 2, Town Hall, Belfast", "https://meet.example/ip"
    )
    # Week 30, in April, online only in the afternoon.
    timetable.set_plan(cohort, 30, time(14), time(16), "", "https://meet.example/ip")
    db.session.commit()


def session(found, cohort, week):
    return found[f"cohort-{cohort.id}-week-{week}-session@localhost"]


def test_sessions_are_timed_in_london_across_the_clock_changes(
    app, client_for, cohort, trainee, timed
):
    url = create_link(client_for(trainee.user))
    raw = fetch(app, url).get_data(as_text=True)
    calendar = parse(fetch(app, url))
    found = events(calendar)

    # Week 7 is Monday 19 October 2026 (BST), week 8 Monday 26 October (GMT): the
    # clocks went back on Sunday 25 October. Both start at 10am in London.
    before, after = session(found, cohort, 7), session(found, cohort, 8)
    assert before.decoded("dtstart").date() == date(2026, 10, 19)
    assert after.decoded("dtstart").date() == date(2026, 10, 26)
    assert before.decoded("dtstart").astimezone(UTC) == datetime(2026, 10, 19, 9, tzinfo=UTC)
    assert after.decoded("dtstart").astimezone(UTC) == datetime(2026, 10, 26, 10, tzinfo=UTC)
    assert after.decoded("dtend").astimezone(UTC) == datetime(2026, 10, 26, 12, 30, tzinfo=UTC)

    # Week 27 is Monday 22 March 2027 (GMT), week 28 Monday 29 March (BST): the clocks
    # went forward on Sunday 28 March.
    march, april = session(found, cohort, 27), session(found, cohort, 28)
    assert march.decoded("dtstart").astimezone(UTC) == datetime(2027, 3, 22, 10, tzinfo=UTC)
    assert april.decoded("dtstart").astimezone(UTC) == datetime(2027, 3, 29, 9, tzinfo=UTC)

    # Written with the zone's name, and the zone itself is in the file with both rules.
    assert "DTSTART;TZID=Europe/London:20261026T100000" in raw
    assert "DTSTART;TZID=Europe/London:20270329T100000" in raw
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/London"
    kinds = {component.name for component in zone.subcomponents}
    assert kinds == {"STANDARD", "DAYLIGHT"}

    # Place and link.
    assert str(before["location"]) == "Room 2, Town Hall, Belfast"
    assert "Join online: https://meet.example/ip" in str(before["description"])
    assert str(before["conference"]) == "https://meet.example/ip"
    assert str(before["transp"]) == "OPAQUE"
    online = session(found, cohort, 30)
    assert str(online["location"]) == "https://meet.example/ip"
    assert online.decoded("dtstart").astimezone(UTC) == datetime(2027, 4, 12, 13, tzinfo=UTC)


def test_break_weeks_stay_empty(app, client_for, cohort, trainee, timed):
    calendar = parse(fetch(app, create_link(client_for(trainee.user))))
    starts = [e.decoded("dtstart") for e in calendar.walk("VEVENT") if "session" in str(e["uid"])]
    days = {s.date() if isinstance(s, datetime) else s for s in starts}
    assert len(starts) == 35
    assert date(2026, 12, 21) not in days and date(2026, 12, 28) not in days
