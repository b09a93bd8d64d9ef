"""The sessions plugin's pages on the demo, full of data: session times (a long table),
a week's override, the cohort's attendance grid, completion with its exceptions and
certificates, the exception and revocation forms with their errors, and the public
verification page, valid and revoked. Each is audited (axe at 1280 and 320 px, no
sideways scrolling, valid HTML) with no skipped heading levels."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lms.core.demo import PAST_SLUG
from tests.browser.test_plugin_pages import visit

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


def test_sessions_pages_with_data(demo, open_page, audit, sign_in, needs_plugin):
    needs_plugin("sessions")
    cohort = f"/cohorts/{demo.cohort.slug}"
    page = open_page()

    sign_in(page, demo.logins["lead"], demo.password)
    visit(page, audit, f"{cohort}/sessions", "session times", "Session times and places")
    page.get_by_role("link", name="Change week 7").click()
    expect(page.get_by_label("Start time")).to_have_value("14:00")
    page.get_by_label("End time").fill("1pm")
    page.get_by_role("button", name="Save week 7").click()
    expect(page.get_by_role("alert")).to_contain_text("The session must end after it starts")
    audit(page, "a week's session with an error", status=400)
    visit(page, audit, f"{cohort}/attendance", "the cohort's attendance", "Attendance")
    visit(page, audit, f"{cohort}/completion", "completion", "Completion")
    page.get_by_role("link", name=re.compile("^Record an exception for ")).first.click()
    page.get_by_role("button", name="Record the exception").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the reason")
    audit(page, "an exception without a reason", status=400)

    # Last year's cohort: finished, with exceptions and certificates.
    visit(page, audit, f"/cohorts/{PAST_SLUG}/completion", "completion, finished", "Completion")
    expect(page.get_by_text("Completed by exception").first).to_be_visible()
    code_link = page.get_by_role("link", name=re.compile("^verify ")).first.get_attribute("href")
    page.get_by_role("link", name=re.compile("^revoke .*'s certificate$")).first.click()
    audit(page, "revoke a certificate")
    page.get_by_role("button", name="Revoke the certificate").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the reason")
    audit(page, "revoke without a reason", status=400)
    page.get_by_label("Why is it revoked?").fill("Issued by mistake")
    page.get_by_role("button", name="Revoke the certificate").click()
    expect(page.get_by_text("certificate is revoked")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    visit(page, audit, code_link, "a revoked certificate's page", "Check a certificate")
    expect(page.get_by_text("This certificate has been revoked.")).to_be_visible()

    sign_in(page, demo.logins["tutor (Group A)"], demo.password)
    visit(page, audit, f"{cohort}/attendance", "the tutor's group's attendance", "Attendance")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, demo.logins["trainee"], demo.password)
    visit(page, audit, f"{cohort}/attendance", "a trainee's own attendance", "Your attendance")
