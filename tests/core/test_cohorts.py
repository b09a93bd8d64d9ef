"""Cohorts in the browser: creating and rescheduling, members and groups, who sees what."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from lms.core.models import Cohort, CohortBreak, Membership
from lms.extensions import db


@pytest.fixture
def app_config(app_config):
    return {**app_config, "TODAY": "2026-12-16"}  # week 15 of a 7 Sept 2026 start


def new_cohort_form(**overrides) -> dict:
    form = {
        "name": "Belfast 2026",
        "slug": "belfast-2026",
        "programme": "involving-people",
        "start_date": ["7", "9", "2026"],
        "session_weekday": "0",
        "breaks": "21/12/2026\n2026-12-28",
    }
    form.update(overrides)
    return form


@pytest.fixture
def lead(make_cohort, make_membership):
    return make_membership(make_cohort(slug="home"), role="lead")


def test_a_lead_creates_a_cohort_with_breaks_and_sees_its_schedule(client, login_as, lead):
    login_as(lead.user)
    response = client.post("/cohorts/new", data=new_cohort_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Cohort Belfast 2026 created" in page
    assert "Mon 14 Dec 2026" in page and "Mon 4 Jan 2027" in page and "Mon 17 May 2027" in page
    assert "Week of 21 December 2026" in page and "Week of 28 December 2026" in page
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "belfast-2026"))
    assert cohort.break_dates == [date(2026, 12, 21), date(2026, 12, 28)]
    creator = db.session.scalar(select(Membership).where(Membership.cohort_id == cohort.id))
    assert (creator.user_id, creator.role) == (lead.user_id, "lead")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"start_date": ["8", "9", "2026"]},
            "start_date",
            "The start date is a Tuesday but sessions are on Mondays",
        ),
        ({"breaks": "10/05/2027"}, "breaks", "is after the course ends"),
        ({"breaks": "9/9/2026"}, "breaks", "cannot be a break"),
        ({"breaks": "next tuesday"}, "breaks", "is not a date: use the form 21/12/2026"),
        ({"slug": "Not A Slug"}, "slug", "Use only lower-case letters, numbers and hyphens"),
        ({"slug": "home"}, "slug", "A cohort called home already exists"),
        ({"start_date": ["31", "2", "2026"]}, "start_date", "Not a valid date value"),
        ({"name": ""}, "name", "Enter a name for the cohort"),
        # Issue 19, item 13: line breaks and over-long names never reach the database.
        (
            {"name": "Belfast\r\nBcc: x@example.org"},
            "name",
            "Cohort name must not contain line breaks",
        ),
        ({"name": "B" * 121}, "name", "Cohort name must be 120 characters or fewer"),
    ],
)
def test_bad_cohort_details_are_shown_next_to_the_field(
    client, login_as, lead, overrides, field, message
):
    login_as(lead.user)
    response = client.post("/cohorts/new", data=new_cohort_form(**overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message.replace("'", "&#39;") in page
    assert f'href="#{field}' in page  # error summary links to the field
    assert db.session.scalar(select(Cohort).where(Cohort.slug == "belfast-2026")) is None


def test_changing_the_start_date_moves_weeks_and_keeps_breaks(
    client, login_as, make_cohort, make_membership
):
    cohort = make_cohort(breaks=[date(2026, 12, 21)])
    lead = make_membership(cohort, role="lead")
    login_as(lead.user)
    response = client.post(
        f"/cohorts/{cohort.slug}/settings",
        data={"start_date": ["14", "9", "2026"], "session_weekday": "0", "breaks": "21/12/2026"},
    )
    assert response.status_code == 302
    page = client.get(f"/cohorts/{cohort.slug}/").get_data(as_text=True)
    assert "Mon 14 Sep 2026" in page
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).start_date == date(2026, 9, 14)
    assert db.session.scalars(select(CohortBreak.week_of)).all() == [date(2026, 12, 21)]


def test_trainees_and_tutors_cannot_manage_the_cohort(
    client, login_as, make_cohort, make_membership
):
    cohort = make_cohort()
    trainee = make_membership(cohort, role="trainee")
    login_as(trainee.user)
    for path in ("members", "groups", "roster", "settings", "roster.csv"):
        assert client.get(f"/cohorts/{cohort.slug}/{path}").status_code == 403, path
    assert client.get("/cohorts/new").status_code == 403
    assert client.get("/cohorts/no-such-cohort/").status_code == 404


def test_another_cohorts_member_cannot_see_this_cohort(
    client, login_as, make_cohort, make_membership
):
    ours, theirs = make_cohort(), make_cohort()
    outsider = make_membership(theirs, role="lead")
    login_as(outsider.user)
    assert client.get(f"/cohorts/{ours.slug}/").status_code == 403
    assert client.get(f"/cohorts/{ours.slug}/members").status_code == 403


def test_a_lead_edits_a_member_and_cannot_reach_another_cohorts_member(
    client, login_as, make_cohort, make_membership
):
    cohort, other = make_cohort(), make_cohort()
    lead = make_membership(cohort, role="lead")
    member = make_membership(cohort, role="trainee", group="Group A")
    stranger = make_membership(other, role="trainee")
    login_as(lead.user)
    response = client.post(
        f"/cohorts/{cohort.slug}/members/{member.id}",
        data={
            "role": "tutor",
            "sector": "charity",
            "organisation": "Age Well",
            "job_title": "Manager",
            "area": "Belfast",
            "tutor_group": str(member.tutor_group_id),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Membership, member.id)
    assert (saved.role, saved.sector, saved.organisation) == ("tutor", "charity", "Age Well")
    assert saved.withdrawn_at is None  # a withdrawal is recorded on its own page
    assert client.get(f"/cohorts/{cohort.slug}/members/{stranger.id}").status_code == 404
    bad = client.post(
        f"/cohorts/{cohort.slug}/members/{member.id}", data={"role": "boss", "sector": "charity"}
    )
    assert bad.status_code == 400
    assert "Not a valid choice" in bad.get_data(as_text=True)


def test_a_tutor_sees_their_own_group_only(client, login_as, make_cohort, make_membership):
    cohort = make_cohort()
    tutor = make_membership(cohort, role="tutor", group="Group A")
    make_membership(cohort, role="trainee", group="Group A", user=None)
    other = make_membership(cohort, role="trainee", group="Group B")
    login_as(tutor.user)
    page = client.get(f"/cohorts/{cohort.slug}/groups/{tutor.tutor_group_id}")
    assert page.status_code == 200
    assert "1 trainees" in page.get_data(as_text=True)
    assert client.get(f"/cohorts/{cohort.slug}/groups/{other.tutor_group_id}").status_code == 403


def test_week_pages_show_content_dates_and_refuse_weeks_outside_the_course(
    client, login_as, make_cohort, make_membership
):
    cohort = make_cohort(breaks=[date(2026, 12, 21), date(2026, 12, 28)])
    login_as(make_membership(cohort).user)
    page = client.get(f"/cohorts/{cohort.slug}/weeks/16").get_data(as_text=True)
    assert "Session: Monday 4 January 2027" in page
    assert "Week 16 of 35" in page
    assert client.get(f"/cohorts/{cohort.slug}/weeks/36").status_code == 404
    assert client.get(f"/cohorts/{cohort.slug}/weeks/0").status_code == 404


def test_dashboards_make_sense_for_each_role(client, login_as, make_cohort, make_membership):
    cohort = make_cohort(name="Derry 2026")
    trainee = make_membership(cohort, role="trainee", group="Group A")
    tutor = make_membership(cohort, role="tutor", group="Group A")
    lead = make_membership(cohort, role="lead")
    login_as(trainee.user)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "You are a trainee in Group A · Week 15" in page
    assert "This week:" in page and "week 15," in page
    assert "See all 35 weeks" in page
    progress = client.get(f"/cohorts/{cohort.slug}/progress").get_data(as_text=True)
    assert progress.count('class="govuk-task-list"') == 35
    # Each task's tag is coloured by its status: past weeks overdue, later ones not open.
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in progress
    assert '<strong class="govuk-tag govuk-tag--grey">Not yet open</strong>' in progress
    client.post("/sign-out", data={})
    login_as(tutor.user)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "You are a tutor in Group A" in page
    assert "1 trainees in your group" in page
    client.post("/sign-out", data={})
    login_as(lead.user)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "You are a lead" in page
    assert "Members and roster" in page


def test_the_demo_is_idempotent_and_realistic(app):
    from lms.core.demo import create_demo

    cohort, logins = create_demo(date(2026, 11, 27))
    db.session.commit()
    create_demo(date(2026, 11, 27))
    db.session.commit()
    members = db.session.scalars(select(Membership).where(Membership.cohort_id == cohort.id)).all()
    roles = sorted(m.role for m in members)
    assert roles.count("trainee") == 18 and roles.count("tutor") == 2 and roles.count("lead") == 1
    assert {m.sector for m in members if m.role == "trainee"} == {
        "statutory",
        "voluntary",
        "charity",
    }
    assert len(cohort.tutor_groups) == 2 and len(cohort.breaks) == 1
    assert {role for role, _ in logins} >= {"admin", "lead", "trainee"}


def test_every_printed_demo_login_signs_in(app, client):
    from lms.core.demo import DEMO_PASSWORD, create_demo

    _, logins = create_demo(date(2026, 11, 27))
    db.session.commit()
    for role, email in logins:
        response = client.post("/sign-in", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, (role, email)
        client.post("/sign-out", data={})


def test_the_group_grid_shows_each_week_and_counts_overdue_weeks_in_every_layer(
    app, client, login_as, make_cohort, make_membership
):
    from lms.plugins import hookimpl

    cohort = make_cohort()
    tutor = make_membership(cohort, role="tutor", group="Group A")
    tara = make_membership(cohort, role="trainee", group="Group A")
    olive = make_membership(cohort, role="trainee", group="Group A")

    class Layer:
        # Tara is overdue in the given weeks, everyone else done.
        def __init__(self, title, tara_overdue):
            self.title, self.tara_overdue = title, tara_overdue

        @hookimpl
        def lms_member_week_statuses(self, cohort, members, weeks):
            def status(m, week):
                return "overdue" if m.id == tara.id and week in self.tara_overdue else "done"

            statuses = {(m.id, w): status(m, w) for m in members for w in weeks}
            return {"title": self.title, "statuses": statuses}

    app.extensions["lms"].register(Layer("Logs", (2, 3)), name="logs")
    app.extensions["lms"].register(Layer("Visits", (2,)), name="visits")
    login_as(tutor.user)
    page = client.get(f"/cohorts/{cohort.slug}/groups/{tutor.tutor_group_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    tables = {}
    for table in html.split('<caption class="govuk-table__caption govuk-table__caption--m">')[1:]:
        title, _, body = table.partition("</caption>")
        rows = re.findall(
            r'<th scope="row"[^>]*>([^<]+)</th>\s*<td[^>]*>(\d+)</td>(.*?)</tr>', body, re.S
        )
        tables[title] = {
            name.strip(): (int(behind), re.findall(r'lms-status--([a-z-]+)">', cells))
            for name, behind, cells in rows
        }
    tara_row, olive_row = tables["Logs"][tara.user.full_name], tables["Logs"][olive.user.full_name]
    assert tara_row[1] == ["done", "overdue", "overdue"] + ["done"] * 12  # weeks 1-15
    assert olive_row[1] == ["done"] * 15
    assert tables["Visits"][tara.user.full_name][1] == ["done", "overdue"] + ["done"] * 13
    # "Behind" counts overdue weeks in every layer (the reflections plugin's too): Tara has
    # three more than Olive, in every table.
    for table in tables.values():
        assert table[tara.user.full_name][0] == table[olive.user.full_name][0] + 3


def test_the_cli_refuses_a_cohort_name_with_a_line_break(app, tmp_path):
    """Issue 19, item 13: the command line is an entry point too."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    lms = Path(sys.executable).with_name("lms")
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "LMS_SECRET_KEY": "k",
    }
    done = subprocess.run(
        [str(lms), "cohort", "create", "--name", "Belfast\nEvil", "--slug", "belfast-2026",
         "--start", "2026-09-07"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "--name: The cohort name must not contain line breaks" in done.stderr
    db.session.rollback()
    assert db.session.scalar(select(Cohort).where(Cohort.slug == "belfast-2026")) is None
