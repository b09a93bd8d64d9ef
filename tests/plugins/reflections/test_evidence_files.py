"""Evidence files on a week's reflection, through the pages: the author adds, downloads
and removes them; the tutor downloads them where they read the entry (submitted and
shared with tutors); nobody else; they go into the portfolio."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from sqlalchemy import select

from lms.core.files import StoredFile
from lms.extensions import db
from lms.plugins.reflections import services
from tests.evidence import blobs, pdf_bytes, png_bytes, post_files, stored_rows
from tests.plugins.reflections.conftest import answers, editor


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, "FILES_PATH": str(tmp_path / "files")}


def files_page(cohort, week: int = 4) -> str:
    return f"{editor(cohort, week)}/files"


def test_the_author_adds_a_file_and_sees_it_by_the_reflection(
    client_for, cohort, trainee, app, tmp_path
):
    browser = client_for(trainee.user)
    page = browser.get(files_page(cohort))
    assert page.status_code == 200 and "Evidence files for week 4" in page.text
    added = post_files(browser, files_page(cohort), [("Session notes.pdf", pdf_bytes())])
    assert added.status_code == 302
    stored = db.session.scalar(select(StoredFile))
    entry = services.entry_of(trainee, 4)
    assert stored.attached_to == f"reflection:{entry.id}"
    assert entry.current_version == 0  # adding a file writes no version of the text
    editor_page = browser.get(editor(cohort))
    own_url = f"{editor(cohort)}/files/{stored.id}"
    assert own_url in editor_page.text and "Session notes.pdf" in editor_page.text
    got = browser.get(own_url)
    assert got.status_code == 200 and got.data == pdf_bytes()
    assert got.headers["Content-Disposition"] == 'attachment; filename="Session notes.pdf"'
    assert got.headers["Content-Type"] == "application/pdf"
    assert len(blobs(tmp_path / "files")) == 1


def test_a_refused_file_leaves_no_entry_row_or_bytes(client_for, cohort, trainee, tmp_path):
    browser = client_for(trainee.user)
    response = post_files(browser, files_page(cohort), [("photo.pdf", png_bytes())])
    assert response.status_code == 400
    assert "is a PNG image, but its name ends in ‘.pdf’" in response.text
    assert 'id="files-error"' in response.text
    assert stored_rows() == 0 and blobs(tmp_path / "files") == []
    assert services.entry_of(trainee, 4) is None  # not even the empty entry


def test_the_tutor_downloads_from_the_shared_submitted_entry_only(
    client_for, cohort, trainee, tutor, make_membership, make_user
):
    author = client_for(trainee.user)
    post_files(author, files_page(cohort), [("notes.pdf", pdf_bytes())])
    stored_id = db.session.scalar(select(StoredFile.id))
    entry = services.entry_of(trainee, 4)
    tutor_url = f"/cohorts/{cohort.slug}/reflections/review/{entry.id}/files/{stored_id}"
    tutors = client_for(tutor.user)
    assert tutors.get(tutor_url).status_code == 404  # not submitted yet
    author.post(editor(cohort), data={**answers(), "based_on": "0", "submit_entry": "Go"})
    review_page = tutors.get(f"/cohorts/{cohort.slug}/reflections/review/{entry.id}")
    assert tutor_url in review_page.text
    got = tutors.get(tutor_url)
    assert got.status_code == 200 and got.data == pdf_bytes()
    assert got.headers["Content-Disposition"].startswith("attachment;")

    other = make_membership(cohort, "trainee", group="Group A", user=make_user())
    nosy = client_for(other.user)
    for url in (tutor_url, f"{editor(cohort)}/files/{stored_id}"):
        refused = nosy.get(url)
        assert refused.status_code in (403, 404), url
        assert refused.data != pdf_bytes()
    assert nosy.get(tutor_url).status_code == 403  # trainees review nothing
    assert nosy.get(f"{editor(cohort)}/files/{stored_id}").status_code == 404
    other_tutor = make_membership(cohort, "tutor", group="Group B", user=make_user())
    assert client_for(other_tutor.user).get(tutor_url).status_code == 404

    # Private again: the tutor's door closes with the entry's.
    author.post(f"{editor(cohort)}/sharing", data={"sharing": "private", "save_sharing": "Save"})
    assert tutors.get(tutor_url).status_code == 404


def test_files_are_in_the_portfolio(client_for, cohort, trainee):
    browser = client_for(trainee.user)
    post_files(
        browser, files_page(cohort), [("Workshop.png", png_bytes()), ("Plan.pdf", pdf_bytes())]
    )
    browser.post(editor(cohort), data={**answers(), "based_on": "0", "save_draft": "Save"})
    markdown = browser.get(f"/cohorts/{cohort.slug}/reflections/portfolio.md").text
    assert "### Evidence files" in markdown
    assert re.search(r"- Workshop\.png \(PNG image, \d+ KB\)", markdown)
    assert "- Plan.pdf (PDF" in markdown
    docx = browser.get(f"/cohorts/{cohort.slug}/reflections/portfolio.docx").data
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        names = archive.namelist()
        text = archive.read("word/document.xml").decode()
    assert "Workshop.png" in text and "Plan.pdf" in text
    assert any(name.startswith("word/media/") for name in names)  # the picture itself


def test_the_author_removes_a_file(client_for, cohort, trainee, tmp_path):
    browser = client_for(trainee.user)
    post_files(browser, files_page(cohort), [("notes.pdf", pdf_bytes())])
    stored_id = db.session.scalar(select(StoredFile.id))
    response = browser.post(f"{editor(cohort)}/files/{stored_id}/remove", data={})
    assert response.status_code == 302
    assert "‘notes.pdf’ is removed." in browser.get(files_page(cohort)).text
    assert stored_rows() == 0 and blobs(tmp_path / "files") == []
    assert browser.get(f"{editor(cohort)}/files/{stored_id}").status_code == 404
