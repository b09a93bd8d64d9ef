"""Evidence files on an initiative, through the pages: added by the trainee with the
form's CSRF token, refused with a reason by the field (and nothing kept), downloaded
as attachments by the owner and their tutor only, removed by the owner (audited)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.core.audit import AuditEvent
from lms.core.files import StoredFile
from lms.extensions import db
from tests.evidence import (
    EICAR,
    blobs,
    docx_bytes,
    pdf_bytes,
    png_bytes,
    post_files,
    stored_rows,
)

MB = 1024 * 1024


class FakeScanner:
    """Stands in for clamd: reports the EICAR string as found, as clamd does."""

    def scan(self, data: bytes) -> str | None:
        return "Eicar-Test-Signature" if EICAR in data else None


@pytest.fixture
def app_config(app_config, tmp_path):
    return {
        **app_config,
        "FILES_PATH": str(tmp_path / "files"),
        "FILES_MAX_MB": 1,
        "MAX_CONTENT_LENGTH": 3 * MB,
        "FILES_SCANNER": FakeScanner(),
    }


@pytest.fixture
def store(app):
    from pathlib import Path

    return Path(app.config["FILES_PATH"])


def field_error(page: str) -> str:
    """The message by the file field (GOV.UK puts it in the field's error message)."""
    match = re.search(r'<p id="files-error" class="govuk-error-message">(.*?)</p>', page, re.S)
    assert match, "no error message by the field"
    return re.sub(r"<[^>]+>", "", match.group(1)).replace("Error:", "").strip()


def test_a_trainee_adds_a_document_and_their_tutor_downloads_it(
    client, start_initiative, sign_in, world, store, client_for
):
    initiative = start_initiative(world.alice)
    page = client.get(world.url("/mine/files"))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text and "up to 1 MB each" in page.text
    outline = docx_bytes()
    response = post_files(
        client,
        world.url("/mine/files"),
        [("Initiative outline.docx", outline), ("Workshop.png", png_bytes())],
    )
    assert response.status_code == 302, response.text
    listed = client.get(world.url("/mine/files")).text
    assert "Added ‘Initiative outline.docx’, ‘Workshop.png’." in listed
    rows = db.session.scalars(select(StoredFile).order_by(StoredFile.id)).all()
    assert [(r.original_name, r.content_type, r.size) for r in rows] == [
        (
            "Initiative outline.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            len(outline),
        ),
        ("Workshop.png", "image/png", len(png_bytes())),
    ]
    assert rows[0].owner_id == world.alice.user_id
    # Kept under a random key: never the person's file name.
    kept = blobs(store)
    assert len(kept) == 2 and not any("outline" in str(p).lower() for p in kept)
    assert sorted(p.read_bytes() for p in kept) == sorted([outline, png_bytes()])

    shown = client.get(world.url(f"/{initiative.id}")).text
    download_url = world.url(f"/{initiative.id}/files/{rows[0].id}")
    assert download_url in shown and "Initiative outline.docx" in shown

    for reader in (client, client_for(world.tutor_a.user), client_for(world.lead.user)):
        got = reader.get(download_url)
        assert got.status_code == 200
        assert got.data == outline
        assert got.headers["Content-Type"] == rows[0].content_type
        assert got.headers["Content-Disposition"].startswith("attachment;")
        assert (
            got.headers["Content-Disposition"] == 'attachment; filename="Initiative outline.docx"'
        )
        assert got.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in got.headers["Content-Security-Policy"]
        assert got.headers["Cache-Control"] == "no-store"


def test_other_trainees_and_other_tutors_cannot_download_it(
    client, start_initiative, world, client_for, make_cohort, make_membership
):
    initiative = start_initiative(world.alice)
    post_files(client, world.url("/mine/files"), [("plan.pdf", pdf_bytes())])
    stored = db.session.scalar(select(StoredFile))
    url = world.url(f"/{initiative.id}/files/{stored.id}")
    for member in (world.bob, world.tutor_b):
        refused = client_for(member.user).get(url)
        assert refused.status_code == 404
        assert pdf_bytes() not in refused.data and "attachment" not in refused.headers.get(
            "Content-Disposition", ""
        )
    # Through Bob's own initiative's address: the file is not attached there.
    bobs = start_initiative(world.bob)
    assert client.get(world.url(f"/{bobs.id}/files/{stored.id}")).status_code == 404
    outsider = make_membership(make_cohort(slug="south-2026"))
    assert client_for(outsider.user).get(url).status_code == 403
    assert (
        client_for(outsider.user)
        .get(f"/cohorts/south-2026/initiatives/{initiative.id}/files/{stored.id}")
        .status_code
        == 404
    )


HOSTILE = {
    "a disallowed type": (
        "notes.html",
        b"<!doctype html><script>alert(1)</script>",
        "is not a type of file you can add: use PDF, Word",
    ),
    "a program": ("setup.exe", b"MZ\x90\x00" + b"\x00" * 200, "is not a type of file you can add"),
    "a zip archive": ("bundle.zip", b"PK\x03\x04" + b"\x00" * 100, "is not a type of file"),
    "a name with a path": (
        "../../etc/passwd.pdf",
        pdf_bytes(),
        "looks like a path to another folder",
    ),
    "a Windows path": ("..\\..\\boot.pdf", pdf_bytes(), "looks like a path to another folder"),
    "control characters": ("out\x07line\x1b.pdf", pdf_bytes(), "hidden control characters"),
    "a very long name": ("a" * 200 + ".pdf", pdf_bytes(), "rename it to 120 characters or fewer"),
    "an extension that lies": (
        "outline.pdf",
        png_bytes(),
        "‘outline.pdf’ is a PNG image, but its name ends in ‘.pdf’: rename it to end in ‘.png’",
    ),
    "no extension": ("outline", pdf_bytes(), "is a PDF, but its name ends in no extension"),
    "too large a file": (
        "scan.pdf",
        pdf_bytes() + b"0" * (1 * MB),
        "‘scan.pdf’ is larger than 1 MB",
    ),
    "the EICAR test string": (
        "eicar.pdf",
        pdf_bytes() + EICAR,
        "‘eicar.pdf’ was refused because the virus check found something in it "
        "(Eicar-Test-Signature)",
    ),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_a_bad_file_is_refused_by_the_field_and_nothing_is_kept(
    client, start_initiative, world, store, case
):
    start_initiative(world.alice)
    name, data, message = HOSTILE[case]
    # With a good file beside it: all or nothing.
    response = post_files(
        client, world.url("/mine/files"), [("fine.png", png_bytes()), (name, data)]
    )
    assert response.status_code == 400
    page = response.text
    assert "There is a problem" in page and 'href="#files"' in page  # the error summary
    assert message in field_error(page)
    assert stored_rows() == 0
    assert blobs(store) == []
    assert "fine.png" not in page.split("Add files")[0]


def test_a_request_over_the_whole_limit_is_answered_by_the_field(
    client, start_initiative, world, store
):
    start_initiative(world.alice)
    big = pdf_bytes() + b"0" * (3 * MB)
    response = post_files(client, world.url("/mine/files"), [("big.pdf", big)])
    assert response.status_code == 413
    assert "add up to more than 3 MB, so none was added" in field_error(response.text)
    assert "Evidence files" in response.text and "There is a problem" in response.text
    assert stored_rows() == 0 and blobs(store) == []


def test_choosing_nothing_says_so(client, start_initiative, world):
    start_initiative(world.alice)
    response = client.post(world.url("/mine/files"), data={})
    assert response.status_code == 400
    assert field_error(response.text) == "Choose a file to add"


def test_without_csrf_nothing_is_kept(client, start_initiative, world, store):
    start_initiative(world.alice)
    response = post_files(client, world.url("/mine/files"), [("plan.pdf", pdf_bytes())], csrf=False)
    assert response.status_code == 400
    assert stored_rows() == 0 and blobs(store) == []


def test_the_owner_removes_a_file_and_the_log_says_so(
    client, start_initiative, world, store, client_for
):
    initiative = start_initiative(world.alice)
    post_files(client, world.url("/mine/files"), [("plan.pdf", pdf_bytes())])
    stored_id = db.session.scalar(select(StoredFile.id))
    remove_url = world.url(f"/mine/files/{stored_id}/remove")
    assert remove_url in client.get(world.url("/mine/files")).text
    # Nobody else can: Bob's own /mine/ has no such file.
    start_initiative(world.bob)
    bob = client_for(world.bob.user)
    assert bob.post(remove_url, data={}).status_code == 404
    assert stored_rows() == 1
    alice = client_for(world.alice.user)
    response = alice.post(remove_url, data={})
    assert response.status_code == 302
    assert "‘plan.pdf’ is removed." in alice.get(world.url("/mine/files")).text
    assert stored_rows() == 0 and blobs(store) == []
    assert alice.get(world.url(f"/{initiative.id}/files/{stored_id}")).status_code == 404
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "file.removed"))
    assert event.actor_id == world.alice.user_id and "plan.pdf" in event.details
