"""Settings, the secret key and the SQLite connection settings."""

from __future__ import annotations

import stat

from sqlalchemy import text

from lms import create_app
from lms.config import from_environment
from lms.extensions import db


def test_settings_come_from_lms_variables_and_database_url():
    settings = from_environment(
        {
            "LMS_DISABLED_PLUGINS": "surveys, api",
            "LMS_SAFE_MODE": "yes",
            "LMS_INVITATION_MAX_AGE_DAYS": "3",
            "DATABASE_URL": "postgresql://db/lms",
        }
    )
    assert settings["DISABLED_PLUGINS"] == ["surveys", "api"]
    assert settings["SAFE_MODE"] is True
    assert settings["INVITATION_MAX_AGE_DAYS"] == 3
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql://db/lms"


def test_defaults_put_the_database_and_a_private_secret_key_in_the_instance_folder(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "elsewhere"))
    app = create_app()
    key_file = tmp_path / "elsewhere" / "secret_key"
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"]
        == f"sqlite:///{tmp_path / 'elsewhere' / 'lms.sqlite3'}"
    )
    assert app.config["SECRET_KEY"] == key_file.read_text().strip()
    assert len(app.config["SECRET_KEY"]) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert create_app().config["SECRET_KEY"] == app.config["SECRET_KEY"]  # stable across starts
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_sqlite_connections_are_safe_for_concurrent_writers(tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "k"}
    )
    with app.app_context():
        with db.engine.connect() as connection:
            pragma = lambda name: connection.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
            assert pragma("journal_mode") == "wal"
            assert pragma("synchronous") == 2  # FULL
            assert pragma("foreign_keys") == 1
            assert pragma("busy_timeout") == 10_000
        db.engine.dispose()


def test_write_transactions_begin_immediately(tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'y.db'}", "SECRET_KEY": "k"}
    )
    statements: list[str] = []
    from sqlalchemy import event

    with app.app_context():
        event.listen(
            db.engine,
            "before_cursor_execute",
            lambda conn, cursor, statement, *args: statements.append(statement),
        )
        with app.test_request_context("/", method="POST"):
            db.session.execute(text("SELECT 1"))
            db.session.rollback()
        with app.test_request_context("/", method="GET"):
            db.session.execute(text("SELECT 1"))
            db.session.rollback()
        db.engine.dispose()
    begins = [s for s in statements if s.startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE", "BEGIN"]
