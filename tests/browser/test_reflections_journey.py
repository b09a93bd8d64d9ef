"""Reflections: a trainee writes this week's reflection (saved in the background with
JavaScript, by "Save draft" without), fixes a submission with missing answers, submits
and sees every version; a tutor reviews it and the trainee reads the feedback. The
editor by keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lms.extensions import db
from tests.browser.conftest import COURSE_WEEK
from tests.browser.support import error_link, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

WEEK_TITLE = "Choosing and scoping your change initiative"
# Week 10's prompts: Gibbs' reflective cycle.
PROMPTS = {
    "what_happened": "What happened?",
    "feelings": "What were you thinking and feeling?",
    "evaluation": "What was good and bad about the experience?",
    "analysis": "What sense can you make of it?",
    "conclusion": "What else could you have done?",
    "action_plan": "What will you do next time?",
}
FIRST = "We mapped who decides about the day centre's timetable: no service users do."


def editor_url(course) -> str:
    return f"/cohorts/{course.cohort.slug}/reflections/weeks/{COURSE_WEEK}"


def answer(page, prompt: str):
    return page.get_by_role("textbox", name=prompt, exact=True)


def test_trainee_writes_saves_and_submits_a_reflection(
    course, needs_plugin, open_page, audit, sign_in, javascript
):
    needs_plugin("reflections")
    page = open_page(javascript=javascript)
    sign_in(page, course.trainee)

    page.get_by_role("link", name="Reflections", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your reflections")
    audit(page, "reflections, none written")
    page.get_by_role("link", name=f"Week {COURSE_WEEK}: {WEEK_TITLE}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Your week {COURSE_WEEK} reflection")
    expect(page.get_by_text("Not saved yet")).to_be_visible()
    audit(page, "editor, empty")

    if javascript:
        # The script saves a draft once typing pauses, and says so in a live region.
        status = page.locator("#autosave-status")
        expect(status).to_have_text("Your draft saves automatically as you type.")
        with page.expect_response(re.compile(r"/autosave$")) as saved:
            answer(page, PROMPTS["what_happened"]).fill(FIRST)
        assert saved.value.status == 200
        assert saved.value.json()["version"] == 1
        expect(status).to_have_text(re.compile(r"^Draft saved at \d\d:\d\d$"))
        page.reload()
    else:
        answer(page, PROMPTS["what_happened"]).fill(FIRST)
        page.get_by_role("button", name="Save draft").click()
        expect(
            page.get_by_text(re.compile(r"Draft saved at \d\d:\d\d \(version 1\)"))
        ).to_be_visible()
    expect(answer(page, PROMPTS["what_happened"])).to_have_value(FIRST)
    expect(page.get_by_text("Version 1, ")).to_be_visible()
    audit(page, "editor, draft saved")

    page.get_by_role("button", name="Submit reflection").click()
    expect(page).to_have_title(re.compile("^Error: "))
    for prompt in list(PROMPTS.values())[1:]:
        expect(error_link(page, f"Answer ‘{prompt}’ before you submit")).to_be_visible()
    expect(answer(page, PROMPTS["what_happened"])).to_have_value(FIRST)
    audit(page, "editor, missing answers", status=400)

    error_link(page, f"Answer ‘{PROMPTS['feelings']}’ before you submit").click()
    expect(answer(page, PROMPTS["feelings"])).to_be_focused()
    for key, prompt in list(PROMPTS.items())[1:]:
        answer(page, prompt).fill(f"My answer about {key.replace('_', ' ')}.")
    page.get_by_role("button", name="Submit reflection").click()
    expect(page.get_by_text(f"Week {COURSE_WEEK} reflection submitted.")).to_be_visible()
    expect(page.get_by_role("button", name="Submit revised reflection")).to_be_visible()
    audit(page, "editor, submitted")

    page.get_by_role("link", name="See all versions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("All versions")
    versions = page.locator("details summary")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text("Version 2 (submitted)")
    expect(versions.last).to_contain_text("Version 1 (draft)")
    expect(page.get_by_role("heading", level=2, name=PROMPTS["feelings"]).first).to_be_visible()
    audit(page, "history")

    page.get_by_role("link", name="Reflections", exact=True).click()
    row = page.locator(".govuk-task-list__item", has_text=f"Week {COURSE_WEEK}: ")
    expect(row).to_contain_text("Submitted")
    audit(page, "reflections, one submitted")


def submitted_entry(course, text: str = FIRST):
    """The trainee's week reflection, submitted and shared (as the journey above leaves it)."""
    from lms.plugins.reflections import services

    db.session.commit()  # a fresh transaction (SQLite WAL: see sign_in)
    answers = {key: f"{text} ({key})" for key in PROMPTS}
    services.save(course.trainee_membership, COURSE_WEEK, answers, 0, submit=True)
    db.session.commit()


def test_tutor_reviews_a_reflection_and_the_trainee_reads_the_feedback(
    course, needs_plugin, open_page, audit, sign_in
):
    needs_plugin("reflections")
    page = open_page(javascript=False)  # forms only: the editor's script is tested above
    sign_in(page, course.tutor)

    page.get_by_role("link", name="Review queue").click()
    expect(page.get_by_text("Nothing to review.")).to_be_visible()
    audit(page, "review queue, empty")

    submitted_entry(course)
    page.reload()
    queue = page.get_by_role("table", name="1 reflection to review, oldest first")
    expect(queue).to_contain_text(f"Week {COURSE_WEEK}: {WEEK_TITLE}")
    audit(page, "review queue, one entry")

    queue.get_by_role("link", name="Aisha Rahman").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aisha Rahman’s reflection")
    expect(page.get_by_text(f"{FIRST} (feelings)")).to_be_visible()
    expect(page.get_by_text("No feedback yet.")).to_be_visible()
    audit(page, "shared entry")

    page.get_by_role("button", name="Send feedback").click()
    expect(error_link(page, "Enter a message")).to_be_visible()
    audit(page, "shared entry, empty feedback", status=400)
    feedback = "Good start. Who could you ask about the timetable next week?"
    page.get_by_label("Your feedback").fill(feedback)
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("Your feedback is sent.")).to_be_visible()
    expect(page.locator("#main-content ol")).to_contain_text(feedback)
    audit(page, "shared entry with feedback")

    page.get_by_role("button", name="Mark as reviewed").click()
    expect(page).to_have_url(re.compile(r"/reflections/review$"))
    expect(
        page.get_by_text(f"Aisha Rahman's week {COURSE_WEEK} reflection is marked")
    ).to_be_visible()
    expect(page.get_by_text("Nothing to review.")).to_be_visible()
    audit(page, "review queue after review")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, course.trainee)
    page.goto(editor_url(course))
    expect(page.locator(".govuk-summary-list")).to_contain_text("Reviewed")
    thread = page.locator("#main-content ol")
    expect(thread).to_contain_text("Tutor (Tom Tutor)")
    expect(thread).to_contain_text(feedback)
    expect(page.get_by_label("Reply to your tutor")).to_be_visible()
    audit(page, "trainee reads the feedback")


def test_reflection_editor_by_keyboard_alone(course, needs_plugin, open_page, sign_in):
    """Tab to the answers, type, Tab to "Save draft", press Enter: saved, no pointer."""
    needs_plugin("reflections")
    page = open_page(javascript=True)
    sign_in(page, course.trainee)
    page.goto(editor_url(course))
    keys = page.keyboard

    tab_to(page, answer(page, PROMPTS["what_happened"]))
    keys.type("Typed with the keyboard.")
    tab_to(page, answer(page, PROMPTS["feelings"]))
    keys.type("Calm.")
    tab_to(page, page.get_by_role("button", name="Save draft"))
    keys.press("Enter")
    expect(page.get_by_text(re.compile(r"Draft saved at \d\d:\d\d \(version \d\)"))).to_be_visible()
    expect(answer(page, PROMPTS["what_happened"])).to_have_value("Typed with the keyboard.")
    expect(answer(page, PROMPTS["feelings"])).to_have_value("Calm.")
