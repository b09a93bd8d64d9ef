"""Consent to the evaluation, given and withdrawn through the doors people use: the roster
import (paper forms), the trainee's consent page, and the lead's overview; the survey
results then count exactly the members who consent at the time they are made."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from lms.core import mail
from lms.core.audit import AuditEvent
from lms.core.curriculum_loader import check_curriculum
from lms.core.models import ConsentAnswer, Membership, User
from lms.core.notification_models import Notification
from lms.core.roster import HEADER
from lms.extensions import db
from tests.plugins.surveys.conftest import LIKERT

LMS = Path(sys.executable).with_name("lms")
PURPOSES = ("survey-analysis", "quotes", "interview")


def roster(rows: list[tuple[str, str]]) -> bytes:
    """A roster with the consent column: (given name, evaluation_consent) per trainee."""
    lines = [",".join((*HEADER, "evaluation_consent"))]
    for index, (name, answer) in enumerate(rows):
        sector = ("statutory", "voluntary", "charity")[index % 3]
        lines.append(
            f"{name.lower()}@example.org,{name},Tester,trainee,{sector},Org {index},Worker,"
            f"Belfast,Group A,no,{answer}"
        )
    return ("\r\n".join(lines) + "\r\n").encode()


def upload(client, cohort, data: bytes):
    return client.post(
        f"/cohorts/{cohort.slug}/roster",
        data={"roster": (io.BytesIO(data), "roster.csv")},
        content_type="multipart/form-data",
    )


def accept_invitation(app, email: str):
    """Sign in as a person does the first time: the link in their invitation email."""
    message = next(m for m in reversed(mail.outbox()) if m.to == email)
    path = urlsplit(re.search(r"https?://\S+/invitation/\S+", message.body).group(0)).path
    browser = app.test_client()
    new_password = {"password": "a long enough pass", "confirm": "a long enough pass"}
    done = browser.post(path, data=new_password)
    assert done.status_code == 302
    return browser


def cli(app, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "LMS_SECRET_KEY": "k",
        "LMS_TODAY": app.config.get("TODAY") or "",
    }
    return subprocess.run(  # noqa: S603 - our own console script
        [str(LMS), *args], capture_output=True, text=True, env=env, timeout=120
    )


def paired_n(app, cohort) -> tuple[int | None, str]:
    """`lms surveys results` for the scale: its n (None when suppressed) and stderr."""
    result = cli(app, "surveys", "results", cohort.slug, "confidence")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    scale = next(r for r in rows if r["item_id"] == "scale" and r["group"] == "all")
    if scale["suppressed"] == "true":
        return None, scale["suppressed_because"]
    return int(scale["n_paired"]), result.stderr


@pytest.fixture
def lead_client(client, login_as, make_cohort, make_membership):
    cohort = make_cohort()
    login_as(make_membership(cohort, role="lead").user)
    client.cohort = cohort
    return client


def test_consent_from_paper_then_the_page_decides_who_the_results_count(app, lead_client, tmp_path):
    cohort = lead_client.cohort
    names = ["Ann", "Bea", "Cal", "Dee", "Eve", "Fin", "Gus"]
    answers = ["yes", "Yes", "y", "yes", "yes", "yes", ""]  # Gus: not collected on paper
    imported = upload(lead_client, cohort, roster(list(zip(names, answers, strict=True))))
    assert imported.status_code == 302
    page = lead_client.get(imported.headers["Location"]).get_data(as_text=True)
    assert "Consent recorded from paper forms for 6." in page

    survey = tmp_path / "confidence.csv"
    lines = [",".join(["email", "wave", *LIKERT])]
    for name in names:
        lines.append(",".join([f"{name.lower()}@example.org", "pre", *["2"] * len(LIKERT)]))
        lines.append(",".join([f"{name.lower()}@example.org", "post", *["4"] * len(LIKERT)]))
    survey.write_text("\n".join(lines) + "\n")
    stored = cli(app, "surveys", "import", cohort.slug, "confidence", str(survey))
    assert stored.returncode == 0, stored.stderr

    assert paired_n(app, cohort)[0] == 6  # Gus has not consented

    gus = accept_invitation(app, "gus@example.org")
    dashboard = gus.get("/dashboard").get_data(as_text=True)
    assert "Will you help evaluate the programme?" in dashboard
    form = gus.get(f"/cohorts/{cohort.slug}/consent")
    assert form.status_code == 200
    # Nothing is ticked for someone who has not answered: declining is as easy as agreeing.
    assert "checked" not in form.get_data(as_text=True)
    saved = gus.post(
        f"/cohorts/{cohort.slug}/consent",
        data={
            "purpose_survey_analysis": "yes",
            "purpose_quotes": "no",
            "purpose_interview": "no",
        },
    )
    assert saved.status_code == 302
    assert "Will you help evaluate" not in gus.get("/dashboard").get_data(as_text=True)
    assert paired_n(app, cohort)[0] == 7

    ann = accept_invitation(app, "ann@example.org")
    withdrawn = ann.post(f"/cohorts/{cohort.slug}/consent/withdraw", data={})
    assert withdrawn.status_code == 302
    page = ann.get(withdrawn.headers["Location"]).get_data(as_text=True)
    assert "You have withdrawn your consent" in page
    assert paired_n(app, cohort)[0] == 6  # the next results leave Ann out

    stored = {
        (a.membership.user.given_name, a.purpose): (a.given, a.source)
        for a in db.session.scalars(select(ConsentAnswer))
    }
    assert stored[("Gus", "survey-analysis")] == (True, "page")
    assert stored[("Gus", "quotes")] == (False, "page")
    assert stored[("Ann", "survey-analysis")] == (False, "page")
    assert stored[("Bea", "interview")] == (True, "roster")
    assert len(stored) == 7 * 3


def test_withdrawing_twice_says_there_is_nothing_to_withdraw(app, lead_client):
    cohort = lead_client.cohort
    upload(lead_client, cohort, roster([("Ann", "yes")]))
    ann = accept_invitation(app, "ann@example.org")
    assert ann.post(f"/cohorts/{cohort.slug}/consent/withdraw", data={}).status_code == 302
    again = ann.post(f"/cohorts/{cohort.slug}/consent/withdraw", data={}, follow_redirects=True)
    assert again.status_code == 200
    assert "nothing to withdraw" in again.get_data(as_text=True)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "consent.changed")
    ).all()
    # Three from paper (by the lead), three withdrawn (by Ann), nothing for the second try.
    by_actor = sorted((e.actor.given_name, e.details.count('"no"')) for e in events)
    assert by_actor.count(("Ann", 1)) == 3
    assert len(events) == 6


def test_an_unanswered_question_is_named_next_to_it_and_nothing_is_stored(app, lead_client):
    cohort = lead_client.cohort
    upload(lead_client, cohort, roster([("Ann", "")]))
    ann = accept_invitation(app, "ann@example.org")
    response = ann.post(
        f"/cohorts/{cohort.slug}/consent",
        data={"purpose_survey_analysis": "yes", "purpose_quotes": "maybe"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "govuk-error-summary" in page
    assert "Select yes or no: Contact me about an interview" in page
    assert db.session.scalars(select(ConsentAnswer)).all() == []


def test_a_member_who_has_left_cannot_consent(app, lead_client):
    cohort = lead_client.cohort
    upload(lead_client, cohort, roster([("Ann", "")]))
    ann = accept_invitation(app, "ann@example.org")
    membership = db.session.scalar(
        select(Membership).join(Membership.user).where(User.email == "ann@example.org")
    )
    member_page = f"/cohorts/{cohort.slug}/members/{membership.id}"
    edit = lead_client.get(member_page)
    assert edit.status_code == 200
    left = lead_client.post(
        f"{member_page}/withdrawal",
        data={
            "withdrawn_on": ["1", "9", "2026"],
            "reason": "",
        },
    )
    assert left.status_code == 302, left.get_data(as_text=True)
    response = ann.get(f"/cohorts/{cohort.slug}/consent")
    assert response.status_code == 403
    assert f"You have left {cohort.name}" in response.get_data(as_text=True)
    posted = ann.post(
        f"/cohorts/{cohort.slug}/consent",
        data={"purpose_survey_analysis": "yes", "purpose_quotes": "yes", "purpose_interview": "no"},
    )
    assert posted.status_code == 403
    assert db.session.scalars(select(ConsentAnswer)).all() == []


def test_a_bad_consent_value_names_the_line_and_imports_nothing(app, lead_client):
    cohort = lead_client.cohort
    response = upload(lead_client, cohort, roster([("Ann", "yes"), ("Bea", "perhaps")]))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was imported: 1 problem(s)" in page
    assert "&#39;perhaps&#39; is not yes, no or blank" in page
    assert db.session.scalar(select(User).where(User.email == "ann@example.org")) is None


def test_the_cli_import_names_file_line_and_field_of_a_bad_consent_value(
    app, make_cohort, tmp_path
):
    cohort = make_cohort()
    path = tmp_path / "paper.csv"
    path.write_bytes(roster([("Ann", "yes"), ("Bea", "2")]))
    result = cli(app, "roster", "import", cohort.slug, str(path))
    assert result.returncode == 1
    assert f"{path}:line 3: evaluation_consent: '2' is not yes, no or blank" in result.stderr
    db.session.rollback()
    assert db.session.scalars(select(ConsentAnswer)).all() == []


def test_a_reimport_updates_consent_and_blank_keeps_the_answer(app, lead_client):
    cohort = lead_client.cohort
    upload(lead_client, cohort, roster([("Ann", "yes"), ("Bea", "no")]))
    upload(lead_client, cohort, roster([("Ann", "no"), ("Bea", "")]))
    given = {
        (a.membership.user.given_name, a.purpose): a.given
        for a in db.session.scalars(select(ConsentAnswer))
    }
    assert all(given[("Ann", p)] is False for p in PURPOSES)
    assert all(given[("Bea", p)] is False for p in PURPOSES)  # blank: unchanged


def test_the_lead_sees_suppressed_counts_and_names_who_has_not_answered(app, lead_client):
    cohort = lead_client.cohort
    people = [(f"P{i:02d}", "yes") for i in range(7)] + [("Quin", "no"), ("Rory", "")]
    upload(lead_client, cohort, roster(people))
    mail.outbox().clear()
    page = lead_client.get(f"/cohorts/{cohort.slug}/consent/overview")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "9 trainees are asked" in text
    # 7 agreed and 1 declined: one small count hides both (they add up to the answered).
    assert re.search(
        r"Use my survey answers.*?</th>\s*<td[^>]*>not shown</td>\s*"
        r"<td[^>]*>not shown</td>\s*<td[^>]*>1</td>",
        text,
        re.S,
    )
    assert "Rory Tester" in text and "Quin Tester" not in text

    reminded = lead_client.post(f"/cohorts/{cohort.slug}/consent/remind", data={})
    assert reminded.status_code == 302
    assert mail.outbox() == []  # never sent from inside the request
    sent = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert sent.exit_code == 0, sent.output
    assert [m.to for m in mail.outbox()] == ["rory@example.org"]
    assert "asks for your consent to the evaluation" in mail.outbox()[0].subject
    assert "See it: http://localhost/notifications/" in mail.outbox()[0].body
    (note,) = db.session.scalars(select(Notification)).all()
    assert note.link == f"/cohorts/{cohort.slug}/consent"  # where opening it leads


def test_results_say_too_few_have_consented_instead_of_a_bare_suppressed(app, lead_client):
    cohort = lead_client.cohort
    upload(lead_client, cohort, roster([("Ann", "yes"), ("Bea", "yes"), ("Cal", "no")]))
    page = lead_client.get(f"/cohorts/{cohort.slug}/surveys/results")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert (
        "Fewer than 5 members have consented to the use of their survey answers; "
        "figures need at least 5." in text
    )
    download = lead_client.get(f"/cohorts/{cohort.slug}/surveys/results.csv")
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows and all(r["suppressed"] == "true" for r in rows)
    assert all("members have consented" in r["suppressed_because"] for r in rows)


def test_the_personal_data_download_holds_consent_and_erasure_removes_it(app, lead_client):
    import json
    import zipfile

    cohort = lead_client.cohort
    upload(lead_client, cohort, roster([("Ann", "yes")]))
    ann = accept_invitation(app, "ann@example.org")
    download = ann.post("/account/personal-data.zip", data={})
    assert download.status_code == 200
    data = json.loads(zipfile.ZipFile(io.BytesIO(download.data)).read("personal-data.json"))
    answers = data["core"]["memberships"][0]["consent"]
    assert {p: a["answer"] for p, a in answers.items()} == dict.fromkeys(PURPOSES, "yes")
    assert answers["quotes"]["recorded"] == "from a paper form, through the roster"


def test_the_account_page_links_to_the_consent_page(app, lead_client):
    cohort = lead_client.cohort
    upload(lead_client, cohort, roster([("Ann", "yes")]))
    ann = accept_invitation(app, "ann@example.org")
    page = ann.get("/account/").get_data(as_text=True)
    assert f'href="/cohorts/{cohort.slug}/consent"' in page
    assert "change or withdraw it" in page
    consent_page = ann.get(f"/cohorts/{cohort.slug}/consent").get_data(as_text=True)
    assert "You have agreed to 3 of 3 uses." in consent_page
    assert "applies to every report, table and download made after it" in consent_page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda text: text.replace("  - id: quotes", "  - id: quote"), "'quotes' is missing"),
        (
            lambda text: text.replace("  - id: interview", "  - id: quotes"),
            "'quotes' is listed more than once",
        ),
        (lambda text: text.replace("version:", "versoin:"), "versoin: unknown field"),
    ],
)
def test_curriculum_check_names_problems_in_the_participant_information(tmp_path, change, message):
    import shutil

    from lms import SHIPPED_CURRICULUM

    copy = tmp_path / "involving-people"
    shutil.copytree(SHIPPED_CURRICULUM / "involving-people", copy)
    consent_file = copy / "consent.md"
    consent_file.write_text(change(consent_file.read_text()))
    errors = [str(error) for error in check_curriculum(copy)]
    assert any(message in error and "consent.md:" in error for error in errors), errors
