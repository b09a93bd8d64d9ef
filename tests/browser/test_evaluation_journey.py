"""Evaluation: the programme lead reads the demo cohort's evaluation dashboard, opens
the printable report and downloads the report as a Word document that opens."""

from __future__ import annotations

import re

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.browser.support import wait_for_image

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


def test_lead_reads_the_evaluation_and_downloads_the_report(
    demo, needs_plugin, open_page, audit, sign_in
):
    needs_plugin("evaluation")
    page = open_page()
    sign_in(page, demo.logins["lead"], demo.password)

    page.get_by_role("link", name="Evaluation", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluation")
    expect(page.get_by_text("Figures as at 18 November 2026.")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Summary")).to_be_visible()
    tables = page.locator(".lms-evaluation-figure table")
    assert tables.count() > 0
    for chart in page.locator("img.lms-evaluation-chart").all():
        expect(chart).to_have_attribute("alt", re.compile(r"\w"))
        wait_for_image(page, chart)
    audit(page, "evaluation dashboard")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Evaluation report (Word document)").click()
    download = download_info.value
    assert download.suggested_filename == f"evaluation-{demo.cohort.slug}.docx"
    document = Document(str(download.path()))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert demo.cohort.name in text
    assert document.tables, "the report has no tables"

    page.get_by_role("link", name="Printable report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Evaluation report: {demo.cohort.name}"
    )
    audit(page, "printable report")


def test_a_tutor_finds_codes_and_memos_texts_without_javascript(
    demo, needs_plugin, open_page, audit, sign_in
):
    needs_plugin("evaluation")
    needs_plugin("reflections")
    page = open_page(javascript=False)
    sign_in(page, demo.logins["tutor (Group A)"], demo.password)

    page.get_by_role("link", name="Thematic coding", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Texts to code")
    page.get_by_label("Coding").select_option("not-mine")
    page.get_by_role("button", name="Show texts").click()
    assert "status=not-mine" in page.url
    expect(page.get_by_role("link", name="Clear filters")).to_be_visible()
    audit(page, "texts to code, filtered")

    page.locator("table th a").first.click()
    first = page.url
    words = " ".join(page.locator("[data-coding-text]").inner_text().split()[:3])
    page.get_by_label("Passage to code").fill(words)
    page.locator("input[name=themes]").first.check()
    page.get_by_label("Memo (optional)").fill("First read: check against the codebook.")
    audit(page, "a text to code, form filled")
    page.get_by_role("button", name="Code passage and go to the next text").click()
    expect(page.get_by_text("Passage coded")).to_be_visible()
    assert page.url != first and "status=not-mine" in page.url
    expect(page.get_by_role("link", name="Next uncoded text")).to_be_visible()

    page.goto(first.split("?")[0])
    memo = page.locator(".lms-memo", has_text="First read: check against the codebook.")
    expect(memo).to_be_visible()
    expect(page.get_by_label("Memo", exact=True)).to_have_value(
        "First read: check against the codebook."
    )
    audit(page, "a coded text with its memo")
