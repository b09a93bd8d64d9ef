"""Signing in, invitations, resets and their bad inputs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from lms.core import accounts, mail
from lms.core.models import User
from lms.extensions import db
from tests.conftest import PASSWORD


def link_in(message) -> str:
    return re.search(r"http://localhost(/\S+)", message.body).group(1)


def test_sign_in_with_any_case_email_reaches_the_dashboard(client, make_user):
    user = make_user("Sam.Jones@example.org".lower(), given_name="Sam")
    response = client.post(
        "/sign-in", data={"email": "SAM.JONES@Example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hello, Sam" in page
    assert db.session.get(User, user.id).last_login_at is not None


@pytest.mark.parametrize("email", ["person@example.org", "nobody@example.org"])
def test_wrong_password_and_unknown_email_get_the_same_answer(client, make_user, email):
    make_user("person@example.org")
    response = client.post("/sign-in", data={"email": email, "password": "wrong password"})
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "The email address or password is not right" in page
    assert "There is a problem" in page  # GOV.UK error summary
    assert 'href="#password"' in page


@pytest.mark.parametrize(
    "email", ["known@example.org", "nobody@example.org", "invited@example.org"]
)
def test_every_sign_in_checks_one_password_hash_of_the_same_cost(
    client, make_user, monkeypatch, email
):
    """Timing does not tell who has an account: an unknown address, or an invited person
    with no password yet, costs one hash check like a wrong password does."""
    known = make_user("known@example.org")
    make_user("invited@example.org", password=False)
    checked = []
    real = accounts.check_password_hash
    monkeypatch.setattr(
        accounts,
        "check_password_hash",
        lambda stored, given: checked.append(stored) or real(stored, given),
    )
    response = client.post("/sign-in", data={"email": email, "password": "wrong password"})
    assert response.status_code == 401
    assert "The email address or password is not right" in response.get_data(as_text=True)
    assert len(checked) == 1
    # The same method and work factor as a real password hash.
    assert checked[0].split("$")[0] == known.password_hash.split("$")[0]


def test_missing_fields_are_listed_next_to_each_field(client):
    response = client.post("/sign-in", data={"email": "", "password": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter your email address" in page
    assert "Enter your password" in page
    assert "<title>Error: Sign in" in page


def test_a_post_without_the_csrf_token_is_refused(client, make_user):
    user = make_user()
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # still signed out


def test_next_parameter_only_follows_same_site_paths(client, make_user):
    user = make_user()
    for target, expected in [
        ("/privacy", "/privacy"),
        ("https://evil.example/", "/dashboard"),
        ("//evil.example/", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
    ]:
        response = client.post(
            f"/sign-in?next={target}", data={"email": user.email, "password": PASSWORD}
        )
        assert response.headers["Location"] == expected, target
        client.post("/sign-out", data={})


def test_signing_out_needs_a_post_and_ends_the_session(client, login_as, make_user):
    login_as(make_user())
    assert client.get("/sign-out").status_code == 405
    client.post("/sign-out", data={})
    assert client.get("/dashboard").headers["Location"].startswith("/sign-in")


def test_signing_out_ends_remember_me_and_every_copy_of_the_cookies(app, make_user):
    user = make_user()
    browser = app.test_client()
    browser.post("/sign-in", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    remember, session_cookie = browser.get_cookie("remember_token"), browser.get_cookie("session")
    assert remember is not None and session_cookie is not None
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)
    assert remember.expires < datetime.now(UTC) + timedelta(days=31)  # not a year

    signed_out = browser.post("/sign-out", data={})
    assert signed_out.status_code == 302
    deleted = [
        h for h in signed_out.headers.getlist("Set-Cookie") if h.startswith("remember_token=")
    ]
    assert deleted and "Expires=Thu, 01 Jan 1970" in deleted[0]
    assert browser.get_cookie("remember_token") is None
    assert browser.get("/dashboard").headers["Location"].startswith("/sign-in")

    # Cookies copied before signing out no longer open anything: the token is rotated.
    for name, cookie in (("remember_token", remember), ("session", session_cookie)):
        copy = app.test_client()
        copy.set_cookie(name, cookie.value)
        response = copy.get("/dashboard")
        assert response.status_code == 302, name
        assert response.headers["Location"].startswith("/sign-in"), name
    assert db.session.get(User, user.id).session_token != session_cookie.value


def test_changing_password_revokes_remember_me_elsewhere(app, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    for device in (laptop, phone):
        device.post("/sign-in", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert phone.get("/dashboard").status_code == 200
    response = laptop.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/dashboard").status_code == 200  # this device stays signed in
    assert phone.get("/dashboard").status_code == 302  # the other is signed out
    assert db.session.get(User, user.id).check_password("a brand new passphrase")


def test_invitation_sets_a_password_once(app, client, make_user):
    user = make_user("new@example.org", password=False)
    accounts.send_invitation(user, "Cohort 7")
    (message,) = mail.outbox()
    assert message.to == "new@example.org"
    assert "Cohort 7" in message.body
    path = link_in(message)
    page = client.get(path).get_data(as_text=True)
    assert "You will sign in with <strong>new@example.org</strong>" in page
    response = client.post(path, data={"password": "short", "confirm": "short"})
    assert response.status_code == 400
    assert "Password must be between 10 and 200 characters" in response.get_data(as_text=True)
    response = client.post(
        path, data={"password": "long enough pass", "confirm": "long enough pass"}
    )
    assert response.status_code == 302
    assert db.session.get(User, user.id).check_password("long enough pass")
    client.post("/sign-out", data={})
    reused = client.get(path)
    assert reused.status_code == 410
    assert "already been used" in reused.get_data(as_text=True)


def test_expired_and_tampered_invitations_are_refused(app, client, make_user):
    user = make_user(password=False)
    token = accounts.make_token(user, accounts.INVITATION)
    app.config["INVITATION_MAX_AGE_DAYS"] = -1
    expired = client.get(f"/invitation/{token}")
    assert expired.status_code == 410
    assert "expired" in expired.get_data(as_text=True)
    app.config["INVITATION_MAX_AGE_DAYS"] = 14
    tampered = client.get(f"/invitation/{token[:-2]}xx")
    assert tampered.status_code == 400
    assert "not valid" in tampered.get_data(as_text=True)
    assert db.session.get(User, user.id).password_hash is None


def test_reset_never_reveals_whether_an_account_exists(client, make_user):
    make_user("known@example.org")
    known = client.post("/password-reset", data={"email": "known@example.org"})
    unknown = client.post("/password-reset", data={"email": "unknown@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert "Check your email" in known.get_data(as_text=True)
    assert "Check your email" in unknown.get_data(as_text=True)
    # Both pages are answered before any email goes out (a slow mail server must not
    # tell who has an account): the email leaves once the response has been sent.
    assert mail.outbox() == []
    known.close()
    unknown.close()
    assert [m.to for m in mail.outbox()] == ["known@example.org"]


def test_reset_link_changes_the_password_and_works_once(client, make_user):
    user = make_user("known@example.org")
    client.post("/password-reset", data={"email": "known@example.org"}).close()  # sent after
    path = link_in(mail.outbox()[0])
    response = client.post(
        path, data={"password": "reset passphrase", "confirm": "reset passphrase"}
    )
    assert response.status_code == 302
    assert db.session.get(User, user.id).check_password("reset passphrase")
    assert client.get(path).status_code == 410


def test_emails_are_unique_whatever_their_case(app, make_user):
    make_user("dup@example.org")
    assert accounts.find_user("DUP@EXAMPLE.ORG") is not None
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 1


class TestRateLimits:
    @pytest.fixture
    def app_config(self, app_config):
        return {
            **app_config,
            "RATELIMIT_ENABLED": True,
            "LOGIN_LIMIT_PER_ACCOUNT": "3 per 10 minutes",
        }

    def test_failed_sign_ins_to_one_account_are_limited(self, client, make_user):
        user = make_user()
        for _ in range(3):
            response = client.post("/sign-in", data={"email": user.email, "password": "wrong"})
            assert response.status_code == 401
        blocked = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
        assert blocked.status_code == 429
        assert "Too many attempts" in blocked.get_data(as_text=True)
        assert client.get("/dashboard").status_code == 302


def test_the_account_limit_holds_across_workers_on_the_embedded_default(make_app, make_user):
    """Two app objects on one database, as two workers (or hosts) with in-memory limits."""
    from lms.extensions import limiter

    settings = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_LIMIT_PER_ACCOUNT": "3 per 10 minutes",
    }
    user = make_user()
    first, second = make_app(**settings), make_app(**settings)

    def sign_in(worker, **data):
        # Memory limits live in each worker's process; the two apps of this test share
        # one process (and Flask-Limiter's one store), so forget what is in memory, as
        # another worker would never have seen it.
        limiter.reset()
        return worker.test_client().post("/sign-in", data={"email": user.email, **data})

    for worker in (first, second, first):
        assert sign_in(worker, password="x").status_code == 401
    for worker in (second, first):
        blocked = sign_in(worker, email=user.email.upper(), password=PASSWORD)
        assert blocked.status_code == 429
        assert "Too many attempts" in blocked.get_data(as_text=True)
    from lms.core.signin_attempts import SigninAttempt

    db.session.rollback()
    rows = db.session.scalars(select(SigninAttempt)).all()
    assert len(rows) == 3  # refused attempts are not stored: the table cannot be filled
    assert all(user.email not in row.account for row in rows)  # no addresses kept


def test_personal_settings_are_on_the_account_page_not_in_the_header(
    client, login_as, make_user, make_cohort, make_membership
):
    trainee = make_membership(make_cohort(), user=make_user())
    login_as(trainee.user)
    page = client.get("/account/").get_data(as_text=True)
    header, _, content = page.partition('id="main-content"')
    # Plugins add their per-person settings through `lms_account_links`.
    for text, href in (
        ("Your programme in your calendar", "/account/calendar"),
        ("Email reminders", "/account/reminders"),
        ("API tokens, for programs that read your data", "/account/api-tokens"),
    ):
        assert f'href="{href}">{text}</a>' in content
        assert f'href="{href}"' not in header
    # The header keeps the trainee's cohort work and their account.
    assert "Dashboard" in header and "Your account" in header
