"""Fixtures shared by every test: an app on a migrated database, factories, login.

The database is SQLite by default, or PostgreSQL when LMS_TEST_DATABASE_URL is set. The
schema is built once per run by the Alembic migrations (so they are tested too) and
emptied after each test.
"""

from __future__ import annotations

import os
import re
from datetime import date
from itertools import count

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text
from werkzeug.security import generate_password_hash

from lms import create_app
from lms.core.models import Cohort, Membership, TutorGroup, User
from lms.extensions import db

PASSWORD = "correct horse battery"
_PASSWORD_HASH = generate_password_hash(PASSWORD)  # hashing is slow on purpose: do it once
_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class Client(FlaskClient):
    """A test client that sends the CSRF token, as a browser would from our forms."""

    def csrf_token(self) -> str:
        page = self.get("/privacy").get_data(as_text=True)
        match = _CSRF.search(page)
        if match is None:
            # The footer form only appears when signed in; the sign-in form always has one.
            match = _CSRF.search(self.get("/sign-in").get_data(as_text=True))
        return match.group(1)

    def open(self, *args, **kwargs):
        # Each request gets its own app context, as in a real server: a fresh `g` and
        # database session. The test's own session commits first so the request sees
        # its data and no lock is held; its objects reload afterwards.
        if has_app_context():
            db.session.commit()
        self._context_stack.close()
        with self.application.app_context():
            try:
                return super().open(*args, **kwargs)
            finally:
                self._context_stack.close()  # contexts the client kept for inspection

    def post(self, *args, csrf: bool = True, **kwargs):
        data = kwargs.get("data")
        if csrf and isinstance(data, dict) and "csrf_token" not in data:
            kwargs["data"] = {**data, "csrf_token": self.csrf_token()}
        return super().post(*args, **kwargs)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("LMS_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def test_config(database_url: str, tmp_path) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key",
        "MAIL_BACKEND": "memory",
        "COOKIE_SECURE": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "RATELIMIT_ENABLED": False,
        "BASE_URL": "http://localhost",
    }


@pytest.fixture(scope="session")
def migrated(database_url, tmp_path_factory) -> str:
    """Build the schema from the migrations, once per test run."""
    os.environ.setdefault("LMS_INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
    app = create_app(test_config(database_url, None))
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        from lms.migrations_support import upgrade_database

        upgrade_database()
        db.engine.dispose()
    return database_url


def empty_all_tables() -> None:
    from sqlalchemy import inspect

    with db.engine.begin() as connection:
        existing = set(inspect(connection).get_table_names()) - {"alembic_version"}
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name in existing]
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            from lms.core.audit import APPEND_ONLY_SQLITE, DROP_APPEND_ONLY_SQLITE

            # The audit log refuses deletes; lift that only to reset between tests.
            for statement in DROP_APPEND_ONLY_SQLITE:
                connection.execute(text(statement))
            for table in tables:
                connection.execute(table.delete())
            if "audit_events" in existing:
                for statement in APPEND_ONLY_SQLITE:
                    connection.execute(text(statement))


@pytest.fixture
def app_config(migrated, tmp_path) -> dict:
    """Override in a module (or extend) to change settings for its tests."""
    return test_config(migrated, tmp_path)


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = Client
    with app.app_context():
        yield app
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def make_app(app_config):
    """Another app on the same database (e.g. with a plugin disabled)."""
    made = []

    def make(**overrides):
        if "DISABLED_PLUGINS" in overrides:
            # Plugins left out of this environment stay out.
            from lms.config import from_environment

            overrides["DISABLED_PLUGINS"] = sorted(
                {*overrides["DISABLED_PLUGINS"], *from_environment()["DISABLED_PLUGINS"]}
            )
        other = create_app({**app_config, **overrides})
        other.test_client_class = Client
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


_ids = count(1)


@pytest.fixture
def make_user(app):
    def make(email: str | None = None, *, admin: bool = False, password: bool = True, **fields):
        number = next(_ids)
        user = User(
            email=email or f"person{number}@example.org",
            given_name=fields.pop("given_name", f"Person{number}"),
            family_name=fields.pop("family_name", "Example"),
            is_admin=admin,
            **fields,
        )
        if password:
            user.password_hash = _PASSWORD_HASH
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_cohort(app):
    def make(slug: str | None = None, start: date = date(2026, 9, 7), breaks=(), **fields):
        from lms.core.models import CohortBreak

        number = next(_ids)
        cohort = Cohort(
            slug=slug or f"cohort-{number}",
            name=fields.pop("name", f"Cohort {number}"),
            programme=fields.pop("programme", "involving-people"),
            start_date=start,
            session_weekday=start.weekday(),
            **fields,
        )
        cohort.breaks = [CohortBreak(week_of=day) for day in breaks]
        db.session.add(cohort)
        db.session.commit()
        return cohort

    return make


def record_consent(membership, given: bool = True) -> None:
    """Consent to every evaluation use, through the service the consent page and the
    roster import use (never by setting the column)."""
    from lms.core import consent

    consent.record_for_every_purpose(membership, given, by=membership.user, source=consent.PAGE)
    db.session.commit()


@pytest.fixture
def make_membership(app, make_user):
    def make(cohort, role: str = "trainee", user=None, group: str | None = None, **fields):
        consent = fields.pop("evaluation_consent", None)
        user = user or make_user()
        tutor_group = None
        if group is not None:
            tutor_group = db.session.query(TutorGroup).filter_by(cohort=cohort, name=group).first()
            tutor_group = tutor_group or TutorGroup(cohort=cohort, name=group)
        membership = Membership(
            user=user, cohort=cohort, role=role, tutor_group=tutor_group, **fields
        )
        db.session.add(membership)
        db.session.commit()
        if consent is not None:
            record_consent(membership, consent)
        return membership

    return make


@pytest.fixture
def client_for(app):
    """A separate signed-in browser per person (signing out and in again on one client
    trips over the shared client's CSRF helper)."""

    def make(user):
        browser = app.test_client()
        response = browser.post("/sign-in", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        return browser

    return make


@pytest.fixture
def login_as(client):
    def login(user, password: str = PASSWORD):
        response = client.post("/sign-in", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return login


class QueryCounter:
    """Counts SQL statements sent by requests (and anything else) while active."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _count(self, conn, cursor, statement, *args):
        if not statement.startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            self.statements.append(statement)

    def __enter__(self):
        from sqlalchemy import event

        self.statements.clear()
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._count)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as counter: client.get(...)`; then `counter.count`."""
    return lambda: QueryCounter(db.engine)
