"""Personal access tokens: made and revoked on the account page, shown once, stored
only as a hash, scoped, and the only way in (no cookies)."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from lms.extensions import db
from lms.plugins.api.models import ApiToken
from tests.plugins.api.conftest import assert_problem

SECRET = re.compile(r'id="api-token"[^>]*value="(ipl_[^"]+)"')


def _create(client, name="Power BI report", scope="read"):
    return client.post("/account/api-tokens", data={"name": name, "scope": scope})


def test_token_is_shown_once_stored_hashed_and_works(login_as, trainee, call):
    client = login_as(trainee.user)
    page = client.get("/account/api-tokens").get_data(as_text=True)
    assert "You have no API tokens." in page

    response = _create(client)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "Copy the token now" in html
    secret = SECRET.search(html).group(1)
    assert len(secret) > 40

    token = db.session.scalar(select(ApiToken))
    assert token.user_id == trainee.user_id
    assert token.name == "Power BI report" and token.scope == "read"
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = [str(value) for value in vars(token).values()]
    assert not any(secret in value for value in stored)

    listing = client.get("/account/api-tokens").get_data(as_text=True)
    assert "Power BI report" in listing and "Read only" in listing and "Not yet" in listing
    assert secret not in listing
    assert token.prefix in listing

    assert call("GET", "/me", secret).status_code == 200
    db.session.refresh(token)
    assert token.last_used_at is not None


def test_revoked_token_is_refused(login_as, trainee, call):
    client = login_as(trainee.user)
    secret = SECRET.search(_create(client).get_data(as_text=True)).group(1)
    token = db.session.scalar(select(ApiToken))
    response = client.post(f"/account/api-tokens/{token.id}/revoke", data={})
    assert response.status_code == 302
    page = client.get("/account/api-tokens").get_data(as_text=True)
    assert "is revoked" in page and "Revoked" in page
    db.session.refresh(token)
    assert token.revoked_at is not None
    body = assert_problem(call("GET", "/me", secret), 401)
    assert "revoked" in body["detail"]


def test_you_cannot_revoke_someone_elses_token(login_as, trainee, other_trainee, token_for):
    token_for(other_trainee)
    theirs = db.session.scalar(select(ApiToken))
    client = login_as(trainee.user)
    assert client.post(f"/account/api-tokens/{theirs.id}/revoke", data={}).status_code == 404
    db.session.refresh(theirs)
    assert theirs.revoked_at is None


def test_a_token_needs_a_name_and_a_scope(login_as, trainee):
    client = login_as(trainee.user)
    response = client.post("/account/api-tokens", data={"name": "  ", "scope": "admin"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert "Enter a name for the token" in html
    assert "Select what the token may do" in html or "Not a valid choice" in html
    assert db.session.scalar(select(ApiToken)) is None


def test_the_token_page_needs_csrf_and_sign_in(client, login_as, trainee):
    assert client.get("/account/api-tokens").status_code == 302
    signed_in = login_as(trainee.user)
    response = signed_in.post(
        "/account/api-tokens", data={"name": "x", "scope": "read"}, csrf=False
    )
    assert response.status_code == 400
    assert db.session.scalar(select(ApiToken)) is None


def test_no_token_or_a_wrong_one_is_401(call, trainee, token_for):
    token_for(trainee)
    response = call("GET", "/me")
    body = assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in body["detail"]
    assert_problem(call("GET", "/me", "ipl_not-a-real-token"), 401)
    assert_problem(call("GET", "/me", headers={"Authorization": "Basic dXNlcjpwYXNz"}), 401)
    assert_problem(call("GET", "/me", "x" * 5000), 401)


def test_a_signed_in_browser_session_is_not_api_auth(login_as, trainee):
    client = login_as(trainee.user)
    assert_problem(client.get("/api/v1/me"), 401)


def test_read_tokens_cannot_write(call, token_for, trainee):
    token = token_for(trainee, "read")
    response = call(
        "PUT", "/cohorts/autumn/reflections/1", token, json={"answers": {}, "based_on_version": 0}
    )
    body = assert_problem(response, 403)
    assert "read-only" in body["detail"]
    assert body["type"].endswith("#problem-insufficient-scope")
    from lms.plugins.reflections.models import Entry

    assert db.session.scalar(select(Entry)) is None


def test_api_writes_need_no_csrf_token(call, token_for, trainee):
    # WTF_CSRF is on in tests; a token-authenticated JSON write still goes through.
    response = call(
        "PUT",
        "/cohorts/autumn/reflections/1",
        token_for(trainee),
        json={"answers": {"starting_point": "x"}, "based_on_version": 0},
    )
    assert response.status_code == 200, response.get_data(as_text=True)


def test_personal_data_and_erasure(app, trainee, token_for):
    from lms.core import privacy

    token_for(trainee, name="Weekly export")
    manager = app.extensions["lms"]
    data = {}
    for item in manager.hook.lms_personal_data(user=trainee.user):
        data.update(item or {})
    [held] = data["api_tokens"]
    assert held["name"] == "Weekly export" and "token_hash" not in held
    manager.hook.lms_erase_personal_data(user=trainee.user)
    db.session.commit()
    assert db.session.scalar(select(ApiToken)) is None
    assert privacy  # the core's erase goes through the same hook


def test_a_deactivated_persons_tokens_stop_working(
    login_as, client_for, trainee, cohort, make_membership, call
):
    client = login_as(trainee.user)
    secret = SECRET.search(_create(client).get_data(as_text=True)).group(1)
    assert call("GET", "/me", secret).status_code == 200
    lead = client_for(make_membership(cohort, "lead").user)
    done = lead.post(f"/people/{trainee.user_id}/deactivate", data={"email": trainee.user.email})
    assert done.status_code == 302
    assert_problem(call("GET", "/me", secret), 401)
    back = lead.post(f"/people/{trainee.user_id}/reactivate", data={"email": trainee.user.email})
    assert back.status_code == 302
    assert call("GET", "/me", secret).status_code == 200
