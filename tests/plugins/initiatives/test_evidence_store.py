"""Where evidence files live and what happens to them: ClamAV's daemon (real, when
installed), an S3-compatible store (moto's), the personal-data download and erasure.
Files reach the app through the initiative's upload page, as a trainee adds them."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.core.files import StoredFile
from lms.extensions import db
from tests.evidence import EICAR, blobs, docx_bytes, pdf_bytes, post_files, stored_rows


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, "FILES_PATH": str(tmp_path / "files")}


def field_error(page: str) -> str:
    start = page.index('id="files-error"')
    return page[start : page.index("</p>", start)]


# -- ClamAV --------------------------------------------------------------------------------


@pytest.fixture
def clamd():
    """ClamAV's daemon on a socket of its own, with one signature: the EICAR string
    anywhere in a file (signature databases cannot be downloaded here, and the test
    needs only this one). Skips where clamd is not installed."""
    program = shutil.which("clamd") or (
        "/usr/sbin/clamd" if Path("/usr/sbin/clamd").exists() else None
    )
    if program is None:
        pytest.skip("ClamAV's clamd is not installed (Debian package clamav-daemon)")
    folder = Path(tempfile.mkdtemp(prefix="clamd-", dir="/tmp"))  # short: a socket path
    (folder / "db").mkdir()
    (folder / "db" / "test.ndb").write_text(f"Eicar-Test-Signature:0:*:{EICAR.hex()}\n")
    socket = folder / "clamd.sock"
    (folder / "clamd.conf").write_text(
        "Foreground yes\n"
        f"LocalSocket {socket}\n"
        f"DatabaseDirectory {folder / 'db'}\n"
        f"LogFile {folder / 'clamd.log'}\n"
        "User root\n"
    )
    process = subprocess.Popen(
        [program, "-c", str(folder / "clamd.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):  # it is ready when its socket is there
            if socket.exists() or process.poll() is not None:
                break
            time.sleep(0.1)
        if not socket.exists():
            pytest.skip("clamd did not start: " + (folder / "clamd.log").read_text()[-300:])
        yield str(socket)
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def test_clamav_refuses_the_eicar_test_string_and_passes_a_clean_file(
    client, start_initiative, world, app, clamd, tmp_path
):
    app.config["FILES_CLAMD"] = clamd
    start_initiative(world.alice)
    refused = post_files(client, world.url("/mine/files"), [("outline.pdf", pdf_bytes() + EICAR)])
    assert refused.status_code == 400
    message = field_error(refused.text)
    assert "‘outline.pdf’ was refused because the virus check found something in it" in message
    assert "Eicar-Test-Signature" in message
    assert stored_rows() == 0 and blobs(tmp_path / "files") == []
    clean = post_files(client, world.url("/mine/files"), [("outline.pdf", pdf_bytes())])
    assert clean.status_code == 302
    assert stored_rows() == 1


def test_with_the_scanner_down_nothing_is_added(client, start_initiative, world, app, tmp_path):
    app.config["FILES_CLAMD"] = str(tmp_path / "no-clamd-here.sock")
    start_initiative(world.alice)
    response = post_files(client, world.url("/mine/files"), [("outline.pdf", pdf_bytes())])
    assert response.status_code == 400
    assert "could not be checked for viruses just now" in field_error(response.text)
    assert stored_rows() == 0 and blobs(tmp_path / "files") == []


# -- an S3-compatible store ----------------------------------------------------------------


@pytest.fixture
def bucket(app, monkeypatch):
    moto = pytest.importorskip("moto")
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-2",
    }.items():
        monkeypatch.setenv(name, value)
    with moto.mock_aws():
        import boto3

        s3 = boto3.client("s3", region_name="eu-west-2")
        s3.create_bucket(
            Bucket="evidence-test",
            CreateBucketConfiguration={"LocationConstraint": "eu-west-2"},
        )
        app.config.update(FILES_S3_BUCKET="evidence-test", FILES_S3_REGION="eu-west-2")
        app.extensions.pop("lms_file_store", None)
        yield s3
        app.extensions.pop("lms_file_store", None)


def objects(s3) -> dict[str, bytes]:
    listed = s3.list_objects_v2(Bucket="evidence-test").get("Contents", [])
    return {
        item["Key"]: s3.get_object(Bucket="evidence-test", Key=item["Key"])["Body"].read()
        for item in listed
    }


def test_files_live_in_the_bucket_when_one_is_named(
    client, start_initiative, world, bucket, client_for, tmp_path, make_user
):
    initiative = start_initiative(world.alice)
    outline = docx_bytes()
    added = post_files(client, world.url("/mine/files"), [("outline.docx", outline)])
    assert added.status_code == 302
    stored = db.session.scalar(select(StoredFile))
    assert objects(bucket) == {f"evidence/{stored.key}": outline}
    assert blobs(tmp_path / "files") == []  # nothing on local disk
    got = client_for(world.tutor_a.user).get(world.url(f"/{initiative.id}/files/{stored.id}"))
    assert got.status_code == 200 and got.data == outline
    refused = post_files(client, world.url("/mine/files"), [("bad.docx", pdf_bytes())])
    assert refused.status_code == 400 and len(objects(bucket)) == 1

    admin = client_for(make_user(admin=True))
    erased = admin.post(f"/admin/users/{world.alice.user_id}", data={"confirm": "ERASE"})
    assert erased.status_code == 302
    assert objects(bucket) == {} and stored_rows() == 0


# -- the person's own data ---------------------------------------------------------------------


def test_the_personal_data_download_holds_the_files(client, start_initiative, world):
    start_initiative(world.alice)
    outline = docx_bytes()
    post_files(client, world.url("/mine/files"), [("outline.docx", outline)])
    stored = db.session.scalar(select(StoredFile))
    response = client.post("/account/personal-data.zip", data={})
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        data = json.loads(archive.read("personal-data.json"))
        kept = archive.read(f"evidence-files/{stored.id}-outline.docx")
    assert kept == outline
    (listed,) = data["evidence_files"]
    assert listed["name"] == "outline.docx" and listed["size_bytes"] == len(outline)
    assert listed["sha256"] == stored.sha256
    assert listed["in_this_download"] == f"evidence-files/{stored.id}-outline.docx"


def test_erasure_removes_the_rows_and_the_bytes(
    client, start_initiative, world, client_for, make_user, tmp_path
):
    start_initiative(world.alice)
    post_files(client, world.url("/mine/files"), [("outline.pdf", pdf_bytes())])
    start_initiative(world.bob)
    post_files(client, world.url("/mine/files"), [("bobs.pdf", pdf_bytes("Bob's"))])
    assert stored_rows() == 2 and len(blobs(tmp_path / "files")) == 2
    admin = client_for(make_user(admin=True))
    erased = admin.post(f"/admin/users/{world.alice.user_id}", data={"confirm": "ERASE"})
    assert erased.status_code == 302
    remaining = db.session.scalars(select(StoredFile)).all()
    assert [f.original_name for f in remaining] == ["bobs.pdf"]  # Bob's stays
    assert [p.read_bytes() for p in blobs(tmp_path / "files")] == [pdf_bytes("Bob's")]
