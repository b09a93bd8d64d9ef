"""A session that expires while writing keeps every word: sign in, land on the entry,
find the text in the form."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms.extensions import db
from lms.plugins.reflections.models import Version
from tests.conftest import PASSWORD
from tests.plugins.reflections.conftest import answers, based_on, editor


def test_an_expired_session_keeps_the_text_through_signing_in(client_for, cohort, trainee):
    browser = client_for(trainee.user)
    page = browser.get(editor(cohort)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    long_text = "Late at night I finally understood the ladder. " * 800  # ~38,000 characters
    with browser.session_transaction() as session:
        session.clear()  # the session expired while they were writing

    response = browser.post(
        editor(cohort),
        data={
            **answers(analysis=long_text),
            "based_on": "0",
            "csrf_token": token,
            "submit_entry": "Submit",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    assert db.session.scalar(select(Version)) is None  # nothing saved while signed out

    signed_in = browser.post(
        response.headers["Location"], data={"email": trainee.user.email, "password": PASSWORD}
    )
    assert signed_in.headers["Location"] == editor(cohort)
    page = browser.get(signed_in.headers["Location"]).get_data(as_text=True)
    assert "Your session had expired, so this text was not saved" in page
    assert long_text.strip() in page
    assert "My answer about feelings." in page
    assert based_on(page) == "0"

    # Saving from the restored form works, and the text is kept only once.
    browser.post(
        editor(cohort),
        data={**answers(analysis=long_text), "based_on": "0", "submit_entry": "Submit"},
    )
    assert db.session.scalar(select(Version)).answers["analysis"] == long_text
    again = browser.get(editor(cohort)).get_data(as_text=True)
    assert "Your session had expired" not in again


def test_a_stale_form_token_while_still_signed_in_keeps_the_text(client_for, cohort, trainee):
    browser = client_for(trainee.user)
    response = browser.post(
        editor(cohort),
        data={
            **answers(feelings="Typed before the token went stale"),
            "based_on": "0",
            "csrf_token": "stale",
            "save_draft": "Save",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == editor(cohort)
    page = browser.get(editor(cohort)).get_data(as_text=True)
    assert "Typed before the token went stale" in page
