"""Evidence files: documents and images people attach to their work.

Plugins attach files to their own records (an initiative, a week's reflection) by a
string they choose (`attached_to`, e.g. ``"initiative:12"``) and decide themselves who
may read them: the same check as the page that shows the record. This module checks,
scans, stores, serves and removes the bytes, and answers for them in the personal-data
download and erasure.

A file is refused unless its content is a type on the list (found by its first bytes,
with the `filetype` library, not by its name), its name's extension matches that
content, its name is plain, it is within the size limit and, when ClamAV is configured,
clamd finds nothing in it. The bytes are kept under a random key, never the person's
file name: in `instance/files/` by default, or in an S3-compatible bucket. They are
written before the row is committed and removed if the transaction rolls back; removed
rows take their bytes with them once the removal is committed.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import filetype
from flask import current_app, send_file
from sqlalchemy import ForeignKey, String, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from lms.core import audit
from lms.core.models import User, utcnow
from lms.extensions import db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
# The types people may add, as their content says, with the names' extensions that may
# carry each. No HTML, SVG or script: nothing a browser would run.
ALLOWED_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "application/pdf": ("a PDF", ("pdf",)),
    DOCX: ("a Word document", ("docx",)),
    XLSX: ("an Excel spreadsheet", ("xlsx",)),
    PPTX: ("a PowerPoint presentation", ("pptx",)),
    "application/vnd.oasis.opendocument.text": ("an OpenDocument text", ("odt",)),
    "application/vnd.oasis.opendocument.spreadsheet": ("an OpenDocument spreadsheet", ("ods",)),
    "application/vnd.oasis.opendocument.presentation": ("an OpenDocument presentation", ("odp",)),
    "image/jpeg": ("a JPEG image", ("jpg", "jpeg")),
    "image/png": ("a PNG image", ("png",)),
}
TYPES_IN_WORDS = "PDF, Word, Excel, PowerPoint, OpenDocument, JPEG or PNG"
ACCEPT = ",".join(f".{ext}" for _, exts in ALLOWED_TYPES.values() for ext in exts)
MAX_NAME = 120  # characters of a file's name: room for a real title, not a paragraph
MAX_FILES = 10  # in one upload

WRITTEN, DISCARDED = "lms_files_written", "lms_files_discarded"


class StoredFile(db.Model):
    """A file someone added: who, what (type found from its content), how big, its
    SHA-256 and the name it had on their computer. The bytes are in the file store."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    attached_to: Mapped[str] = mapped_column(String(80), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def type_name(self) -> str:
        label = ALLOWED_TYPES.get(self.content_type, ("a file",))[0]
        return label.split(" ", 1)[1]

    @property
    def size_text(self) -> str:
        return size_text(self.size)


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB"


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: the name the browser gave and (up to the limit) its bytes."""

    name: str
    data: bytes


class FileProblem(ValueError):
    """Why a file was refused, in words for the person who chose it."""


class ScannerUnavailable(RuntimeError):
    """The virus scanner is configured but did not answer."""


# -- checks ------------------------------------------------------------------------------


def max_bytes() -> int:
    return int(current_app.config["FILES_MAX_MB"]) * 1024 * 1024


def plain_name(raw: str) -> str:
    """The file's name if it is plain: no folders, no control characters, not too long.

    Browsers send only the name, so a path or a control character is a made-up request
    or a trick; it is refused rather than quietly changed."""
    name = unicodedata.normalize("NFC", raw or "").strip()
    shown = name.encode("ascii", "backslashreplace").decode()[:60]
    if not name:
        raise FileProblem("The file has no name: rename it and choose it again")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise FileProblem(
            f"The name ‘{shown}’ has hidden control characters: rename the file and try again"
        )
    if "/" in name or "\\" in name or name.startswith(".") or ".." in name:
        raise FileProblem(
            f"The name ‘{shown}’ looks like a path to another folder: rename the file "
            "so its name has no slashes or leading dots"
        )
    if len(name) > MAX_NAME:
        raise FileProblem(
            f"The name of ‘{shown}…’ is {len(name)} characters long: "
            f"rename it to {MAX_NAME} characters or fewer"
        )
    return name


def check(upload: Upload) -> tuple[str, str]:
    """(name, content type) of an acceptable file; `FileProblem` says why not."""
    name = plain_name(upload.name)
    limit = max_bytes()
    if len(upload.data) > limit:
        raise FileProblem(
            f"‘{name}’ is larger than {limit // 1024 // 1024} MB: make it smaller "
            "(for example, save it as a PDF or a smaller picture) and try again"
        )
    if not upload.data:
        raise FileProblem(f"‘{name}’ is empty")
    kind = filetype.guess(upload.data)
    mime = kind.mime if kind else None
    extension = name.rsplit(".", 1)[1].lower() if "." in name else ""
    if mime not in ALLOWED_TYPES:
        raise FileProblem(f"‘{name}’ is not a type of file you can add: use {TYPES_IN_WORDS}")
    label, extensions = ALLOWED_TYPES[mime]
    if extension not in extensions:
        said = f"‘.{extension}’" if extension else "no extension"
        raise FileProblem(
            f"‘{name}’ is {label}, but its name ends in {said}: rename it to end in "
            f"‘.{extensions[0]}’ if it is the file you meant"
        )
    return name, mime


# -- storage -----------------------------------------------------------------------------


class LocalStore:
    """Files on disk, under the instance folder by default, one sub-folder per key prefix."""

    def __init__(self, root: Path):
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        temporary.replace(path)

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self) -> list[str]:
        return sorted(p.name for p in self.root.glob("*/*") if p.is_file())


class S3Store:
    """Files in an S3-compatible bucket (AWS, MinIO, Ceph...), through boto3. Credentials
    come from boto3's usual places (AWS_ACCESS_KEY_ID..., a profile, an instance role)."""

    def __init__(self, bucket: str, prefix: str, endpoint_url: str, region: str):
        import boto3

        self.bucket, self.prefix = bucket, prefix
        self.client = boto3.client(
            "s3", endpoint_url=endpoint_url or None, region_name=region or None
        )

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=self.prefix + key, Body=data, ContentType=content_type
        )

    def get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + key)

    def keys(self) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        return sorted(
            item["Key"][len(self.prefix) :] for page in pages for item in page.get("Contents", [])
        )


def file_store(app=None):
    """The app's store: S3 when `FILES_S3_BUCKET` is set, else the local folder."""
    app = app or current_app
    store = app.extensions.get("lms_file_store")
    if store is None:
        config = app.config
        if config["FILES_S3_BUCKET"]:
            store = S3Store(
                config["FILES_S3_BUCKET"],
                config["FILES_S3_PREFIX"],
                config["FILES_S3_ENDPOINT_URL"],
                config["FILES_S3_REGION"],
            )
        else:
            root = config["FILES_PATH"] or os.path.join(app.instance_path, "files")
            store = LocalStore(Path(root))
        app.extensions["lms_file_store"] = store
    return store


# -- virus scanning --------------------------------------------------------------------------


class ClamdScanner:
    """ClamAV's daemon, over its Unix socket (a path) or TCP (``host:port``)."""

    def __init__(self, address: str, timeout: float = 30):
        self.address, self.timeout = address, timeout

    def _client(self):
        from clamav_client.clamd import ClamdNetworkSocket, ClamdUnixSocket

        host, _, port = self.address.rpartition(":")
        if host and port.isdigit() and "/" not in self.address:
            return ClamdNetworkSocket(host=host, port=int(port), timeout=self.timeout)
        return ClamdUnixSocket(path=self.address, timeout=int(self.timeout))

    def scan(self, data: bytes) -> str | None:
        """The name of what clamd found in `data`, or None if it is clean."""
        try:
            state, details = self._client().instream(io.BytesIO(data))["stream"]
        except Exception as error:  # noqa: BLE001 - any failure to talk is "unavailable"
            raise ScannerUnavailable(str(error)) from error
        if state == "FOUND":
            return details or "a virus"
        if state != "OK":
            raise ScannerUnavailable(details or state)
        return None


def scanner():
    """`FILES_SCANNER` (an object with ``scan(bytes)``), else clamd when `FILES_CLAMD`
    names its socket, else None: no scanning."""
    config = current_app.config
    if config.get("FILES_SCANNER") is not None:
        return config["FILES_SCANNER"]
    if config["FILES_CLAMD"]:
        return ClamdScanner(config["FILES_CLAMD"])
    return None


def _scan(name: str, data: bytes) -> None:
    found_by = scanner()
    if found_by is None:
        return
    try:
        found = found_by.scan(data)
    except ScannerUnavailable:
        current_app.logger.exception("virus scanner unavailable")
        raise FileProblem(
            f"‘{name}’ could not be checked for viruses just now, so it was not added: "
            "try again in a few minutes"
        ) from None
    if found:
        current_app.logger.warning("virus scanner refused an upload: %s", found)
        raise FileProblem(
            f"‘{name}’ was refused because the virus check found something in it "
            f"({found}). Nothing was added"
        )


# -- adding, finding, serving and removing ---------------------------------------------------


def store_files(owner: User, attached_to: str, uploads: list[Upload]) -> list[StoredFile]:
    """Check every file, then scan every file, then keep them all; or keep none and raise
    `FileProblem` naming the first that was refused."""
    if not uploads:
        raise FileProblem("Choose a file to add")
    if len(uploads) > MAX_FILES:
        raise FileProblem(f"Choose {MAX_FILES} files or fewer at a time")
    checked = [(upload, *check(upload)) for upload in uploads]
    for upload, name, _ in checked:
        _scan(name, upload.data)
    store = file_store()
    written = db.session.info.setdefault(WRITTEN, [])
    stored = []
    for upload, name, mime in checked:
        key = secrets.token_hex(32)
        store.put(key, upload.data, mime)
        written.append(key)  # removed again if the transaction rolls back
        stored.append(
            StoredFile(
                key=key,
                owner_id=owner.id,
                attached_to=attached_to,
                original_name=name,
                content_type=mime,
                size=len(upload.data),
                sha256=hashlib.sha256(upload.data).hexdigest(),
            )
        )
    db.session.add_all(stored)
    db.session.flush()
    return stored


def files_attached(attached_to: str | list[str]) -> list[StoredFile]:
    places = [attached_to] if isinstance(attached_to, str) else list(attached_to)
    if not places:
        return []
    return list(
        db.session.scalars(
            select(StoredFile)
            .where(StoredFile.attached_to.in_(places))
            .order_by(StoredFile.created_at, StoredFile.id)
        )
    )


def file_attached(file_id: int, attached_to: str) -> StoredFile | None:
    """The file if it is attached to that record; None otherwise (a 404)."""
    found = db.session.get(StoredFile, file_id)
    return found if found is not None and found.attached_to == attached_to else None


def read(stored: StoredFile) -> bytes:
    return file_store().get(stored.key)


def download(stored: StoredFile):
    """The file as a download, never shown inline from our origin: attachment, its
    stored type, no sniffing, and a policy that runs nothing should a browser open it."""
    response = send_file(
        io.BytesIO(read(stored)),
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=stored.original_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def remove(stored: StoredFile, actor: User, **details) -> None:
    """Remove a file (row now, bytes once committed); the audit log says who and what."""
    audit.record(
        "file.removed",
        actor,
        subject=db.session.get(User, stored.owner_id),
        name=stored.original_name,
        sha256=stored.sha256,
        attached_to=stored.attached_to,
        **details,
    )
    _discard([stored])


def _discard(rows: list[StoredFile]) -> None:
    discarded = db.session.info.setdefault(DISCARDED, [])
    for row in rows:
        discarded.append(row.key)
        db.session.delete(row)
    db.session.flush()


def files_of(user: User) -> list[StoredFile]:
    return list(
        db.session.scalars(
            select(StoredFile).where(StoredFile.owner_id == user.id).order_by(StoredFile.id)
        )
    )


def archive_name(stored: StoredFile) -> str:
    return f"evidence-files/{stored.id}-{stored.original_name}"


def personal_data(user: User) -> list[dict]:
    return [
        {
            "name": f.original_name,
            "type": f.content_type,
            "size_bytes": f.size,
            "sha256": f.sha256,
            "added_at": f.created_at.isoformat(timespec="seconds"),
            "attached_to": f.attached_to,
            "in_this_download": archive_name(f),
        }
        for f in files_of(user)
    ]


def personal_files(user: User) -> dict[str, bytes]:
    """{path in the download: bytes} of every file the user added."""
    return {archive_name(f): read(f) for f in files_of(user)}


def erase_files_of(user: User) -> None:
    """Every file the user added goes: the rows now, the bytes when this commits."""
    _discard(files_of(user))


# -- the transaction decides whether bytes stay ----------------------------------------------


def _after_commit(session: Session) -> None:
    session.info.pop(WRITTEN, None)
    keys = session.info.pop(DISCARDED, [])
    if keys:
        store = file_store()
        for key in keys:
            try:
                store.delete(key)
            except Exception:  # noqa: BLE001 - the row is gone; a stray blob harms no one
                current_app.logger.exception("could not delete stored file %s", key)


def _after_rollback(session: Session, previous) -> None:
    if previous.parent is not None:
        return  # a savepoint: the outer transaction decides
    session.info.pop(DISCARDED, None)
    keys = session.info.pop(WRITTEN, [])
    if keys:
        store = file_store()
        for key in keys:
            store.delete(key)


def init_files(app) -> None:
    """Tie stored bytes to the fate of the database transaction (once per process)."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)


def answers_too_large(view: Callable) -> Callable:
    """Mark an upload view that shows its own form, with the message by the field, when
    the whole request is over `MAX_CONTENT_LENGTH` (see `lms.core.web`)."""
    view.answers_too_large = True  # type: ignore[attr-defined]
    return view
