"""Fixtures for the API tests: a cohort in its first week, one member per role, tokens,
and a helper that calls the API as a program would (bearer token, JSON, no cookies)."""

from __future__ import annotations

from datetime import date

import pytest

from lms.extensions import db
from lms.plugins.api import tokens

START = date(2026, 9, 7)  # a Monday: week 1 of the cohort
TODAY = date(2026, 9, 8)  # week 1: the first reflection and the "pre" survey are open
BREAKS = (date(2026, 12, 21),)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "TODAY": TODAY}


@pytest.fixture
def cohort(make_cohort):
    return make_cohort(slug="autumn", name="Autumn 2026", start=START, breaks=BREAKS)


@pytest.fixture
def trainee(cohort, make_membership, make_user):
    user = make_user(given_name="Tara", family_name="Trainee")
    return make_membership(cohort, "trainee", user=user, group="Group A", organisation="NHS")


@pytest.fixture
def other_trainee(cohort, make_membership, make_user):
    user = make_user(given_name="Omar", family_name="Other")
    return make_membership(cohort, "trainee", user=user, group="Group A")


@pytest.fixture
def tutor(cohort, make_membership, make_user):
    user = make_user(given_name="Tom", family_name="Tutor")
    return make_membership(cohort, "tutor", user=user, group="Group A")


@pytest.fixture
def lead(cohort, make_membership, make_user):
    user = make_user(given_name="Lee", family_name="Lead")
    return make_membership(cohort, "lead", user=user)


@pytest.fixture
def token_for(app):
    """A new token's secret for `user` (a User or a Membership)."""

    def make(who, scope: str = "read-write", name: str = "Script") -> str:
        user = getattr(who, "user", who)
        _, secret = tokens.create_token(user, name, scope)
        db.session.commit()
        return secret

    return make


@pytest.fixture
def call(app):
    """``call("GET", "/me", token, json=...)``: an API request from a program."""
    client = app.test_client()

    def request(method: str, path: str, token: str | None = None, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return client.open("/api/v1" + path, method=method, headers=headers, **kwargs)

    return request


def assert_problem(response, status: int, *, field: str | None = None) -> dict:
    """The response is an RFC 9457 problem with this status (and names `field`)."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status
    assert body["title"] and body["type"]
    assert body["instance"].startswith("/api/v1")
    if field is not None:
        assert field in [error["field"] for error in body["errors"]], body
    return body
