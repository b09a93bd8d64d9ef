"""Looking after people day to day, through the pages an admin or a lead uses: a
person's page (invitation, reset link, deactivation, email change), adding one member,
recording a withdrawal, invitations for every new membership, and Excel rosters."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from lms.core import mail
from lms.core.audit import AuditEvent
from lms.core.models import Membership, User
from lms.core.roster import CONSENT_COLUMN, HEADER
from lms.extensions import db
from tests.conftest import PASSWORD

NEW_PASSWORD = {"password": "a long enough pass", "confirm": "a long enough pass"}


def link_in(message, path: str) -> str:
    return urlsplit(re.search(rf"https?://\S+/{path}/\S+", message.body).group(0)).path


def audited(action: str, subject: User) -> int:
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == action, AuditEvent.subject_user_id == subject.id
        )
    )


def press(browser, person: User, action: str, email: str | None = None):
    """A button on the person's page, carrying the address the page showed."""
    return browser.post(
        f"/people/{person.id}/{action}", data={"email": person.email if email is None else email}
    )


@pytest.fixture
def cohort(make_cohort):
    return make_cohort(slug="spring", name="Spring 2027")


@pytest.fixture
def lead(cohort, make_membership):
    return make_membership(cohort, "lead")


@pytest.fixture
def admin(make_user):
    return make_user(admin=True)


def invite_by_roster(browser, cohort, email: str, given: str = "Nia"):
    row = f"{email},{given},Quinn,trainee,charity,Carers Trust,Worker,Derry,Group A,no"
    return browser.post(
        f"/cohorts/{cohort.slug}/roster",
        data={"roster": (io.BytesIO((",".join(HEADER) + "\r\n" + row).encode()), "r.csv")},
        content_type="multipart/form-data",
    )


# -- the person page ------------------------------------------------------------------


def test_an_admin_sends_an_invitation_again_and_a_reset_link(
    app, client_for, admin, cohort, lead, make_membership, make_user
):
    browser = client_for(lead.user)
    assert invite_by_roster(browser, cohort, "nia@example.org").status_code == 302
    nia = db.session.scalar(select(User).where(User.email == "nia@example.org"))
    mail.outbox().clear()
    staff = client_for(admin)
    page = staff.get(f"/people/{nia.id}")
    assert page.status_code == 200
    assert "has not set a password yet" in page.text and "Send the invitation again" in page.text
    sent = press(staff, nia, "invitation")
    assert sent.status_code == 302
    assert "A new invitation has been sent to nia@example.org" in staff.get(sent.location).text
    (message,) = mail.outbox()
    assert message.to == "nia@example.org" and "join Spring 2027" in message.body
    assert audited("account.invitation_sent", nia) == 1
    # The invitation works; from then on a reset link is what helps her.
    assert (
        app.test_client().post(link_in(message, "invitation"), data=NEW_PASSWORD).status_code == 302
    )
    refused = press(staff, nia, "invitation")
    assert refused.status_code == 400
    assert "has already set a password: send a password reset link instead" in refused.text
    mail.outbox().clear()
    reset = press(staff, nia, "password-reset")
    assert reset.status_code == 302
    (message,) = mail.outbox()
    assert message.to == "nia@example.org"
    assert message.subject == "Reset your Involving People password"
    fresh = app.test_client()
    assert fresh.get(link_in(message, "password-reset")).status_code == 200
    assert audited("account.reset_link_sent", nia) == 1


def test_a_button_from_an_out_of_date_page_changes_nothing(client_for, admin, make_user):
    person = make_user()
    staff = client_for(admin)
    stale = press(staff, person, "deactivate", email="old@example.org")
    assert stale.status_code == 400
    assert "This page was out of date, so nothing was changed" in stale.text
    assert db.session.get(User, person.id).deactivated_at is None
    assert audited("account.deactivated", person) == 0


def test_a_deactivated_person_cannot_sign_in_gets_no_email_and_keeps_their_data(
    app, client_for, cohort, lead, make_membership
):
    trainee = make_membership(cohort, "trainee", organisation="Age Well")
    person = trainee.user
    their_browser = client_for(person)
    assert their_browser.get("/").status_code == 302  # to their dashboard
    browser = client_for(lead.user)
    page = browser.get(f"/people/{person.id}")
    assert page.status_code == 200 and "Deactivate account" in page.text
    done = press(browser, person, "deactivate")
    assert done.status_code == 302
    page = browser.get(done.location)
    assert "account is deactivated: they cannot sign in and get no email" in page.text
    assert "Deactivated" in page.text and "Reactivate account" in page.text
    members = browser.get(f"/cohorts/{cohort.slug}/members")
    assert members.status_code == 200
    assert re.search(
        rf"{re.escape(person.full_name)}</a>\s*<strong[^>]*>\s*Deactivated", members.text
    )
    assert audited("account.deactivated", person) == 1
    # Their open session ends; signing in is refused with a clear reason...
    assert urlsplit(their_browser.get("/dashboard").location).path == "/sign-in"
    refused = app.test_client().post("/sign-in", data={"email": person.email, "password": PASSWORD})
    assert refused.status_code == 403
    assert "Your account has been deactivated, so you cannot sign in" in refused.text
    # ...told only to someone who knows the password.
    wrong = app.test_client().post("/sign-in", data={"email": person.email, "password": "nope"})
    assert wrong.status_code == 401 and "deactivated" not in wrong.text
    # No email: not a reset link they ask for, nor one the lead sends.
    mail.outbox().clear()
    asked = app.test_client().post("/password-reset", data={"email": person.email})
    assert asked.status_code == 200
    assert mail.outbox() == []
    # Their data is kept.
    kept = db.session.get(Membership, trainee.id)
    assert (kept.organisation, kept.withdrawn_at) == ("Age Well", None)
    # Reactivated, they sign in again with the same password.
    assert press(browser, person, "reactivate").status_code == 302
    assert audited("account.reactivated", person) == 1
    again = app.test_client().post("/sign-in", data={"email": person.email, "password": PASSWORD})
    assert again.status_code == 302


def test_an_email_change_waits_for_the_new_address_to_confirm(app, client_for, admin, make_user):
    person = make_user("old@example.org")
    taken = make_user("taken@example.org")
    staff = client_for(admin)
    form = staff.get(f"/people/{person.id}/email")
    assert form.status_code == 200 and "old@example.org" in form.text
    bad = staff.post(f"/people/{person.id}/email", data={"new_email": "not an address"})
    assert bad.status_code == 400 and "govuk-error-summary" in bad.text
    clash = staff.post(f"/people/{person.id}/email", data={"new_email": taken.email})
    assert clash.status_code == 400
    assert "Another account already uses this email address" in clash.text
    mail.outbox().clear()
    sent = staff.post(f"/people/{person.id}/email", data={"new_email": "New@Example.org"})
    assert sent.status_code == 302
    assert "A confirmation link has been sent to new@example.org" in staff.get(sent.location).text
    to_new, to_old = mail.outbox()
    assert (to_new.to, to_old.to) == ("new@example.org", "old@example.org")
    assert "new@example.org" in to_old.body
    assert db.session.get(User, person.id).email == "old@example.org"  # until confirmed
    link = link_in(to_new, "email-change")
    visitor = app.test_client()
    shown = visitor.get(link)
    assert shown.status_code == 200 and "new@example.org" in shown.text
    assert db.session.get(User, person.id).email == "old@example.org"  # a GET changes nothing
    confirmed = visitor.post(link, data={})
    assert confirmed.status_code == 200
    assert "Your email address is now <strong>new@example.org</strong>" in confirmed.text
    assert db.session.get(User, person.id).email == "new@example.org"
    assert audited("email.change_requested", person) == 1
    assert audited("email.changed", person) == 1
    again = visitor.get(link)
    assert again.status_code == 410 and "already been confirmed" in again.text
    signed_in = app.test_client().post(
        "/sign-in", data={"email": "new@example.org", "password": PASSWORD}
    )
    assert signed_in.status_code == 302


def test_a_lead_looks_after_their_cohorts_members_only(
    client_for, cohort, lead, make_cohort, make_membership, admin
):
    trainee = make_membership(cohort, "trainee")
    stranger = make_membership(make_cohort(), "trainee")
    co_lead = make_membership(cohort, "lead")
    admin_member = make_membership(cohort, "trainee", user=admin)
    browser = client_for(lead.user)
    assert browser.get(f"/people/{trainee.user_id}").status_code == 200
    # Someone else's member, another lead, an admin: as if they did not exist.
    for person in (stranger.user, co_lead.user, admin_member.user):
        assert browser.get(f"/people/{person.id}").status_code == 404
        assert press(browser, person, "deactivate").status_code == 404
        assert db.session.get(User, person.id).deactivated_at is None
    tutor = make_membership(cohort, "tutor")
    assert client_for(tutor.user).get(f"/people/{trainee.user_id}").status_code == 403
    member_page = browser.get(f"/cohorts/{cohort.slug}/members/{trainee.id}")
    assert f"/people/{trainee.user_id}" in member_page.text


# -- invitations ----------------------------------------------------------------------


def test_a_person_without_a_password_is_invited_to_each_new_cohort(
    client_for, cohort, lead, make_cohort, make_membership
):
    browser = client_for(lead.user)
    invite_by_roster(browser, cohort, "nia@example.org")
    second = make_cohort(name="Autumn 2027")
    make_membership(second, "lead", user=lead.user)
    mail.outbox().clear()
    added = invite_by_roster(browser, second, "nia@example.org")
    assert added.status_code == 302
    assert "1 added, 0 updated, 0 unchanged; 1 invitations sent" in browser.get(added.location).text
    (message,) = mail.outbox()
    assert message.to == "nia@example.org" and "join Autumn 2027" in message.body


def test_an_expired_or_used_invitation_says_what_to_do(app, client_for, cohort, lead):
    browser = client_for(lead.user)
    invite_by_roster(browser, cohort, "late@example.org")
    (old,) = [m for m in mail.outbox() if m.to == "late@example.org"]
    app.config["INVITATION_MAX_AGE_DAYS"] = -1  # opened after it expired
    expired = app.test_client().get(link_in(old, "invitation"))
    app.config["INVITATION_MAX_AGE_DAYS"] = 14
    assert expired.status_code == 410
    assert "This invitation has expired. Ask your programme lead to send it again" in expired.text
    assert "/password-reset" in expired.text
    late = db.session.scalar(select(User).where(User.email == "late@example.org"))
    assert press(browser, late, "invitation").status_code == 302
    fresh = link_in(mail.outbox()[-1], "invitation")
    visitor = app.test_client()
    assert visitor.post(fresh, data=NEW_PASSWORD).status_code == 302
    used = app.test_client().get(fresh)
    assert used.status_code == 410
    assert "already been used to set a password. Sign in with that password" in used.text


# -- members: add one, record a withdrawal ----------------------------------------------

ADD = {
    "email": "Ola@Example.org",
    "given_name": "Ola",
    "family_name": "Nowak",
    "role": "trainee",
    "sector": "voluntary",
    "organisation": "Housing Rights",
    "job_title": "Adviser",
    "area": "Belfast",
    "tutor_group": "Group C",
    "lived_experience": "y",
}


def test_a_lead_adds_one_member_with_the_imports_rules(client_for, cohort, lead):
    browser = client_for(lead.user)
    assert "Add a member" in browser.get(f"/cohorts/{cohort.slug}/members").text
    assert browser.get(f"/cohorts/{cohort.slug}/members/new").status_code == 200
    bad = browser.post(
        f"/cohorts/{cohort.slug}/members/new",
        data={**ADD, "organisation": "=HYPERLINK(1)", "email": "nobody"},
    )
    assert bad.status_code == 400
    assert "Organisation must not start with =, +, -, @ or a tab" in bad.text
    assert 'id="email-error"' in bad.text and 'id="organisation-error"' in bad.text
    assert db.session.scalar(select(func.count(User.id))) == 1  # only the lead
    mail.outbox().clear()
    added = browser.post(f"/cohorts/{cohort.slug}/members/new", data=ADD)
    assert added.status_code == 302
    assert "Added Ola Nowak and sent an invitation" in browser.get(added.location).text
    ola = db.session.scalar(
        select(Membership).join(Membership.user).where(User.email == "ola@example.org")
    )
    assert (ola.role, ola.sector, ola.tutor_group.name, ola.lived_experience) == (
        "trainee",
        "voluntary",
        "Group C",
        True,
    )
    assert [m.to for m in mail.outbox()] == ["ola@example.org"]
    assert audited("member.added", ola.user) == 1
    twice = browser.post(f"/cohorts/{cohort.slug}/members/new", data=ADD)
    assert twice.status_code == 400
    assert "ola@example.org is already a member of this cohort" in twice.text


def test_a_withdrawal_has_a_date_and_a_reason_and_closes_the_cohort_to_them(
    app, client_for, cohort, lead, make_membership
):
    trainee = make_membership(cohort, "trainee")
    theirs = client_for(trainee.user)
    assert theirs.get(f"/cohorts/{cohort.slug}/").status_code == 200
    browser = client_for(lead.user)
    page = f"/cohorts/{cohort.slug}/members/{trainee.id}/withdrawal"
    assert browser.get(page).status_code == 200
    future = browser.post(page, data={"withdrawn_on": ["1", "1", "2099"], "reason": "workload"})
    assert future.status_code == 400
    assert "The date they left must be today or in the past" in future.text
    odd = browser.post(page, data={"withdrawn_on": ["1", "10", "2026"], "reason": "bored"})
    assert odd.status_code == 400
    assert db.session.get(Membership, trainee.id).withdrawn_at is None
    done = browser.post(page, data={"withdrawn_on": ["1", "10", "2026"], "reason": "job_change"})
    assert done.status_code == 302
    members = browser.get(done.location).text
    assert "left on 1 October 2026 (changed job or left their organisation)" in members
    saved = db.session.get(Membership, trainee.id)
    assert (saved.withdrawn_at, saved.withdrawal_reason) == (datetime(2026, 10, 1), "job_change")
    assert audited("member.withdrawn", trainee.user) == 1
    refused = theirs.get(f"/cohorts/{cohort.slug}/")
    assert refused.status_code == 403 and f"You have left {cohort.name}" in refused.text
    # A mistake can be undone.
    back = browser.post(f"/cohorts/{cohort.slug}/members/{trainee.id}/reinstate", data={})
    assert back.status_code == 302
    assert db.session.get(Membership, trainee.id).withdrawn_at is None
    assert audited("member.reinstated", trainee.user) == 1
    assert theirs.get(f"/cohorts/{cohort.slug}/").status_code == 200


# -- Excel rosters ------------------------------------------------------------------------

ROWS = [
    ["aoife@example.org", "Aoife", "Byrne", "trainee", "voluntary", "Carers", "Worker", "", "A"],
    ["bob@example.org", "Bob", "Clarke", "trainee", "statutory", "Trust", "Nurse", "", "A"],
    ["cat@example.org", "Cat", "Doyle", "trainee", "charity", "Mind", "Adviser", "", "B"],
    ["dan@example.org", "Dan", "Evans", "trainee", "other", "Council", "Officer", "", "B"],
    ["eve@example.org", "Eve", "Ford", "tutor", "statutory", "Trust", "Tutor", "", "A"],
    ["fay@example.org", "Fay", "Gray", "trainee", "voluntary", "Carers", "Worker", "", "A"],
]


def workbook(rows, *, sheet_before: bool = False) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(HEADER))
    for row in rows:
        sheet.append([*row, row[0].startswith("a")])
    if sheet_before:
        book.create_sheet("Notes").append(["ignored"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload_xlsx(browser, cohort, data: bytes):
    return browser.post(
        f"/cohorts/{cohort.slug}/roster",
        data={"roster": (io.BytesIO(data), "Spring roster.xlsx")},
        content_type="multipart/form-data",
    )


def test_an_excel_roster_with_one_bad_row_imports_nothing_and_names_the_row(
    client_for, cohort, lead
):
    browser = client_for(lead.user)
    bad = [*ROWS[:5], [*ROWS[5][:4], "private", *ROWS[5][5:]]]  # row 7 (after the header)
    refused = upload_xlsx(browser, cohort, workbook(bad))
    assert refused.status_code == 400
    assert "Nothing was imported: 1 problem(s) in the file" in refused.text
    cells = re.findall(r'<td class="govuk-table__cell">([^<]*)</td>', refused.text)
    assert cells[:2] == ["7", "sector"] and "&#39;private&#39; is not one of" in cells[2]
    assert ">Row</th>" in refused.text
    assert db.session.scalar(select(func.count(User.id))) == 1  # the lead alone
    assert db.session.scalar(select(func.count(Membership.id))) == 1
    mail.outbox().clear()
    imported = upload_xlsx(browser, cohort, workbook(ROWS, sheet_before=True))
    assert imported.status_code == 302
    assert (
        "6 added, 0 updated, 0 unchanged; 6 invitations sent" in browser.get(imported.location).text
    )
    aoife = db.session.scalar(
        select(Membership).join(Membership.user).where(User.email == "aoife@example.org")
    )
    assert (aoife.sector, aoife.tutor_group.name, aoife.lived_experience) == (
        "voluntary",
        "A",
        True,
    )
    assert len(mail.outbox()) == 6


def test_the_cli_imports_excel_and_names_file_row_and_column(app, cohort, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(workbook([*ROWS[:5], [*ROWS[5][:4], "private", *ROWS[5][5:]]]))
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "LMS_SECRET_KEY": "k",
        "LMS_BASE_URL": "https://lms.example.org",
    }
    lms = str(Path(sys.executable).with_name("lms"))
    db.session.commit()
    result = subprocess.run(
        [lms, "roster", "import", cohort.slug, str(path)], capture_output=True, text=True, env=env
    )
    assert result.returncode == 1
    assert f"{path}:row 7, column sector: 'private' is not one of" in result.stderr
    assert db.session.scalar(select(func.count(User.id))) == 0
    path.write_bytes(workbook(ROWS))
    result = subprocess.run(
        [lms, "roster", "import", cohort.slug, str(path)], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    assert "6 added, 0 updated, 0 unchanged; 6 invitations sent." in result.stdout


def test_templates_download_in_both_formats_and_import_once_filled(client_for, cohort, lead):
    browser = client_for(lead.user)
    roster_page = browser.get(f"/cohorts/{cohort.slug}/roster").text
    assert "roster-template.xlsx" in roster_page and "roster-template.csv" in roster_page
    as_csv = browser.get(f"/cohorts/{cohort.slug}/roster-template.csv")
    assert as_csv.status_code == 200 and as_csv.mimetype == "text/csv"
    assert as_csv.text.lstrip("\ufeff").strip() == ",".join((*HEADER, CONSENT_COLUMN))
    as_xlsx = browser.get(f"/cohorts/{cohort.slug}/roster-template.xlsx")
    assert as_xlsx.status_code == 200
    book = load_workbook(io.BytesIO(as_xlsx.data))
    sheet = book.worksheets[0]
    assert [cell.value for cell in sheet[1]] == [*HEADER, CONSENT_COLUMN]
    sheet.append([*ROWS[0], "yes"])
    filled = io.BytesIO()
    book.save(filled)
    imported = upload_xlsx(browser, cohort, filled.getvalue())
    assert imported.status_code == 302
    assert "1 added" in browser.get(imported.location).text


def test_a_file_that_is_not_a_workbook_gets_a_clear_message(client_for, cohort, lead):
    browser = client_for(lead.user)
    refused = upload_xlsx(browser, cohort, b"PK\x03\x04 not really a zip")
    assert refused.status_code == 400
    assert "is not an Excel workbook (.xlsx) that can be read" in refused.text
    wrong_type = browser.post(
        f"/cohorts/{cohort.slug}/roster",
        data={"roster": (io.BytesIO(b"x"), "roster.ods")},
        content_type="multipart/form-data",
    )
    assert wrong_type.status_code == 400
    assert "must be an Excel workbook (.xlsx) or a CSV file" in wrong_type.text


# -- the programme's title ----------------------------------------------------------------


def test_people_read_the_programmes_title_not_its_slug(
    client_for, cohort, lead, make_membership, admin
):
    trainee = make_membership(cohort, "trainee")
    pages = {
        trainee.user: ["/dashboard", "/cohorts/", f"/cohorts/{cohort.slug}/"],
        lead.user: ["/dashboard", "/cohorts/", f"/cohorts/{cohort.slug}/members"],
    }
    for person, paths in pages.items():
        browser = client_for(person)
        for path in paths:
            page = browser.get(path)
            assert page.status_code == 200, path
            assert "involving-people" not in page.text, path
    assert "Involving People" in client_for(trainee.user).get(f"/cohorts/{cohort.slug}/").text


def test_the_withdrawal_and_deactivation_are_in_the_persons_data_and_erased_with_it(
    app, client_for, cohort, lead, make_membership, admin
):
    trainee = make_membership(cohort, "trainee")
    theirs = client_for(trainee.user)
    browser = client_for(lead.user)
    browser.post(
        f"/cohorts/{cohort.slug}/members/{trainee.id}/withdrawal",
        data={"withdrawn_on": ["2", "10", "2026"], "reason": "health_personal"},
    )
    download = theirs.post("/account/personal-data.zip", data={})
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        data = json.loads(archive.read("personal-data.json"))
    (membership,) = data["core"]["memberships"]
    assert membership["withdrawal_reason"] == "health_personal"
    assert membership["withdrawn_at"].startswith("2026-10-02")
    erased = client_for(admin).post(f"/admin/users/{trainee.user_id}", data={"confirm": "ERASE"})
    assert erased.status_code == 302
    kept = db.session.get(Membership, trainee.id)
    assert kept.withdrawn_at is not None and kept.withdrawal_reason is None


def test_consent_reminders_skip_deactivated_members(client_for, cohort, lead, make_membership):
    waiting = make_membership(cohort, "trainee")
    gone = make_membership(cohort, "trainee")
    browser = client_for(lead.user)
    press(browser, gone.user, "deactivate")
    mail.outbox().clear()
    sent = browser.post(f"/cohorts/{cohort.slug}/consent/remind", data={})
    assert sent.status_code == 302
    # Reminders are notifications, emailed by the next `lms notifications send`.
    result = browser.application.test_cli_runner().invoke(args=["notifications", "send"])
    assert result.exit_code == 0, result.output
    assert [m.to for m in mail.outbox()] == [waiting.user.email]
