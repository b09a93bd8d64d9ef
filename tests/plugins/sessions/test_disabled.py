"""With the sessions plugin off, the app starts and its pages work as before: week pages
and the feed give dates only, and nobody's completion is judged."""

from __future__ import annotations

from tests.conftest import PASSWORD
from tests.plugins.sessions.conftest import set_times


def test_the_app_works_with_the_sessions_plugin_disabled(
    app, make_app, cohort, lead, tutor, trainees
):
    set_times(cohort, venue="Room 9, Old Hall")
    other = make_app(DISABLED_PLUGINS=["sessions"])
    assert "sessions" not in other.blueprints
    client = other.test_client()
    client.post("/sign-in", data={"email": trainees[0].user.email, "password": PASSWORD})
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Your attendance" not in dashboard
    week = client.get("/cohorts/autumn/weeks/3").get_data(as_text=True)
    assert "Session: Monday 21 September 2026" in week and "Room 9" not in week
    assert client.get("/cohorts/autumn/attendance").status_code == 404
    schedule = client.get("/cohorts/autumn/").get_data(as_text=True)
    assert "Room 9" not in schedule
