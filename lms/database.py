"""Connection settings that make the embedded SQLite database safe to share.

Every SQLite connection gets WAL (readers never block the writer), synchronous=FULL
(an acknowledged save survives a power cut), foreign keys and a busy timeout. Write
transactions start with BEGIN IMMEDIATE so that two writers queue for the lock up front
instead of failing half way with "database is locked".
"""

from __future__ import annotations

import sqlite3
from contextvars import ContextVar

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

# Reads (GET/HEAD) use a deferred BEGIN so they never wait for a writer; everything
# else - form posts, CLI commands, tests - takes the write lock when it begins.
write_intent: ContextVar[bool | None] = ContextVar("write_intent", default=None)

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _wants_write() -> bool:
    explicit = write_intent.get()
    if explicit is not None:
        return explicit
    if has_request_context():
        return request.method not in READ_ONLY_METHODS
    return True


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Attach the pragmas and the BEGIN IMMEDIATE policy to a SQLite engine."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _wants_write() else "BEGIN")


def init_database(app: Flask) -> None:
    from lms.extensions import db

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
