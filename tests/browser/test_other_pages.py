"""The pages around the journeys, in their other states: every dashboard section (each
role; before, during, in a break and after the course; no cohort at all), a tutor's
group, account pages and their errors, static pages and error pages."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from lms.core import mail
from tests.browser.conftest import COURSE_WEEK
from tests.browser.support import error_link
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

NEW_PASSWORD = "harbour violet engine"


def test_dashboard_in_every_state(
    course, make_cohort, make_membership, make_user, open_page, audit, sign_in
):
    trainee = course.trainee
    before = make_cohort(name="Starts in January", start=date(2027, 1, 11))
    on_break = make_cohort(name="On a break", start=date(2026, 9, 7), breaks=(date(2026, 11, 16),))
    finished = make_cohort(name="Finished in May", start=date(2025, 9, 1))
    for cohort in (before, on_break, finished):
        make_membership(cohort, "trainee", user=trainee)
    make_membership(before, "tutor", user=course.tutor)  # a tutor without a group
    page = open_page()

    sign_in(page, trainee)
    sections = page.get_by_role("region")
    expect(sections.filter(has_text="Belfast 2026")).to_contain_text(f"Week {COURSE_WEEK}")
    expect(sections.filter(has_text="Starts in January")).to_contain_text(
        "The programme starts on Monday 11 January 2027"
    )
    expect(sections.filter(has_text="On a break")).to_contain_text("There is no session this week")
    expect(sections.filter(has_text="Finished in May")).to_contain_text(
        "You have finished the programme"
    )
    audit(page, "trainee in four cohorts")

    page.get_by_role("link", name="Cohorts", exact=True).click()
    expect(page.get_by_role("table", name="Your cohorts").get_by_role("row")).to_have_count(5)
    audit(page, "trainee's cohorts")
    page.get_by_role("link", name="Belfast 2026").click()
    expect(page.get_by_text("This week")).to_be_visible()
    audit(page, "trainee's schedule")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, course.tutor)
    expect(page.get_by_text("You have not been given a tutor group yet.")).to_be_visible()
    audit(page, "tutor dashboard")
    page.get_by_role("link", name="See your group's progress week by week").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Group A")
    expect(page.get_by_text(f"Weeks taught so far: {COURSE_WEEK}.")).to_be_visible()
    audit(page, "tutor's group")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, make_user("new@example.org", given_name="Nadia"))
    expect(page.get_by_text("You are not in a cohort yet.")).to_be_visible()
    audit(page, "dashboard with no cohort")
    page.get_by_role("link", name="Cohorts", exact=True).click()
    expect(page.get_by_text("You are not in any cohort yet.")).to_be_visible()
    audit(page, "no cohorts")


def test_password_pages_and_their_errors(course, open_page, audit, sign_in):
    page = open_page()
    page.goto("/sign-in")
    page.get_by_role("link", name="Forgotten your password?").click()
    audit(page, "reset request")
    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("button", name="Send reset link").click()
    expect(error_link(page, "Enter an email address in the correct format")).to_be_visible()
    audit(page, "reset request with errors", status=400)
    page.get_by_label("Email address").fill(course.trainee.email)
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    audit(page, "reset sent")

    link = re.search(r"https?://\S+/password-reset/\S+", mail.outbox()[-1].body).group(0)
    page.goto(link)
    audit(page, "choose a new password")
    page.get_by_role("button", name="Set password").click()
    expect(error_link(page, "Enter a new password")).to_be_visible()
    audit(page, "choose a new password with errors", status=400)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_text("Your password has been changed.")).to_be_visible()
    audit(page, "dashboard after a reset")

    page.goto(link.rsplit(".", 1)[0] + ".tampered")
    expect(page.get_by_text("This link is not valid")).to_be_visible()
    audit(page, "invalid link", status=400)

    page.goto("/account/password")
    audit(page, "change password")
    page.get_by_label("Current password").fill(PASSWORD)  # the old one
    page.get_by_label("New password", exact=True).fill("a better password")
    page.get_by_label("Confirm new password").fill("a better password")
    page.get_by_role("button", name="Change password").click()
    expect(error_link(page, "Your current password is not right")).to_be_visible()
    audit(page, "change password with errors", status=400)


def test_static_and_error_pages(course, open_page, audit, sign_in):
    page = open_page()
    for signed_in in (False, True):
        if signed_in:
            sign_in(page, course.trainee)
        page.goto("/accessibility")
        audit(page, "accessibility statement")
        page.get_by_role("link", name="Privacy notice").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
        audit(page, "privacy notice")
    page.goto("/no-such-page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    audit(page, "not found", status=404)
    page.goto("/cohorts/belfast-2026/members")  # a trainee is not a lead
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    audit(page, "forbidden", status=403)
    page.goto(f"/cohorts/belfast-2026/weeks/{COURSE_WEEK}")
    audit(page, "week page")
    page.get_by_role("link", name="Schedule", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Belfast 2026")
    audit(page, "schedule")


def test_demo_cohort_pages_with_data(demo, open_page, audit, sign_in):
    """The busiest pages with a full cohort and every enabled plugin's demo data."""
    slug = demo.cohort.slug
    page = open_page()
    sign_in(page, demo.logins["trainee"], demo.password)
    audit(page, "demo trainee dashboard")
    page.get_by_role("link", name=f"week {COURSE_WEEK}, ").click()
    audit(page, "demo week page")
    page.goto(f"/cohorts/{slug}/progress")
    audit(page, "demo progress")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, demo.logins["tutor (Group A)"], demo.password)
    audit(page, "demo tutor dashboard")
    page.get_by_role("link", name="See your group's progress week by week").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Group A")
    audit(page, "demo tutor group")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, demo.logins["lead"], demo.password)
    audit(page, "demo lead dashboard")
    for path, state in (
        ("", "demo schedule"),
        ("members", "demo members"),
        ("groups", "demo tutor groups"),
    ):
        page.goto(f"/cohorts/{slug}/{path}")
        audit(page, state)


def test_small_screen_navigation(course, open_page, sign_in, javascript):
    """On a phone the header menu folds behind a Menu button (with JavaScript) and every
    link still works; without JavaScript the links are simply listed."""
    page = open_page(javascript=javascript, viewport={"width": 320, "height": 640})
    sign_in(page, course.trainee)
    navigation = page.get_by_role("navigation", name="Main menu")
    if javascript:
        menu = page.get_by_role("button", name="Menu")
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(navigation.get_by_role("link", name="Cohorts")).to_be_hidden()
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
    navigation.get_by_role("link", name="Cohorts", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cohorts")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
