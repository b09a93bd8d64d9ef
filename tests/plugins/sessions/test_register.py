"""The register: a tutor marks their group, with or without JavaScript; a trainee sees
their own attendance; the lead sees the cohort's; the evaluation and the personal-data
download get it."""

from __future__ import annotations

import json

from sqlalchemy import select

from lms.plugins.sessions import register
from lms.plugins.sessions.models import Attendance
from tests.plugins.sessions.conftest import mark


def test_a_tutor_takes_the_register_with_a_plain_form_post(
    client_for, cohort, tutor, trainees, count_queries
):
    browser = client_for(tutor.user)
    page = browser.get("/cohorts/autumn/register").headers["Location"]
    assert page.endswith("/cohorts/autumn/register/11")
    page = browser.get("/cohorts/autumn/register/11").get_data(as_text=True)
    group_a, other = trainees[:5], trainees[5]
    for member in group_a:
        assert member.user.full_name in page
    assert other.user.full_name not in page  # another group's trainee
    statuses = ["present", "late", "absent", "apologies", "present"]
    data = {f"status-{m.id}": s for m, s in zip(group_a, statuses, strict=True)}
    response = browser.post("/cohorts/autumn/register/11", data=data)
    assert response.status_code == 302
    assert register.attendance_of(group_a[1]) == {11: "late"}
    page = browser.get("/cohorts/autumn/register/11").get_data(as_text=True)
    assert "Register for week 11 saved: 5 marked." in page
    checked = f'name="status-{group_a[2].id}" type="radio" value="absent" checked'
    assert checked in page
    # The page costs the same whatever the size of the group.
    with count_queries() as counter:
        browser.get("/cohorts/autumn/register/11")
    assert counter.count <= 12


def test_one_tap_saves_one_mark_as_json(client_for, cohort, tutor, trainees):
    browser = client_for(tutor.user)
    member = trainees[0]
    response = browser.post(
        "/cohorts/autumn/register/3",
        data={f"status-{member.id}": "present"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200 and response.json == {"saved": 1}
    assert register.attendance_of(member) == {3: "present"}
    response = browser.post(
        "/cohorts/autumn/register/3",
        data={f"status-{member.id}": "asleep"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    # Without JavaScript the same problem shows next to the person.
    page = browser.post("/cohorts/autumn/register/3", data={f"status-{member.id}": "asleep"})
    assert page.status_code == 400
    assert "Choose present, late, absent or apologies" in page.get_data(as_text=True)


def test_a_tutor_cannot_mark_another_groups_trainee(client_for, cohort, tutor, trainees):
    browser = client_for(tutor.user)
    other = trainees[5]
    response = browser.post("/cohorts/autumn/register/3", data={f"status-{other.id}": "absent"})
    assert response.status_code == 404
    assert register.attendance_of(other) == {}


def test_the_lead_marks_everyone(client_for, cohort, lead, trainees):
    browser = client_for(lead.user)
    page = browser.get("/cohorts/autumn/register/2").get_data(as_text=True)
    assert all(m.user.full_name in page for m in trainees)


def test_a_trainee_sees_their_own_attendance_only(client_for, cohort, tutor, trainees):
    mark(trainees[0], 1, "present", tutor.user)
    mark(trainees[0], 2, "apologies", tutor.user)
    mark(trainees[1], 1, "absent", tutor.user)
    page = client_for(trainees[0].user).get("/cohorts/autumn/attendance").get_data(as_text=True)
    assert "You have attended 1 of 2 sessions" in page
    assert "Apologies" in page
    assert trainees[1].user.full_name not in page


def test_the_lead_sees_the_cohorts_attendance(client_for, cohort, lead, tutor, trainees):
    mark(trainees[0], 1, "present", tutor.user)
    mark(trainees[5], 1, "late", lead.user)
    page = client_for(lead.user).get("/cohorts/autumn/attendance").get_data(as_text=True)
    assert all(m.user.full_name in page for m in trainees)
    tutor_page = client_for(tutor.user).get("/cohorts/autumn/attendance").get_data(as_text=True)
    assert trainees[5].user.full_name not in tutor_page


def test_attendance_in_the_evaluation_is_suppressed(app, cohort, tutor, trainees):
    from lms.plugins.sessions.evaluation import tables
    from tests.conftest import record_consent

    for member in trainees[:5]:
        mark(member, 1, "present", tutor.user)
        mark(member, 2, "present", tutor.user)
    mark(trainees[5], 1, "absent", tutor.user)
    mark(trainees[5], 2, "absent", tutor.user)
    (table,) = tables(cohort)
    assert table["section"] == "participation"
    # Week 2: only the five who consented are counted; all attended.
    assert table["rows"][1] == [2, 5, 5, 0, 0, 100.0]
    record_consent(trainees[5], True)
    (table,) = tables(cohort)
    week, total, attended, apologies, absent, rate = table["rows"][0]
    assert (week, total, apologies) == (1, 6, 0)
    assert absent == "fewer than 5"
    # One count is hidden, so the next smallest is too, and the rate that would
    # give them back.
    assert attended == rate == "not shown"


def test_attendance_is_in_the_personal_data_download(client_for, cohort, tutor, trainees):
    import io
    import zipfile

    mark(trainees[0], 1, "late", tutor.user)
    data = client_for(trainees[0].user).post("/account/personal-data.zip", data={}).get_data()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        found = json.loads(archive.read("personal-data.json"))
    assert found["sessions"]["attendance"][0]["status"] == "late"
    assert found["sessions"]["attendance"][0]["week"] == 1


def test_records_are_unique_per_member_and_week(app, cohort, tutor, trainees):
    from lms.extensions import db

    mark(trainees[0], 1, "present", tutor.user)
    mark(trainees[0], 1, "late", tutor.user)
    rows = db.session.scalars(select(Attendance)).all()
    assert [(r.week, r.status) for r in rows] == [(1, "late")]


def test_marks_posted_after_the_session_expired_come_back_to_be_saved(
    app, client, login_as, cohort, tutor, trainees
):
    login_as(tutor.user)
    member = trainees[0]
    token = _token(client.get("/cohorts/autumn/register/4").get_data(as_text=True))
    with client.session_transaction() as session:
        session.clear()  # the session expired while the register was open
    response = client.post(
        "/cohorts/autumn/register/4",
        data={f"status-{member.id}": "late", "csrf_token": token},
        csrf=False,
    )
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert register.attendance_of(member) == {}
    login_as(tutor.user)
    page = client.get("/cohorts/autumn/register/4").get_data(as_text=True)
    assert "You were signed out before these marks were saved" in page
    assert f'name="status-{member.id}" type="radio" value="late" checked' in page
    client.post("/cohorts/autumn/register/4", data={f"status-{member.id}": "late"})
    assert register.attendance_of(member) == {4: "late"}


def _token(page: str) -> str:
    import re

    return re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page)[1]
