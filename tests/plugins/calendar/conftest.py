"""Fixtures for the calendar tests: a cohort that runs across both clock changes.

The cohort starts on Monday 7 September 2026 (British Summer Time), has a two-week
Christmas break, and its 35 weeks end in May 2027: the clocks go back on 25 October
2026 and forward on 28 March 2027.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from icalendar import Calendar

START = date(2026, 9, 7)
BREAKS = (date(2026, 12, 21), date(2026, 12, 28))
TODAY = date(2026, 10, 1)
URL = re.compile(r'id="calendar-url"[^>]*value="([^"]+)"')


@pytest.fixture
def app_config(app_config):
    return {**app_config, "TODAY": TODAY}


@pytest.fixture
def cohort(make_cohort):
    return make_cohort(slug="autumn", name="Autumn 2026", start=START, breaks=BREAKS)


@pytest.fixture
def trainee(cohort, make_membership, make_user):
    user = make_user(given_name="Tara", family_name="Trainee")
    return make_membership(cohort, "trainee", user=user, group="Group A")


def create_link(browser) -> str:
    """Make a calendar link on the calendar page; return the URL shown once."""
    page = browser.post("/account/calendar", data={}).get_data(as_text=True)
    match = URL.search(page)
    assert match, page
    return match.group(1)


def path_of(url: str) -> str:
    return url.split("localhost", 1)[1]


def fetch(app, url: str):
    """Fetch the feed as a calendar program would: no cookies, no session."""
    return app.test_client().get(path_of(url))


def parse(response) -> Calendar:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.get_data())


def events(calendar: Calendar) -> dict[str, object]:
    """Events by UID."""
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}
