"""A trainee's first visit: invitation email, password, dashboard, this week, 35 weeks.

Run with JavaScript on and off, and once more with the keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lms.core import mail
from lms.core.accounts import send_invitation
from lms.extensions import db
from tests.browser.conftest import COURSE_WEEK
from tests.browser.support import focused_text, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

NEW_PASSWORD = "kettle lantern meadow"
WEEK_TITLE = "Choosing and scoping your change initiative"


def invitation_link(user, cohort) -> str:
    """Invite the user as a roster import does; the link from the email they get."""
    user.password_hash = None
    db.session.commit()
    send_invitation(user, cohort.name)
    message = mail.outbox()[-1]
    assert message.to == user.email
    return re.search(r"https?://\S+/invitation/\S+", message.body).group(0)


def test_trainee_accepts_invitation_and_follows_the_course(course, open_page, audit, javascript):
    link = invitation_link(course.trainee, course.cohort)
    page = open_page(javascript=javascript)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Aisha")
    audit(page, "invitation")

    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Confirm new password").fill("different")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile("^Error: "))
    audit(page, "invitation with errors", status=400)

    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_text("Your password is set. Welcome.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Aisha")
    audit(page, "dashboard")

    page.get_by_role("link", name=f"week {COURSE_WEEK}, {WEEK_TITLE}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(WEEK_TITLE)
    expect(page.get_by_text(f"Week {COURSE_WEEK} of 35")).to_be_visible()
    expect(page.get_by_text("Session: Monday 16 November 2026")).to_be_visible()
    audit(page, "this week")

    page.get_by_role("link", name="Dashboard", exact=True).click()
    page.get_by_role("link", name="See all 35 weeks and what you have done").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your 35 weeks")
    weeks = page.get_by_role("heading", level=2, name=re.compile(r"^Week \d+: "))
    expect(weeks).to_have_count(35)
    expect(weeks.nth(COURSE_WEEK - 1)).to_contain_text("This week")
    audit(page, "35 weeks")

    page.get_by_role("link", name=f"Week {COURSE_WEEK + 1}: ").click()
    expect(page.get_by_text(f"Week {COURSE_WEEK + 1} of 35")).to_be_visible()
    audit(page, "next week")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    audit(page, "signed out")

    page.goto(link)  # an invitation works once
    expect(page.get_by_text("This invitation has already been used")).to_be_visible()
    audit(page, "used invitation", status=410)

    page.goto("/cohorts/belfast-2026/progress")  # signed out: asked to sign in first
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))
    expect(page.get_by_text("Sign in to see this page.")).to_be_visible()
    audit(page, "asked to sign in")
    page.get_by_label("Email address").fill(course.trainee.email)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your 35 weeks")
    audit(page, "35 weeks, after signing in again")


def test_trainee_journey_by_keyboard_alone(course, open_page):
    """Every step with Tab, Shift+Tab, Enter and Space: no clicks, no pointer."""
    link = invitation_link(course.trainee, course.cohort)
    page = open_page(javascript=True)
    keys = page.keyboard
    page.goto(link)  # following the link in the email

    # The skip link comes first and moves focus to the main content.
    keys.press("Tab")
    assert focused_text(page) == "Skip to main content"
    keys.press("Enter")
    expect(page).to_have_url(re.compile("#main-content$"))
    password = page.get_by_label("New password", exact=True)
    confirm = page.get_by_label("Confirm new password")
    tab_to(page, password)
    keys.type(NEW_PASSWORD)
    tab_to(page, confirm)
    keys.type("not the same password")
    tab_to(page, page.get_by_role("button", name="Set password"))
    keys.press("Enter")

    # The error summary takes focus; its link takes us to the field to fix.
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    tab_to(page, page.get_by_role("link", name="The passwords do not match"))
    keys.press("Enter")
    expect(confirm).to_be_focused()
    keys.type(NEW_PASSWORD)
    tab_to(page, password, backwards=True)
    keys.type(NEW_PASSWORD)
    tab_to(page, page.get_by_role("button", name="Set password"))
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Aisha")

    tab_to(page, page.get_by_role("link", name=f"week {COURSE_WEEK}, {WEEK_TITLE}"))
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(WEEK_TITLE)

    # Back to the dashboard through the header navigation, then to the 35 weeks.
    tab_to(page, page.get_by_role("link", name="Dashboard", exact=True))
    keys.press("Enter")
    tab_to(page, page.get_by_role("link", name="See all 35 weeks and what you have done"))
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your 35 weeks")
    next_week = page.get_by_role("link", name=f"Week {COURSE_WEEK + 1}: ")
    tab_to(page, next_week)
    tab_to(page, page.get_by_role("link", name=f"Week {COURSE_WEEK}: "), backwards=True)
    keys.press("Enter")
    expect(page.get_by_text(f"Week {COURSE_WEEK} of 35")).to_be_visible()

    # Sign out (a button: Space presses it) and back in with the keyboard.
    tab_to(page, page.get_by_role("button", name="Sign out"))
    keys.press("Space")
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    tab_to(page, page.get_by_label("Email address"))
    keys.type(course.trainee.email)
    tab_to(page, page.get_by_label("Password", exact=True))
    keys.type(NEW_PASSWORD)
    tab_to(page, page.get_by_label("Keep me signed in on this device"))
    keys.press("Space")
    expect(page.get_by_label("Keep me signed in on this device")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Sign in"))
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Aisha")
