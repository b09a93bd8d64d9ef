"""Security headers, sessions, the audit log and data-protection rights."""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from lms.core import audit
from lms.core.audit import AuditEvent
from lms.core.cohorts import counts_by_sector
from lms.core.models import Cohort, Membership, User, utcnow
from lms.extensions import db
from tests.conftest import PASSWORD

LMS = Path(sys.executable).with_name("lms")


def test_pages_send_strict_security_headers_and_no_inline_script(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    page = response.get_data(as_text=True)
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
    assert " style=" not in page


def test_https_responses_add_hsts(client):
    response = client.get("/sign-in", base_url="https://lms.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_cookie_is_httponly_samesite_and_secure_in_production(make_app):
    production = make_app(COOKIE_SECURE=True)
    client = production.test_client()
    response = client.get("/sign-in", base_url="https://lms.example")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_signing_in_starts_a_fresh_session(client, make_user):
    user = make_user()
    with client.session_transaction() as session:
        session["planted_by_attacker"] = "x"
    client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted_by_attacker" not in session
        assert session["_user_id"].startswith(f"{user.id}.")


class TestAuditLog:
    def test_roster_import_and_role_change_are_logged_and_admins_can_read_them(
        self, client, login_as, make_cohort, make_membership, make_user
    ):
        cohort = make_cohort()
        lead = make_membership(cohort, role="lead")
        member = make_membership(cohort)
        login_as(lead.user)
        csv = (
            "email,given_name,family_name,role,sector,organisation,job_title,area,"
            "tutor_group,lived_experience\nnew@example.org,New,Person,trainee,charity,,,,,no\n"
        )
        client.post(
            f"/cohorts/{cohort.slug}/roster",
            data={"roster": (io.BytesIO(csv.encode()), "r.csv")},
            content_type="multipart/form-data",
        )
        changed = client.post(
            f"/cohorts/{cohort.slug}/members/{member.id}",
            data={"role": "tutor", "sector": "other", "tutor_group": ""},
        )
        assert changed.headers["Location"].endswith("/members"), changed.headers["Location"]
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions == ["roster.imported", "role.changed"]
        assert client.get("/admin/audit").status_code == 403
        client.post("/sign-out", data={})
        login_as(make_user(admin=True))
        page = client.get("/admin/audit").get_data(as_text=True)
        assert "Imported a roster" in page and "Changed a member&#39;s role or details" in page
        exported = client.get("/admin/audit.csv").get_data(as_text=True)
        assert "roster.imported" in exported and "role.changed" in exported

    def test_the_database_refuses_to_change_or_delete_entries(self, app, make_user):
        audit.record("data.exported", make_user(), what="test")
        db.session.commit()
        for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
            with pytest.raises(DatabaseError, match="append-only"):
                db.session.execute(text(statement))
            db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_a_member_downloads_all_their_data(client, login_as, make_cohort, make_membership):
    member = make_membership(make_cohort(name="Newry 2026"), organisation="Carers Network")
    login_as(member.user)
    response = client.post("/account/personal-data.zip", data={})
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read("personal-data.json"))
    assert data["core"]["account"]["email"] == member.user.email
    assert data["core"]["memberships"][0]["cohort"] == "Newry 2026"
    assert data["core"]["memberships"][0]["organisation"] == "Carers Network"
    assert db.session.scalar(select(AuditEvent.action)) == "personal_data.downloaded"


def _enrolled_by_sector(cohort) -> dict[str, int]:
    rows = db.session.execute(
        select(Membership.sector, func.count())
        .where(Membership.cohort_id == cohort.id, Membership.role == "trainee")
        .group_by(Membership.sector)
    )
    return dict(rows.all())


def test_an_admin_erases_a_user_and_the_cohort_figures_stay(
    client, login_as, make_cohort, make_membership, make_user
):
    cohort = make_cohort()
    person = make_membership(cohort, sector="charity", organisation="Secret Org").user
    make_membership(cohort, sector="charity")
    enrolled = _enrolled_by_sector(cohort)
    admin = make_user(admin=True)
    login_as(admin)
    refused = client.post(f"/admin/users/{person.id}", data={"confirm": "erase"})
    assert refused.status_code == 400 and "Type ERASE, in capitals" in refused.get_data(
        as_text=True
    )
    response = client.post(f"/admin/users/{person.id}", data={"confirm": "ERASE"})
    assert response.status_code == 302
    db.session.rollback()  # end the read snapshot: see the other process's writes
    erased = db.session.get(User, person.id)
    assert erased.email == f"erased-{person.id}@erased.invalid"
    assert erased.full_name == f"Erased user {person.id}"
    assert erased.password_hash is None
    assert db.session.get(Membership, erased.memberships[0].id).organisation == ""
    # Enrolment figures (withdrawals included) stay; the erased person is no longer
    # an active member (issue 19, item 15), so the active count loses them.
    assert _enrolled_by_sector(cohort) == enrolled == {"charity": 2}
    assert counts_by_sector(db.session.get(Cohort, cohort.id)) == {"charity": 1}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.erased"))
    assert (event.actor_id, event.subject_user_id) == (admin.id, person.id)
    client.post("/sign-out", data={})
    assert (
        client.post("/sign-in", data={"email": "x@example.org", "password": PASSWORD}).status_code
        == 401
    )


def run_lms(app, *args: str, input_text: str | None = None) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "LMS_SECRET_KEY": "k",
    }
    return subprocess.run(
        [str(LMS), *args], capture_output=True, text=True, env=env, input=input_text, timeout=120
    )


def test_retention_purge_is_a_dry_run_until_applied(app, make_cohort, make_membership):
    old = make_cohort(archived_at=utcnow() - timedelta(days=400))
    recent = make_cohort(archived_at=utcnow() - timedelta(days=10))
    gone = make_membership(old, organisation="Old Org").user
    kept = make_membership(recent).user
    db.session.commit()
    dry = run_lms(app, "retention", "purge")
    assert dry.returncode == 0, dry.stderr
    assert f"{old.slug}: Would erase the personal data of 1 people." in dry.stdout
    assert recent.slug not in dry.stdout
    db.session.rollback()  # end the read snapshot: see the other process's writes
    assert not db.session.get(User, gone.id).email.startswith("erased-")
    applied = run_lms(app, "retention", "purge", "--apply")
    assert applied.returncode == 0, applied.stderr
    db.session.rollback()  # end the read snapshot: see the other process's writes
    assert db.session.get(User, gone.id).email.startswith("erased-")
    assert not db.session.get(User, kept.id).email.startswith("erased-")


def test_backup_while_in_use_and_restore_after_checking(app, make_user, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("backup/restore is for the embedded SQLite database")
    make_user("before@example.org")
    db.session.commit()
    live = Path(db.engine.url.database)
    writer = sqlite3.connect(live)
    writer.execute("BEGIN IMMEDIATE")  # another process is mid-write
    writer.execute(
        "INSERT INTO users (email, given_name, family_name, session_token, is_admin, created_at)"
        " VALUES ('uncommitted@example.org', '', '', 't', 0, '2026-01-01')"
    )
    target = tmp_path / "backup.sqlite3"
    result = run_lms(app, "backup", str(target))
    writer.rollback()
    writer.close()
    assert result.returncode == 0, result.stderr
    copy = sqlite3.connect(target)
    emails = {row[0] for row in copy.execute("SELECT email FROM users")}
    copy.close()
    assert "before@example.org" in emails and "uncommitted@example.org" not in emails
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    refused = run_lms(app, "restore", str(junk), "--yes")
    assert refused.returncode != 0 and "cannot be restored" in refused.stderr
    make_user("after@example.org")
    db.session.commit()
    db.session.remove()
    db.engine.dispose()
    restored = run_lms(app, "restore", str(target), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert db.session.scalar(select(User).where(User.email == "after@example.org")) is None
    assert db.session.scalar(select(User).where(User.email == "before@example.org")) is not None


@pytest.mark.skipif(
    not os.environ.get("LMS_TEST_REDIS_URL"), reason="no Redis (CI sets LMS_TEST_REDIS_URL)"
)
def test_rate_limits_are_shared_through_redis(make_app, make_user):
    import redis

    url = os.environ["LMS_TEST_REDIS_URL"]
    redis.Redis.from_url(url).flushdb()
    settings = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": url,
        "LOGIN_LIMIT_PER_ACCOUNT": "2 per 10 minutes",
    }
    user = make_user()
    first_worker, second_worker = make_app(**settings), make_app(**settings)
    for worker in (first_worker, second_worker):
        assert (
            worker.test_client()
            .post("/sign-in", data={"email": user.email, "password": "wrong"})
            .status_code
            == 401
        )
    blocked = first_worker.test_client().post(
        "/sign-in", data={"email": user.email, "password": PASSWORD}
    )
    assert blocked.status_code == 429
    assert redis.Redis.from_url(url).dbsize() > 0


class _HugeBody(io.RawIOBase):
    """A request body of `size` bytes, made as it is read; counts the bytes read."""

    def __init__(self, size: int):
        self.size, self.position, self.read_so_far = size, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = {0: offset, 1: self.position + offset, 2: self.size + offset}[whence]
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        count = max(0, min(len(buffer), self.size - self.position))
        buffer[:count] = b"a" * count
        self.position += count
        self.read_so_far += count
        return count


def test_a_body_over_the_limit_is_refused_before_it_is_read(client):
    body = _HugeBody(100 * 1024 * 1024)
    response = client.post(
        "/sign-in",
        input_stream=body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "What you sent is too large" in page and "Files can be up to 10 MB" in page
    assert 'class="govuk-heading-l"' in page and "govuk-template" in page  # our own page
    assert body.read_so_far < 1024 * 1024


def test_pages_and_downloads_with_personal_data_are_never_stored_in_caches(
    client, login_as, make_cohort, make_membership, make_user
):
    cohort = make_cohort(start=date(2026, 9, 7), name="Cache 2026")
    trainee = make_membership(cohort, group="Group A")
    lead = make_membership(cohort, "lead")
    admin = make_user(admin=True)
    with client.get("/static/app.css") as asset:
        assert asset.status_code == 200
        assert "no-store" not in asset.headers.get("Cache-Control", "")
    login_as(trainee.user)
    pages = [
        ("get", "/dashboard"),
        ("get", f"/cohorts/{cohort.slug}/reflections/weeks/1"),
        ("get", f"/cohorts/{cohort.slug}/reflections/portfolio.md"),
        ("post", "/account/personal-data.zip"),
    ]
    for method, path in pages:
        response = getattr(client, method)(path, **({"data": {}} if method == "post" else {}))
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    with client.get("/static/app.css") as asset:  # signed in: assets stay cacheable
        assert asset.status_code == 200
        assert "no-store" not in asset.headers.get("Cache-Control", "")
    client.post("/sign-out", data={})
    login_as(lead.user)
    for path in (f"/cohorts/{cohort.slug}/members", f"/cohorts/{cohort.slug}/roster.csv"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    client.post("/sign-out", data={})
    login_as(admin)
    for path in ("/admin/users", "/admin/audit", "/admin/audit.csv"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


# Form posts that carry no typed text worth keeping (or must never be kept), and why.
# Every other form post keeps its text across an expired session (`keeps_unsaved_text`).
NOTHING_TYPED_TO_KEEP = {
    "admin.download_personal_data": "a button",
    "admin.user": "the word ERASE, typed to confirm",
    "api_tokens.create": "a short label for a new credential: refused outright (400)",
    "api_tokens.revoke": "a button",
    "auth.accept_invitation": "passwords are never kept",
    "auth.confirm_email": "a button",
    "auth.change_password": "passwords are never kept",
    "auth.login": "passwords are never kept",
    "auth.logout": "a button",
    "auth.request_reset": "an email address, on a public page",
    "auth.reset_password": "passwords are never kept",
    "calendar.create": "a button",
    "calendar.revoke": "a button",
    "cohorts.reinstate": "a button",
    "cohorts.roster": "a file: it is still on the person's computer",
    "consent.give": "radios",
    "consent.remind": "a button",
    "consent.withdraw": "a button",
    "evaluation.copy_codebook": "a choice of cohort",
    "evaluation.delete_coding": "a button",
    "initiatives.assign": "checkboxes",
    "people.deactivate": "a button",
    "people.reactivate": "a button",
    "people.resend_invitation": "a button",
    "people.send_reset_link": "a button",
    "notifications.preferences": "radios",
    "notifications.read_all": "a button",
    "notifications.unsubscribe": "a button",
    "initiatives.files_page": "files: they are still on the person's computer",
    "initiatives.remove_file": "a button",
    "reflections.files_page": "files: they are still on the person's computer",
    "reflections.remove_file": "a button",
    "initiatives.milestone_done": "a date",
    "initiatives.partner_new_link": "a button, on a public page",
    "initiatives.partner_sign_in": "a button, on a public page",
    "initiatives.remove_partner": "a button",
    "reflections.autosave": "the editor's script keeps the text on the page",
    "reflections.mark_reviewed": "a button",
    "reflections.sharing": "radios and a checkbox",
    "reminders.settings": "checkboxes",
    "reminders.unsubscribe": "a button",
    "sessions.issue": "a button",
}


def test_every_form_with_typed_text_keeps_it_across_an_expired_session(app):
    forgotten, endpoints = [], {rule.endpoint for rule in app.url_map.iter_rules()}
    for rule in app.url_map.iter_rules():
        if not rule.methods & {"POST", "PUT", "PATCH"} or rule.endpoint.startswith("api."):
            continue  # the JSON API takes bearer tokens: it has no session to expire
        view = app.view_functions[rule.endpoint]
        if not getattr(view, "keeps_unsaved_text", False):
            forgotten.append(rule.endpoint)
    assert sorted(set(forgotten) - set(NOTHING_TYPED_TO_KEEP)) == []
    # The list stays true (plugins left out of this environment aside).
    assert sorted(set(NOTHING_TYPED_TO_KEEP) & endpoints - set(forgotten)) == []


def test_a_leads_cohort_settings_survive_an_expired_session(app, make_cohort, make_membership):
    cohort = make_cohort()
    lead = make_membership(cohort, "lead")
    browser = app.test_client()
    browser.post("/sign-in", data={"email": lead.user.email, "password": PASSWORD})
    page = f"/cohorts/{cohort.slug}/settings"
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', browser.get(page).text)[1]
    with browser.session_transaction() as session:
        session.clear()  # the session expired
    breaks = "21/12/2026\n28/12/2026\n13/04/2027"
    posted = browser.post(
        page,
        data={
            "start_date-day": "7",
            "start_date-month": "9",
            "start_date-year": "2026",
            "session_weekday": "0",
            "breaks": breaks,
            "csrf_token": token,
        },
    )
    assert posted.status_code == 302 and posted.headers["Location"] == f"/sign-in?next={page}"
    signed_in = browser.post(
        posted.headers["Location"], data={"email": lead.user.email, "password": PASSWORD}
    )
    landed = browser.get(signed_in.headers["Location"])
    assert landed.status_code == 200
    assert re.search(r'<textarea[^>]*name="breaks"[^>]*>\s*' + re.escape(breaks), landed.text)
    assert db.session.get(Cohort, cohort.id).break_dates == []  # nothing saved signed out
