"""Surveys: a trainee answers the start-of-programme survey, saves part of it, is told
which answers are missing, submits, and finds it locked. With and without JavaScript."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.support import error_link

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

# Started on the Monday of the week before TODAY (18 November 2026): course week 2, in
# the start-of-programme wave (weeks 1 to 3).
EARLY_START = date(2026, 11, 9)
LIKERT_ITEMS = 11  # questions 1-11 (5-point), then 12 (0 to 10) and two optional texts


@pytest.fixture
def early_trainee(make_cohort, make_membership, make_user):
    cohort = make_cohort(slug="newry-2026", name="Newry 2026", start=EARLY_START)
    trainee = make_user("orla@example.org", given_name="Orla", family_name="Byrne")
    make_membership(cohort, "trainee", user=trainee, group="Group A")
    return trainee


def question(page, number: int):
    return page.get_by_role("group", name=re.compile(rf"^{number}\. "))


def test_trainee_answers_the_start_survey(
    early_trainee, needs_plugin, open_page, audit, sign_in, javascript
):
    needs_plugin("surveys")
    page = open_page(javascript=javascript)
    sign_in(page, early_trainee)

    page.get_by_role("link", name="Surveys", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Surveys")
    start = page.locator(".govuk-task-list__item", has_text="Start of the programme")
    expect(start).to_contain_text("To do")
    audit(page, "surveys to do")

    start.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confidence in co-production")
    audit(page, "survey, empty")

    question(page, 1).get_by_label("Slightly confident").check()
    question(page, 2).get_by_label("Moderately confident").check()
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    expect(question(page, 1).get_by_label("Slightly confident")).to_be_checked()
    audit(page, "survey, partly answered")

    page.get_by_role("button", name="Submit your answers").click()
    expect(page).to_have_title(re.compile("^Error: "))
    for number in range(3, LIKERT_ITEMS + 2):
        expect(error_link(page, f"Select an answer to question {number}")).to_be_visible()
    expect(question(page, 2).get_by_label("Moderately confident")).to_be_checked()
    audit(page, "survey, missing answers", status=400)

    for number in range(3, LIKERT_ITEMS + 1):
        question(page, number).get_by_label("Very confident").check()
    question(page, LIKERT_ITEMS + 1).get_by_label("6", exact=True).check()
    page.get_by_role("textbox", name=re.compile("What helps you most")).fill(
        "Meeting other trainees."
    )
    page.get_by_role("button", name="Submit your answers").click()
    expect(page.get_by_text("Thank you: your answers are submitted.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your answers: start of the programme"
    )
    expect(page.get_by_text("They cannot be changed.")).to_be_visible()
    answers = page.locator(".govuk-summary-list")
    expect(answers).to_contain_text("Slightly confident")
    expect(answers).to_contain_text("Meeting other trainees.")
    expect(answers).to_contain_text("Not answered")  # the optional question 14
    audit(page, "survey submitted")

    page.goto("/cohorts/newry-2026/surveys/pre")  # locked: straight to the answers
    expect(page).to_have_url(re.compile(r"/surveys/responses/\d+$"))
    page.get_by_role("link", name="Back to your surveys").click()
    expect(start).to_contain_text("Done")
    audit(page, "surveys done")


@pytest.fixture
def answered_cohort(make_cohort, make_membership):
    """Six trainees who answered the start and end surveys (stored directly), and a lead."""
    from tests.plugins.surveys.conftest import add_response

    cohort = make_cohort(slug="derry-2026", name="Derry 2026")
    items = ["explain_coproduction", "lead_change", "sustain_change"]
    for before, after in [(1, 3), (2, 4), (2, 4), (3, 4), (3, 5), (4, 5)]:
        member = make_membership(cohort, evaluation_consent=True)
        for wave, value in (("pre", before), ("post", after)):
            add_response(member, wave, dict.fromkeys(items, value))
    return make_membership(cohort, role="lead").user


def test_lead_sees_how_answers_moved(answered_cohort, needs_plugin, open_page, audit, sign_in):
    needs_plugin("surveys")
    page = open_page()
    sign_in(page, answered_cohort)
    page.get_by_role("link", name="Survey results", exact=True).click()
    expect(page.get_by_role("heading", level=2, name="How answers moved")).to_be_visible()
    wording = "How confident are you to lead a change in your organisation?"
    # The chart is one image, named by its question followed by its summary.
    chart = page.get_by_role("img", name=wording)
    expect(chart).to_be_visible()
    # Six people: each answer was chosen by fewer than 5, so no side is summed or printed.
    expect(chart).to_have_accessible_name(
        f"{wording} Start of the programme: some answers are from too few people to show. "
        "End of the programme: some answers are from too few people to show. "
        "6 people answered both."
    )
    table = page.get_by_role("region", name=f"Answers by wave: {wording}")
    expect(table.get_by_role("row", name=re.compile("^End of the programme"))).to_contain_text(
        "fewer than 5"
    )
    expect(table).not_to_contain_text("(50%)")
    # Items nobody answered in both waves are not drawn.
    expect(page.get_by_text("Fewer than 5 people answered both waves").first).to_be_visible()
    assert page.get_by_role("img").count() == 3
    audit(page, "survey results with charts")
