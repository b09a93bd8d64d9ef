"""The demo trainee's week, as notifications and a to-do list: the header's count, the
notifications page, opening one, and the dashboard naming her overdue weeks."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_aisha_sees_what_is_hers_to_do_and_what_is_new(demo, open_page, audit, sign_in, viewport):
    page = open_page(viewport=viewport)
    sign_in(page, demo.logins["trainee"], demo.password)
    todo = page.get_by_role("list", name="Your to-do list")
    expect(todo.get_by_role("listitem").first).to_contain_text("Write your week 7 reflection")
    expect(todo.get_by_role("listitem").first).to_contain_text("Overdue")
    expect(todo).to_contain_text("Write your week 8 reflection")
    expect(todo).to_contain_text("Your tutor left feedback on your week 9 reflection")
    audit(page, "to-do list")

    if viewport:
        page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name=re.compile(r"^Notifications 1 unread")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_text("1 unread.")).to_be_visible()
    audit(page, "notifications")

    page.get_by_role("link", name="Your tutor left feedback on your week 9 reflection").click()
    expect(page).to_have_url(re.compile(r"/reflections/weeks/9#feedback$"))
    page.goto("/notifications")
    expect(page.get_by_text("You have read them all.")).to_be_visible()
    expect(page.locator(".lms-count")).to_have_count(0)  # no unread count in the header

    page.get_by_role("link", name="Choose which notifications are emailed to you").click()
    page.get_by_role("group", name="Your tutor left feedback on your reflection").get_by_label(
        "In a weekly digest"
    ).check()
    page.get_by_role("button", name="Save your choices").click()
    expect(page.get_by_text("Your email choices are saved.")).to_be_visible()
    expect(
        page.get_by_role("group", name="Your tutor left feedback on your reflection").get_by_label(
            "In a weekly digest"
        )
    ).to_be_checked()
    audit(page, "notification preferences")
