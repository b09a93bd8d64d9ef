"""Initiatives: a trainee records a change initiative (through its error state), records
a baseline and a progress update (status, Arnstein's ladder, SCIE jigsaw), and sees the
timeline, the journey chart and the chart's data table. With and without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import error_link, wait_for_image

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

TITLE = "Service users on the day centre's planning group"


def fill_date(page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def record_update(page, *, rag: str, reason: str, rung: str, scores: dict[str, str]) -> None:
    page.get_by_role("group", name="How is the initiative going?").get_by_label(rag).check()
    page.get_by_label("Why did you choose this status?").fill(reason)
    page.get_by_role("radio", name=rung).check()
    for piece, score in scores.items():
        page.get_by_role("group", name=re.compile(rf"^{piece}: ")).get_by_role(
            "radio", name=score
        ).check()
    page.get_by_role("button", name="Save update").click()


def test_trainee_records_an_initiative_and_its_progress(
    course, needs_plugin, open_page, audit, sign_in, javascript
):
    needs_plugin("initiatives")
    page = open_page(javascript=javascript)
    sign_in(page, course.trainee)

    page.get_by_role("link", name="My initiative").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your change initiative")
    audit(page, "no initiative yet")
    page.get_by_role("button", name="Record your initiative").click()
    expect(page.get_by_label("Organisation", exact=True)).to_have_value("Carers Network")
    audit(page, "record form")

    page.get_by_label("Service users").fill("three")
    page.get_by_role("button", name="Save initiative").click()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(error_link(page, "Enter a title for your initiative")).to_be_visible()
    expect(
        error_link(page, re.compile("^Enter the number of service users as a whole"))
    ).to_be_visible()
    expect(error_link(page, "Enter the planned start")).to_be_visible()
    audit(page, "record form with errors", status=400)

    page.get_by_label("Title of your initiative").fill(TITLE)
    page.get_by_label("The problem").fill("Timetables are set by staff alone.")
    page.get_by_label("The aim").fill("Service users and carers set the timetable with staff.")
    for label, count in (
        ("Service users", "3"),
        ("Carers", "2"),
        ("Staff", "4"),
        ("Partners", "0"),
    ):
        page.get_by_label(label, exact=True).fill(count)
    fill_date(page, "Planned start", "1", "12", "2026")
    fill_date(page, "Planned end", "30", "6", "2027")
    page.get_by_role("button", name="Save initiative").click()
    expect(page.get_by_text("Your initiative is saved.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Nothing recorded yet.")).to_be_visible()
    audit(page, "initiative, no updates")

    page.get_by_role("button", name="Record your baseline").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record your baseline")
    audit(page, "baseline form")
    record_update(
        page,
        rag="On track",
        reason="The first planning meeting is booked.",
        rung="4. Consultation",
        scores={
            "Culture": "2 Emerging",
            "Practice": "2 Emerging",
            "Structure": "1 Not started",
            "Review": "1 Not started",
        },
    )
    expect(page.get_by_text("Your progress update is saved.")).to_be_visible()
    audit(page, "initiative with a baseline")

    page.get_by_role("button", name="Add a progress update").click()
    record_update(
        page,
        rag="At risk",
        reason="Two service users could not get transport.",
        rung="6. Partnership",
        scores={
            "Culture": "3 Established",
            "Practice": "3 Established",
            "Structure": "2 Emerging",
            "Review": "2 Emerging",
        },
    )
    expect(page.get_by_text("Your progress update is saved.")).to_be_visible()

    timeline = page.locator(".govuk-summary-card")
    expect(timeline).to_have_count(2)
    expect(timeline.first).to_contain_text("Progress update: 18 November 2026")
    expect(timeline.first).to_contain_text("Rung 6: Partnership")
    expect(timeline.last).to_contain_text("Baseline: 18 November 2026")
    expect(timeline.last).to_contain_text("Rung 4: Consultation")

    chart = page.locator("img[src$='/journey.svg']")
    expect(chart).to_have_attribute("alt", re.compile(r"\w"))
    svg = page.request.get(chart.get_attribute("src"))
    assert svg.status == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in svg.text()
    if javascript:  # the image loads and has a size
        wait_for_image(page, chart)
    data = page.get_by_role("table", name=re.compile("^The journey as a table"))
    rows = data.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("4 Consultation")
    expect(rows.last).to_contain_text("6 Partnership")
    expect(rows.last.get_by_role("cell").nth(2)).to_have_text("3")  # Culture, now
    audit(page, "initiative with two updates")
