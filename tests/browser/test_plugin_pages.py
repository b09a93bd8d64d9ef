"""The feature plugins' other pages on the demo cohort, full of data: the wide tables
(grids, boards, results, evaluation tables), pages with several forms (an initiative with
a comment form per update) and the admin lists. Each is audited: no sideways scrolling at
320 CSS px, valid HTML (no duplicate ids), no skipped heading levels."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

# No heading skips a level (WCAG 1.3.1; axe only reports this as best practice).
SKIPPED_HEADINGS = """() => {
    let last = 0; const skips = [];
    for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
        const level = Number(h.tagName[1]);
        if (level > last + 1) skips.push(`h${last} then h${level}: ${h.textContent.trim()}`);
        last = level;
    }
    return skips;
}"""


def visit(page, audit, path: str, state: str, heading: str) -> None:
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    assert page.evaluate(SKIPPED_HEADINGS) == [], state
    audit(page, state)


def test_plugin_pages_with_data(demo, open_page, audit, sign_in, needs_plugin):
    needs_plugin("reflections")
    needs_plugin("initiatives")
    needs_plugin("surveys")
    needs_plugin("evaluation")
    cohort = f"/cohorts/{demo.cohort.slug}"
    page = open_page()

    sign_in(page, demo.logins["tutor (Group A)"], demo.password)
    visit(page, audit, f"{cohort}/reflections/review", "tutor's review queue", "Review queue")
    visit(page, audit, f"{cohort}/reflections/grid", "reflections grid", "Reflections by week")
    visit(page, audit, f"{cohort}/initiatives/board", "initiatives board", "Change initiatives")
    first = page.locator("table a[href*='/initiatives/']").first
    first.click()
    expect(page.get_by_role("heading", level=2, name="Timeline")).to_be_visible()
    assert page.evaluate(SKIPPED_HEADINGS) == []
    audit(page, "an initiative, as its tutor (comment forms)")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, demo.logins["lead"], demo.password)
    visit(page, audit, f"{cohort}/surveys/results", "survey results", "Survey results")
    visit(page, audit, f"{cohort}/evaluation/texts", "texts to code", "Texts to code")
    visit(page, audit, f"{cohort}/evaluation/themes", "themes", "Themes and quotes")
    visit(page, audit, f"{cohort}/initiatives/overview", "initiatives overview", "Initiatives")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, demo.logins["admin"], demo.password)
    visit(page, audit, "/admin/users", "admin: people", "People")
    visit(page, audit, "/admin/audit", "admin: audit log", "Audit log")
