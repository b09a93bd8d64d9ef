"""The dashboard's to-do lists, as each person sees them over HTTP."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.plugins.reflections.conftest import editor

TODAY = date(2026, 10, 1)  # Thursday of week 4; weeks 1-3 are past their due dates


@pytest.fixture
def app_config(app_config):
    return {**app_config, "TODAY": TODAY}


@pytest.fixture
def cohort(make_cohort):
    return make_cohort(slug="spring", name="Spring 2026", start=date(2026, 9, 7))


@pytest.fixture
def trainee(cohort, make_membership, make_user):
    user = make_user(given_name="Tara", family_name="Trainee")
    return make_membership(cohort, "trainee", user=user, group="Group A")


@pytest.fixture
def tutor(cohort, make_membership, make_user):
    user = make_user(given_name="Theo", family_name="Tutor")
    return make_membership(cohort, "tutor", user=user, group="Group A")


def submit(browser, cohort, week: int) -> None:
    from lms.plugins.reflections.services import prompts_for

    fields = {f"answer_{p.id}": "My answer." for p in prompts_for(cohort, week)}
    posted = browser.post(
        editor(cohort, week), data={**fields, "based_on": "0", "submit_entry": "Submit"}
    )
    assert posted.status_code == 302


def todo(page: str) -> list[tuple[str, str]]:
    """(title, status) of each item of the to-do list, in order."""
    block = page.split("Your to-do list", 1)[1].split("</ul>", 1)[0]
    return re.findall(
        r'class="govuk-task-list__name-and-hint">\s*(?:<a [^>]*>)?([^<]+?)(?:</a>)?\s*<div.*?'
        r'<strong class="govuk-tag[^"]*">([^<]+)</strong>',
        block,
        re.S,
    )


def test_a_trainee_sees_overdue_weeks_news_and_the_next_session_in_date_order(
    client_for, cohort, trainee, tutor
):
    browser = client_for(trainee.user)
    submit(browser, cohort, 1)
    entry = f"/cohorts/{cohort.slug}/reflections/review/"
    from lms.plugins.reflections.services import entry_of

    client_for(tutor.user).post(entry + str(entry_of(trainee, 1).id), data={"body": "Good"})

    page = browser.get("/dashboard")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    items = todo(text)
    assert items[:2] == [
        ("Write your week 2 reflection", "Overdue"),
        ("Write your week 3 reflection", "Overdue"),
    ]
    assert ("Your tutor left feedback on your week 1 reflection", "New") in items
    assert ("Write your week 4 reflection", "Due") in items
    assert items[-1][1] == "Next" and items[-1][0].startswith("Week 5 session")
    assert ("Write your week 1 reflection", "Done") not in items  # done: not to do
    assert "Was due Sunday 20 September." in text
    # The news links through its notification to the feedback itself.
    link = re.search(r'href="(/notifications/\d+)"', text)[1]
    assert browser.get(link).headers["Location"].endswith("/reflections/weeks/1#feedback")
    assert ("Your tutor left feedback on your week 1 reflection", "New") not in todo(
        browser.get("/dashboard").get_data(as_text=True)
    )


def test_a_tutor_sees_what_awaits_them(client_for, cohort, trainee, tutor):
    trainee_browser = client_for(trainee.user)
    for week in (1, 2):
        submit(trainee_browser, cohort, week)
    from lms.plugins.reflections.services import entry_of

    tutor_browser = client_for(tutor.user)
    url = f"/cohorts/{cohort.slug}/reflections/review/{entry_of(trainee, 1).id}"
    tutor_browser.post(url, data={"body": "What would you change?"})
    tutor_browser.post(url + "/reviewed", data={})
    trainee_browser.post(editor(cohort, 1) + "/reply", data={"body": "I would ask first."})

    page = tutor_browser.get("/dashboard")
    items = todo(page.get_data(as_text=True))
    assert page.status_code == 200
    titles = [title for title, _ in items]
    assert "Review Tara Trainee&#39;s week 2 reflection" in titles
    assert "Review Tara Trainee&#39;s week 1 reflection" not in titles  # reviewed
    assert "Answer Tara Trainee&#39;s reply on their week 1 reflection" in titles
    assert "Tara Trainee replied to your feedback on their week 1 reflection" in titles
    assert titles[-1].startswith("Week 5 session")


def test_a_lead_sees_what_needs_a_decision(client_for, cohort, trainee, make_membership):
    lead = make_membership(cohort, "lead")
    page = client_for(lead.user).get("/dashboard")
    assert page.status_code == 200
    assert ("1 trainee has not answered the consent questions", "To do") in todo(
        page.get_data(as_text=True)
    )
