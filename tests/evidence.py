"""Real files for the evidence-file tests, made here (no fixtures on disk), and what a
test checks after an upload: rows and stored bytes."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from sqlalchemy import func, select

from lms.extensions import db

# The antivirus industry's standard test string (harmless; every scanner reports it).
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xd0\x40\x30" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def pdf_bytes(text: str = "Initiative outline") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        + f"% {text}\n".encode()
        + b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def docx_bytes(text: str = "Initiative outline: one page") -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(name: str, data: bytes) -> tuple:
    """A file field's value for the test client: (stream, name)."""
    return (io.BytesIO(data), name)


def stored_rows() -> int:
    from lms.core.files import StoredFile

    return db.session.scalar(select(func.count(StoredFile.id)))


def blobs(root: Path) -> list[Path]:
    """Every stored file under the store's folder (none if it was never made)."""
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def post_files(client, url: str, files: list[tuple[str, bytes]], csrf: bool = True, **fields):
    """Post files as a browser's multipart form (CSRF token included unless told not).

    The body is built in memory: the test client would spool a large one to a temporary
    file that it never closes."""
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    values = MultiDict(
        [("files", FileStorage(io.BytesIO(data), filename=name)) for name, data in files]
    )
    for name, value in fields.items():
        values.add(name, value)
    if csrf:
        values.add("csrf_token", client.csrf_token())
    boundary, body = encode_multipart(values)
    return client.post(
        url, data=body, content_type=f"multipart/form-data; boundary={boundary}", csrf=False
    )
