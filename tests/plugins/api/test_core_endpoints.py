"""Core endpoints: you, your cohorts and their schedule, the roster for leads; and the
problem details every /api/v1 error is answered with."""

from __future__ import annotations

from sqlalchemy import select

from lms.core.audit import AuditEvent
from tests.plugins.api.conftest import assert_problem


def test_me_shows_the_caller_and_their_memberships(call, token_for, trainee):
    response = call("GET", "/me", token_for(trainee, "read"))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["email"] == trainee.user.email
    assert body["given_name"] == "Tara"
    assert body["is_admin"] is False
    [membership] = body["memberships"]
    assert membership["role"] == "trainee"
    assert membership["tutor_group"] == "Group A"
    assert membership["organisation"] == "NHS"
    assert membership["cohort"] == {
        "slug": "autumn",
        "name": "Autumn 2026",
        "programme": "involving-people",
        "start_date": "2026-09-07",
        "archived": False,
    }


def test_cohorts_lists_only_your_own(call, token_for, trainee, make_cohort):
    make_cohort(slug="someone-elses")
    body = call("GET", "/cohorts", token_for(trainee, "read")).get_json()
    assert [c["slug"] for c in body] == ["autumn"]


def test_cohort_schedule_skips_the_break(call, token_for, trainee):
    body = call("GET", "/cohorts/autumn", token_for(trainee, "read")).get_json()
    assert body["programme_title"]
    assert body["number_of_weeks"] == len(body["weeks"]) == 35
    assert body["breaks"] == ["2026-12-21"]
    assert body["position"] == {"kind": "week", "week": 1, "label": "Week 1", "resumes": None}
    weeks = {w["week"]: w for w in body["weeks"]}
    assert weeks[1]["session_date"] == "2026-09-07"
    assert weeks[15]["session_date"] == "2026-12-14"
    assert weeks[16]["session_date"] == "2026-12-28"  # the week of 21 December is skipped
    assert weeks[1]["reflection_due"] > weeks[1]["session_date"]


def test_unknown_cohort_is_404_and_someone_elses_is_403(call, token_for, trainee, make_cohort):
    token = token_for(trainee, "read")
    assert_problem(call("GET", "/cohorts/nowhere", token), 404)
    make_cohort(slug="spring")
    assert_problem(call("GET", "/cohorts/spring", token), 403)


def test_roster_is_for_leads_and_is_audited(call, token_for, lead, trainee, tutor):
    assert_problem(call("GET", "/cohorts/autumn/roster", token_for(trainee, "read")), 403)
    assert_problem(call("GET", "/cohorts/autumn/roster", token_for(tutor, "read")), 403)
    response = call("GET", "/cohorts/autumn/roster", token_for(lead, "read"))
    assert response.status_code == 200
    rows = {row["email"]: row for row in response.get_json()}
    assert set(rows) == {lead.user.email, trainee.user.email, tutor.user.email}
    assert rows[trainee.user.email]["role"] == "trainee"
    assert rows[trainee.user.email]["tutor_group"] == "Group A"
    assert rows[trainee.user.email]["organisation"] == "NHS"
    from lms.extensions import db

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "data.exported"))
    assert event.actor_id == lead.user_id
    assert "roster (API)" in event.details


def test_unknown_addresses_and_methods_are_problems(call, token_for, trainee):
    token = token_for(trainee, "read")
    assert_problem(call("GET", "/nothing-here", token), 404)
    assert_problem(call("GET", "/cohorts/autumn/reflections/999", token), 404)
    # Beyond the database's integer range names nothing: 404 for every method, not a
    # 405 from a route that only shares the address's shape (found by schemathesis).
    for method in ("GET", "PUT"):
        huge = call(method, "/cohorts/autumn/reflections/115547182714701", token, json={})
        assert_problem(huge, 404)
    body = assert_problem(call("DELETE", "/me", token), 405)
    assert "405" in str(body["status"])
    response = call("POST", "/me", token, json={})
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_a_crash_is_a_500_problem_that_reveals_nothing(make_app, token_for, trainee, monkeypatch):
    from lms.plugins.api import core_endpoints

    def broken(call):
        raise RuntimeError("boom")

    monkeypatch.setattr(core_endpoints, "me", broken)
    # Views are built from the handlers when an app is made: make one after the patch.
    other = make_app()
    response = other.test_client().get(
        "/api/v1/me", headers={"Authorization": f"Bearer {token_for(trainee)}"}
    )
    assert_problem(response, 500)
    assert "boom" not in response.get_data(as_text=True)
