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
