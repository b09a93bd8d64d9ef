"""A programme lead sets up a cohort: schedule with a break, roster import, members,
tutor groups, roster export - through each form's error states. With and without
JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lms.core import mail
from lms.core.roster import HEADER
from tests.browser.support import error_link
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

ROSTER = (
    ",".join(HEADER) + "\r\n"
    "grace@example.org,Grace,Doherty,trainee,voluntary,Carers Network,Carer support worker,"
    "Belfast,Group A,yes\r\n"
    "ben@example.org,Ben,O'Neill,trainee,statutory,Northern Health and Social Care Trust,"
    "Occupational therapist,Antrim,Group B,no\r\n"
    "una@example.org,Una,Walsh,tutor,statutory,Involving People,Tutor,,Group A,no\r\n"
)
BAD_ROSTER = (
    ROSTER.replace("grace@example.org", "grace at example.org")
    .replace("trainee,statutory", "boss,statutory")
    .replace("Group A,no", "Group A,maybe")
)


def csv_file(text: str, name: str = "roster.csv") -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode()}


def fill_cohort_form(page, *, name, slug, day, month, year, weekday="Monday", breaks=""):
    page.get_by_label("Cohort name").fill(name)
    page.get_by_label("Short name for web addresses").fill(slug)
    date = page.get_by_role("group", name="Date of the first session")
    date.get_by_label("Day").fill(day)
    date.get_by_label("Month").fill(month)
    date.get_by_label("Year").fill(year)
    page.get_by_label("Day of the weekly session").select_option(weekday)
    page.get_by_label("Break weeks").fill(breaks)


def test_lead_creates_a_cohort_and_imports_its_roster(course, open_page, audit, javascript):
    page = open_page(javascript=javascript)

    page.goto("/sign-in")
    audit(page, "sign-in")
    page.get_by_role("button", name="Sign in").click()
    expect(error_link(page, "Enter your email address")).to_be_visible()
    audit(page, "sign-in empty", status=400)
    page.get_by_label("Email address").fill(course.lead.email)
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(error_link(page, "The email address or password is not right")).to_be_visible()
    audit(page, "sign-in wrong password", status=401)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Lena")
    audit(page, "lead dashboard")

    page.get_by_role("link", name="Cohorts", exact=True).click()
    audit(page, "cohorts")
    page.get_by_role("button", name="Create a cohort").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a cohort")
    audit(page, "new cohort")

    page.get_by_label("Break weeks").fill("after Christmas")
    page.get_by_role("button", name="Create cohort").click()
    summary = page.locator(".govuk-error-summary")
    for message in ("Enter a name for the cohort", "Enter a short name", "is not a date"):
        expect(summary).to_contain_text(message)
    audit(page, "new cohort, empty", status=400)

    fill_cohort_form(page, name="Derry 2027", slug="belfast-2026", day="12", month="1", year="2027")
    page.get_by_role("button", name="Create cohort").click()
    expect(summary).to_contain_text("A cohort called belfast-2026 already exists")
    expect(summary).to_contain_text("The start date is a Tuesday but sessions are on Mondays")
    audit(page, "new cohort, wrong slug and day", status=400)

    fill_cohort_form(
        page,
        name="Derry 2027",
        slug="derry-2027",
        day="11",
        month="1",
        year="2027",
        breaks="15/02/2027",
    )
    page.get_by_role("button", name="Create cohort").click()
    expect(page).to_have_url(re.compile(r"/cohorts/derry-2027/$"))
    expect(page.get_by_text("Cohort Derry 2027 created. Next, import its roster.")).to_be_visible()
    schedule = page.get_by_role("table", name="Schedule")
    rows = schedule.get_by_role("row")  # a header, then weeks 1-5, the break, week 6...
    expect(rows.nth(5)).to_contain_text("Mon 8 Feb 2027")
    expect(rows.nth(6)).to_contain_text("Week of 15 February 2027")
    expect(rows.nth(6)).to_contain_text("Break")
    expect(rows.nth(7)).to_contain_text("Mon 22 Feb 2027")
    audit(page, "new cohort's schedule")

    page.get_by_role("link", name="Import roster").click()
    audit(page, "roster")
    roster_file = page.get_by_label("Roster file (Excel .xlsx or CSV)")
    page.get_by_role("button", name="Import roster").click()
    expect(error_link(page, "Choose an Excel (.xlsx) or CSV file")).to_be_visible()
    audit(page, "roster, no file", status=400)
    roster_file.set_input_files(csv_file(ROSTER, "roster.ods"))
    page.get_by_role("button", name="Import roster").click()
    expect(
        error_link(page, "The file must be an Excel workbook (.xlsx) or a CSV file")
    ).to_be_visible()
    audit(page, "roster, not CSV", status=400)
    roster_file.set_input_files(csv_file(BAD_ROSTER))
    page.get_by_role("button", name="Import roster").click()
    problems = page.get_by_role("table", name="Problems in the file (nothing was imported)")
    expect(problems.get_by_role("row")).to_have_count(4)  # header and 3 problems
    expect(problems).to_contain_text("'boss' is not one of trainee, tutor, lead")
    expect(problems).to_contain_text("'maybe' is not yes or no")
    audit(page, "roster, bad rows", status=400)
    assert mail.outbox() == []

    roster_file.set_input_files(csv_file(ROSTER))
    page.get_by_role("button", name="Import roster").click()
    expect(page).to_have_url(re.compile(r"/cohorts/derry-2027/members$"))
    expect(page.get_by_text("Roster imported: 3 added, 0 updated, 0 unchanged")).to_be_visible()
    members = page.get_by_role("table", name="Active members")
    for name in ("Lena Lead", "Grace Doherty", "Ben O'Neill", "Una Walsh"):
        expect(members).to_contain_text(name)
    audit(page, "members")
    assert sorted(message.to for message in mail.outbox()) == [
        "ben@example.org",
        "grace@example.org",
        "una@example.org",
    ]

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the roster (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "derry-2027-roster.csv"
    exported = download.path().read_text(encoding="utf-8-sig")
    assert exported.splitlines()[0] == ",".join(HEADER)
    assert "grace@example.org,Grace,Doherty,trainee,voluntary" in exported

    page.get_by_role("link", name="Grace Doherty").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grace Doherty")
    audit(page, "member")
    page.get_by_label("Organisation").fill("x" * 201)
    page.get_by_role("button", name="Save member").click()
    expect(error_link(page, "Organisation must be 200 characters or fewer")).to_be_visible()
    audit(page, "member with errors", status=400)
    page.get_by_label("Organisation").fill("Carers Network Derry")
    page.get_by_role("button", name="Save member").click()
    expect(page.get_by_text("Saved Grace Doherty.")).to_be_visible()
    expect(members).to_contain_text("Carers Network Derry")
    audit(page, "members after an edit")

    # Grace's account: her invitation again, from her person page.
    page.get_by_role("link", name="Grace Doherty").click()
    page.get_by_role("link", name="Account: invitation, password, email").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grace Doherty")
    audit(page, "person")
    mail.outbox().clear()
    page.get_by_role("button", name="Send the invitation again").click()
    expect(page.get_by_text("A new invitation has been sent to grace@example.org.")).to_be_visible()
    assert [message.to for message in mail.outbox()] == ["grace@example.org"]
    page.get_by_role("link", name="Change", exact=False).click()
    page.get_by_role("button", name="Send confirmation link").click()
    expect(error_link(page, "Enter the new email address")).to_be_visible()
    audit(page, "email change with errors", status=400)

    # One more member, then Ben leaves.
    page.goto("/cohorts/derry-2027/members/new")
    page.get_by_role("button", name="Add member").click()
    expect(error_link(page, "Enter their email address")).to_be_visible()
    audit(page, "add a member with errors", status=400)
    page.get_by_label("Email address").fill("ola@example.org")
    page.get_by_label("Given name").fill("Ola")
    page.get_by_label("Family name").fill("Nowak")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_text("Added Ola Nowak and sent an invitation.")).to_be_visible()
    expect(members).to_contain_text("Ola Nowak")
    page.get_by_role("link", name="Ben O'Neill").click()
    page.get_by_role("link", name="Record that Ben O'Neill has left the programme").click()
    audit(page, "withdrawal")
    page.get_by_label("Workload or time pressures").check()
    page.get_by_role("button", name="Record withdrawal").click()
    expect(page.get_by_text("Recorded that Ben O'Neill left the programme.")).to_be_visible()
    expect(members).not_to_contain_text("Ben O'Neill")
    expect(page.get_by_text("(workload or time pressures)")).to_be_visible()

    page.get_by_role("link", name="Tutor groups").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tutor groups")
    audit(page, "tutor groups")
    page.get_by_role("button", name="Add group").click()
    expect(error_link(page, "Enter a name for the group")).to_be_visible()
    audit(page, "tutor groups with errors", status=400)
    page.get_by_label("Name of the new tutor group").fill("Group C")
    page.get_by_role("button", name="Add group").click()
    expect(page.get_by_text("Added Group C.")).to_be_visible()
    audit(page, "tutor groups after adding one")
    page.get_by_role("link", name="Group A").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Group A")
    audit(page, "tutor group before the start")

    page.goto("/cohorts/derry-2027/")
    page.get_by_role("link", name="Schedule settings").click()
    expect(page.get_by_label("Break weeks")).to_have_value("15/02/2027")
    audit(page, "schedule settings")
    page.get_by_label("Break weeks").fill("15/02/2027\n30/02/2027")
    page.get_by_role("button", name="Save schedule").click()
    expect(error_link(page, "'30/02/2027' is not a date")).to_be_visible()
    audit(page, "schedule settings with errors", status=400)
    page.get_by_label("Break weeks").fill("15/02/2027\n22/02/2027")
    page.get_by_role("button", name="Save schedule").click()
    expect(page.get_by_text("Schedule saved.")).to_be_visible()
    expect(rows.nth(7)).to_contain_text("Week of 22 February 2027")
    expect(rows.nth(8)).to_contain_text("Mon 1 Mar 2027")
    audit(page, "schedule with two breaks")
