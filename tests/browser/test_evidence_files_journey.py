"""Evidence files: a trainee adds the week 10 initiative outline to their initiative
through the real page (a refused file first: its name lies about its content), sees it
listed, downloads it; their tutor downloads it from the initiative; the trainee removes
it. With and without JavaScript."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lms.extensions import db
from tests.browser.support import error_link
from tests.evidence import pdf_bytes, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

TITLE = "Carers shaping respite booking"


def start_initiative(membership):
    """The trainee's initiative, recorded through the service its form uses."""
    from lms.plugins.initiatives import services

    initiative = services.save_initiative(
        membership,
        services.InitiativeDetails(
            title=TITLE, planned_start=date(2026, 10, 1), planned_end=date(2027, 6, 30)
        ),
    )
    db.session.commit()
    return initiative


def test_a_trainee_adds_evidence_and_their_tutor_downloads_it(
    course, needs_plugin, open_page, audit, sign_in, javascript, tmp_path
):
    needs_plugin("initiatives")
    initiative_id = start_initiative(course.trainee_membership).id
    page = open_page(javascript=javascript)
    sign_in(page, course.trainee)
    page.get_by_role("link", name="My initiative").click()
    expect(page.get_by_role("heading", name="Evidence files")).to_be_visible()
    page.get_by_role("link", name="Add or remove evidence files").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence files")
    expect(page.get_by_text("No files yet.")).to_be_visible()
    audit(page, "no files yet")

    chooser = page.get_by_label("Files to add")
    chooser.set_input_files(
        [{"name": "outline.pdf", "mimeType": "application/pdf", "buffer": png_bytes()}]
    )
    page.get_by_role("button", name="Add files").click()
    expect(page).to_have_title(re.compile("^Error: "))
    message = "‘outline.pdf’ is a PNG image, but its name ends in ‘.pdf’"
    expect(error_link(page, re.compile(message))).to_be_visible()
    expect(page.locator("#files-error")).to_contain_text(message)
    audit(page, "a file whose name lies", status=400)

    outline = pdf_bytes("Initiative outline, one page")
    page.get_by_label("Files to add").set_input_files(
        [
            {"name": "Initiative outline.pdf", "mimeType": "application/pdf", "buffer": outline},
            {"name": "Workshop.png", "mimeType": "image/png", "buffer": png_bytes()},
        ]
    )
    page.get_by_role("button", name="Add files").click()
    expect(page.get_by_text("Added ‘Initiative outline.pdf’, ‘Workshop.png’.")).to_be_visible()
    expect(page.get_by_role("link", name="Initiative outline.pdf")).to_be_visible()
    audit(page, "two files added")

    with page.expect_download() as caught:
        page.get_by_role("link", name="Initiative outline.pdf").click()
    download = caught.value
    assert download.suggested_filename == "Initiative outline.pdf"
    assert Path(download.path()).read_bytes() == outline

    tutor = open_page(javascript=javascript)
    sign_in(tutor, course.tutor)
    tutor.goto(f"/cohorts/{course.cohort.slug}/initiatives/{initiative_id}")
    expect(tutor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(tutor.get_by_role("link", name="Add or remove evidence files")).to_have_count(0)
    audit(tutor, "the tutor's view of the initiative")
    with tutor.expect_download() as caught:
        tutor.get_by_role("link", name="Workshop.png").click()
    assert Path(caught.value.path()).read_bytes() == png_bytes()

    page.get_by_role("button", name="Remove Workshop.png").click()
    expect(page.get_by_text("‘Workshop.png’ is removed.")).to_be_visible()
    expect(page.get_by_role("link", name="Workshop.png")).to_have_count(0)
    audit(page, "one file removed")
