"""The lead sets when and where sessions happen; everyone sees it where they look."""

from __future__ import annotations

from datetime import datetime, time

from lms.core.rescue import RescuedForm
from lms.extensions import db
from lms.plugins.sessions import timetable
from tests.plugins.sessions.conftest import set_times


def test_the_lead_sets_a_default_and_a_week_override(client, login_as, cohort, lead, trainees):
    login_as(lead.user)
    response = client.post(
        "/cohorts/autumn/sessions",
        data={
            "starts_at": "10am",
            "ends_at": "12:30",
            "venue": "Room 2, Town Hall",
            "link": "https://meet.example.org/ip",
        },
    )
    assert response.status_code == 302
    response = client.post(
        "/cohorts/autumn/sessions/weeks/4",
        data={"starts_at": "14:00", "ends_at": "4pm", "venue": "", "link": "https://x.example/y"},
    )
    assert response.status_code == 302
    sessions = timetable.details(cohort)
    assert sessions[1].starts == datetime(2026, 9, 7, 10, tzinfo=timetable.LONDON)
    assert sessions[1].place_text == "Room 2, Town Hall, or join online"
    assert sessions[4].time_text == "2pm to 4pm" and sessions[4].venue == ""
    page = client.get("/cohorts/autumn/sessions").get_data(as_text=True)
    assert "Changed" in page and "10am to 12:30pm" in page

    # The week page, the schedule and the trainee's dashboard show it.
    trainee_browser = client.application.test_client()
    from tests.conftest import PASSWORD

    trainee_browser.post("/sign-in", data={"email": trainees[0].user.email, "password": PASSWORD})
    week = trainee_browser.get("/cohorts/autumn/weeks/4").get_data(as_text=True)
    assert "Monday 28 September 2026, 2pm to 4pm" in week
    assert 'href="https://x.example/y"' in week
    schedule = trainee_browser.get("/cohorts/autumn/").get_data(as_text=True)
    assert "Where: Room 2, Town Hall, or join online, unless a week below" in schedule
    assert "Mon 7 Sep 2026, 10am to 12:30pm" in schedule
    assert "Mon 28 Sep 2026, 2pm to 4pm<br>" in schedule  # week 4: online only
    dashboard = trainee_browser.get("/dashboard").get_data(as_text=True)
    assert "10am to 12:30pm" in dashboard  # week 11's session (the default)

    # Back to the default.
    client.post("/cohorts/autumn/sessions/weeks/4", data={"action": "default"})
    assert timetable.details(cohort, [4])[4].time_text == "10am to 12:30pm"


def test_bad_times_get_a_message_next_to_the_field(client, login_as, cohort, lead):
    login_as(lead.user)
    response = client.post(
        "/cohorts/autumn/sessions",
        data={"starts_at": "ten", "ends_at": "12:00", "venue": "", "link": ""},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Enter start time as a time, for example 10:00 or 2:30pm" in page
    response = client.post(
        "/cohorts/autumn/sessions",
        data={"starts_at": "13:00", "ends_at": "12:00", "venue": "", "link": "meet.example"},
    )
    page = response.get_data(as_text=True)
    assert "The session must end after it starts" in page
    assert "Enter the meeting link in full, starting with https://" in page
    response = client.post(
        "/cohorts/autumn/sessions", data={"starts_at": "10:00", "ends_at": "12:00"}
    )
    assert "Enter a venue, an online meeting link, or both" in response.get_data(as_text=True)
    assert timetable.plans_of(cohort) == {}


def test_break_weeks_have_no_session(make_cohort):
    from datetime import date

    cohort = make_cohort(start=date(2026, 9, 7), breaks=(date(2026, 12, 21),))
    set_times(cohort)
    days = {s.starts.date() for s in timetable.details(cohort).values()}
    assert date(2026, 12, 14) in days and date(2026, 12, 28) in days
    assert date(2026, 12, 21) not in days
    assert len(days) == 35


def test_a_venue_typed_when_the_session_expired_is_kept(app, client, login_as, cohort, lead):
    import re

    login_as(lead.user)
    page = client.get("/cohorts/autumn/sessions").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    with client.session_transaction() as session:
        session.clear()  # the session expired while the lead was typing
    response = client.post(
        "/cohorts/autumn/sessions",
        data={
            "starts_at": "10:00",
            "ends_at": "12:00",
            "venue": "The long address I typed",
            "csrf_token": token,
        },
        csrf=False,
    )
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert db.session.query(RescuedForm).count() == 1
    login_as(lead.user)
    page = client.get("/cohorts/autumn/sessions").get_data(as_text=True)
    assert "The long address I typed" in page


def test_times_are_wall_clock_times_in_london(cohort):
    set_times(cohort, starts=time(10), ends=time(12))
    sessions = timetable.details(cohort)
    # 10am before and after the clocks go back on 25 October 2026: 9:00 then 10:00 UTC.
    assert sessions[7].starts.utcoffset().total_seconds() == 3600
    assert sessions[8].starts.utcoffset().total_seconds() == 0
    assert (sessions[7].starts.hour, sessions[8].starts.hour) == (10, 10)
