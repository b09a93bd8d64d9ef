"""What an operator relies on: the health check, the client's address behind a proxy,
and links in emails that lead to the service's public address (or no email at all)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from lms.core import mail
from lms.core.audit import AuditEvent
from lms.core.models import User
from lms.core.roster import HEADER
from lms.extensions import db

ROSTER = (
    ",".join(HEADER) + "\r\nnew@example.org,New,Person,trainee,voluntary,Org,Job,Area,G1,no\r\n"
)


def test_health_check_says_the_database_answers_and_nothing_else(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert "Set-Cookie" not in response.headers  # no session for a load balancer's probe


def test_health_check_is_503_when_the_database_does_not_answer(make_app, tmp_path):
    broken = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/folder/x.db")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def _failed_sign_in(app, email: str, client_address: str):
    return app.test_client().post(
        "/sign-in",
        data={"email": email, "password": "wrong"},
        headers={"X-Forwarded-For": client_address},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},  # the proxy
    )


def _limited(make_app, hops: int):
    return make_app(
        TRUSTED_PROXIES=hops,
        RATELIMIT_ENABLED=True,
        LOGIN_LIMIT_PER_ADDRESS="2 per 10 minutes",
        LOGIN_LIMIT_PER_ACCOUNT="100 per 10 minutes",
    )


def test_behind_one_trusted_proxy_the_limit_is_per_client_address(make_app):
    app = _limited(make_app, 1)
    assert _failed_sign_in(app, "a@example.org", "203.0.113.7").status_code == 401
    assert _failed_sign_in(app, "b@example.org", "203.0.113.7").status_code == 401
    assert _failed_sign_in(app, "c@example.org", "203.0.113.7").status_code == 429
    # Another person behind the same proxy is not locked out by the first.
    assert _failed_sign_in(app, "d@example.org", "203.0.113.8").status_code == 401


def test_without_trusted_proxies_forwarded_addresses_are_ignored(make_app):
    app = _limited(make_app, 0)
    assert _failed_sign_in(app, "e@example.org", "198.51.100.1").status_code == 401
    assert _failed_sign_in(app, "f@example.org", "198.51.100.2").status_code == 401
    # A made-up X-Forwarded-For does not buy an attacker fresh attempts.
    assert _failed_sign_in(app, "g@example.org", "198.51.100.3").status_code == 429


def _audited_address(app, user, forwarded: str) -> str:
    from tests.conftest import PASSWORD

    browser = app.test_client()
    headers = {"X-Forwarded-For": forwarded}
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    signed_in = browser.post(
        "/sign-in",
        data={"email": user.email, "password": PASSWORD},
        headers=headers,
        environ_base=proxy,
    )
    assert signed_in.status_code == 302
    download = browser.post(
        "/account/personal-data.zip", data={}, headers=headers, environ_base=proxy
    )
    assert download.status_code == 200
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "personal_data.downloaded")
            .order_by(AuditEvent.id.desc())
        ).first()
        return event.ip_address


def test_the_audit_log_records_the_client_behind_a_trusted_proxy(make_app, make_user):
    user = make_user()
    assert _audited_address(make_app(TRUSTED_PROXIES=1), user, "203.0.113.9") == "203.0.113.9"
    assert _audited_address(make_app(TRUSTED_PROXIES=0), user, "203.0.113.9") == "10.0.0.2"


def test_https_is_recognised_behind_a_trusted_proxy(make_app):
    app = make_app(TRUSTED_PROXIES=1)
    response = app.test_client().get("/sign-in", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response.headers


def test_an_import_that_would_invite_is_refused_without_a_public_address(
    app, client, login_as, make_cohort, make_membership
):
    app.config["BASE_URL"] = ""
    cohort = make_cohort()
    login_as(make_membership(cohort, role="lead").user)
    response = client.post(
        f"/cohorts/{cohort.slug}/roster",
        data={"roster": (io.BytesIO(ROSTER.encode()), "roster.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was imported" in page and "Set LMS_BASE_URL" in page
    assert db.session.scalar(select(func.count()).select_from(User)) == 1  # the lead only
    assert mail.outbox() == []


def test_the_cli_import_refuses_without_a_public_address_and_links_to_it_with_one(
    app, make_cohort, tmp_path
):
    cohort = make_cohort()
    path = tmp_path / "people.csv"
    path.write_text(ROSTER)
    lms = Path(sys.executable).with_name("lms")
    env = {k: v for k, v in os.environ.items() if k != "LMS_BASE_URL"}
    env.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], LMS_SECRET_KEY="k")
    refused = subprocess.run(  # noqa: S603 - our own console script
        [str(lms), "roster", "import", cohort.slug, str(path)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert refused.returncode == 1
    assert f"{path}: nothing was imported" in refused.stderr and "LMS_BASE_URL" in refused.stderr
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(User)) == 0

    env["LMS_MAIL_BACKEND"] = "console"  # the invitation is printed to the log
    done = subprocess.run(  # noqa: S603 - our own console script
        [str(lms), "roster", "import", cohort.slug, str(path)],
        capture_output=True,
        text=True,
        env={**env, "LMS_BASE_URL": "https://lms.example.org/"},
    )
    assert done.returncode == 0, done.stderr
    assert "https://lms.example.org/invitation/" in done.stderr


def test_a_password_reset_without_a_public_address_says_the_same_and_sends_nothing(
    app, client, make_user
):
    app.config["BASE_URL"] = ""
    user = make_user()
    unknown = client.post("/password-reset", data={"email": "nobody@example.org"})
    response = client.post("/password-reset", data={"email": user.email})
    assert response.status_code == unknown.status_code == 200
    assert response.get_data(as_text=True).replace(user.email, "nobody@example.org") == (
        unknown.get_data(as_text=True)
    )
    assert mail.outbox() == []
