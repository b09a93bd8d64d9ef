"""Consent to the evaluation in Chromium: the trainee is asked on their dashboard, answers
each use (with and without JavaScript), changes their mind and withdraws; the lead sees
the counts and who has not answered. Every page reached passes the accessibility audit,
on a desktop and at a phone's width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.core.models import ConsentAnswer
from lms.extensions import db

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]
PHONE = {"width": 390, "height": 844}


def answers() -> dict[str, bool]:
    db.session.commit()  # see the app's writes
    return {a.purpose: a.given for a in db.session.scalars(select(ConsentAnswer))}


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_trainee_answers_changes_and_withdraws(
    course, open_page, sign_in, audit, javascript, viewport
):
    page = open_page(javascript=javascript, viewport=viewport)
    sign_in(page, course.trainee)
    banner = page.get_by_role("region", name="Important")
    expect(banner).to_contain_text("Will you help evaluate the programme?")
    banner.get_by_role("link", name="Answer three questions about the evaluation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Taking part in the evaluation of Involving People"
    )
    # Nothing chosen for them: "No" is one tap, like "Yes".
    for radio in page.get_by_role("radio").all():
        expect(radio).not_to_be_checked()
    audit(page, "consent, not answered")

    interview = page.get_by_role("group", name="Contact me about an interview")
    page.get_by_role("group", name=re.compile("^Use my survey answers")).get_by_label(
        "Yes, I agree"
    ).check()
    page.get_by_role("button", name="Save your answers").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(interview).to_contain_text("Select yes or no: Contact me about an interview")
    audit(page, "consent, one question unanswered", status=400)
    assert answers() == {}

    page.get_by_role("group", name=re.compile("^Use short quotes")).get_by_label("No").check()
    interview.get_by_label("No").check()
    page.get_by_role("button", name="Save your answers").click()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    expect(page.get_by_text("You have agreed to 1 of 3 uses.")).to_be_visible()
    audit(page, "consent, answered")
    assert answers() == {"survey-analysis": True, "quotes": False, "interview": False}

    page.get_by_role("button", name="Withdraw from the evaluation").click()
    expect(page.get_by_text("You have withdrawn your consent.")).to_be_visible()
    expect(page.get_by_text("You have not agreed to any use of your data.")).to_be_visible()
    audit(page, "consent, withdrawn")
    assert answers() == {"survey-analysis": False, "quotes": False, "interview": False}

    page.goto("/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Aisha")
    expect(page.get_by_text("Will you help evaluate the programme?")).to_have_count(0)


def test_the_lead_sees_who_has_not_answered(course, open_page, sign_in, audit):
    page = open_page(viewport=PHONE)
    sign_in(page, course.lead)
    page.goto(f"/cohorts/{course.cohort.slug}/consent/overview")
    expect(page.get_by_role("heading", level=1)).to_have_text("Consent to the evaluation")
    expect(
        page.get_by_text("No member has consented to the use of their survey answers")
    ).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Aisha Rahman")).to_be_visible()
    audit(page, "consent overview")
    page.get_by_role("button", name="Email a reminder to these 1 trainees").click()
    expect(page.get_by_text("Reminders sent to 1 members.")).to_be_visible()
    audit(page, "consent overview, reminded")
