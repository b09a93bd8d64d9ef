"""Creating, seeing and revoking the calendar link; the token is a credential."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.plugins.calendar.models import Feed
from tests.plugins.calendar.conftest import create_link, fetch, path_of


def test_the_link_is_shown_once_and_only_its_hash_is_stored(client_for, trainee):
    browser = client_for(trainee.user)
    page = browser.get("/account/calendar").get_data(as_text=True)
    assert "Your course calendar" in page
    assert "You do not have a calendar link" in page

    url = create_link(browser)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert url == f"http://localhost/calendar/{token}.ics"
    assert len(token) >= 40

    feed = db.session.scalar(select(Feed))
    assert feed.user_id == trainee.user.id
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in feed.token_hash

    again = browser.get("/account/calendar").get_data(as_text=True)
    assert token not in again
    assert "On" in again and "Not yet" in again
    assert "Make a new calendar link" in again


def test_the_created_page_explains_outlook_google_and_apple(client_for, trainee):
    browser = client_for(trainee.user)
    response = browser.post("/account/calendar", data={})
    page = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert "Copy this link now" in page
    for program in ("Outlook", "Google Calendar", "Apple Calendar"):
        assert program in page
    assert 'href="webcal://localhost/calendar/' in page


def test_using_the_feed_shows_on_the_page(app, client_for, trainee):
    browser = client_for(trainee.user)
    fetch(app, create_link(browser))
    page = browser.get("/account/calendar").get_data(as_text=True)
    assert "Not yet" not in page
    assert db.session.scalar(select(Feed)).last_used_at is not None


def test_revoking_the_link_makes_the_feed_404(app, client_for, trainee):
    browser = client_for(trainee.user)
    url = create_link(browser)
    assert fetch(app, url).status_code == 200
    response = browser.post("/account/calendar/revoke", data={}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Your calendar link is turned off" in page
    assert "You do not have a calendar link" in page
    assert db.session.scalars(select(Feed)).all() == []
    gone = fetch(app, url)
    assert gone.status_code == 404
    assert "BEGIN:VCALENDAR" not in gone.get_data(as_text=True)


def test_a_new_link_replaces_the_old_one(app, client_for, trainee):
    browser = client_for(trainee.user)
    old = create_link(browser)
    new = create_link(browser)
    assert old != new
    assert fetch(app, old).status_code == 404
    assert fetch(app, new).status_code == 200
    assert len(db.session.scalars(select(Feed)).all()) == 1


@pytest.mark.parametrize(
    "path", ["/calendar/not-a-token.ics", "/calendar/.ics", "/calendar/" + "x" * 300 + ".ics"]
)
def test_unknown_tokens_are_404_and_reveal_nothing(app, client_for, trainee, path):
    create_link(client_for(trainee.user))
    response = app.test_client().get(path)
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "Page not found" in text and "Tara" not in text


def test_the_page_needs_signing_in_and_posts_need_the_csrf_token(app, client_for, trainee):
    visitor = app.test_client()
    response = visitor.get("/account/calendar")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert visitor.post("/account/calendar", data={}).status_code == 302
    browser = client_for(trainee.user)
    forged = browser.post("/account/calendar", data={}, csrf=False)
    assert forged.status_code == 400
    assert db.session.scalars(select(Feed)).all() == []


def test_one_members_link_never_shows_another_members_page(
    client_for, cohort, trainee, make_membership
):
    other = make_membership(cohort, "trainee")
    url = create_link(client_for(trainee.user))
    page = client_for(other.user).get("/account/calendar").get_data(as_text=True)
    assert "You do not have a calendar link" in page
    assert path_of(url) not in page


def test_the_account_page_links_to_the_calendar(client_for, trainee):
    page = client_for(trainee.user).get("/account/").get_data(as_text=True)
    assert 'href="/account/calendar">Your programme in your calendar</a>' in page


class TestRateLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True, "CALENDAR_FEED_LIMIT": "3 per hour"}

    def test_the_feed_is_rate_limited_per_token(self, app, client_for, trainee):
        url = create_link(client_for(trainee.user))
        for _ in range(3):
            assert fetch(app, url).status_code == 200
        blocked = fetch(app, url)
        assert blocked.status_code == 429
        assert "Too many attempts" in blocked.get_data(as_text=True)


def test_personal_data_and_erasure(app, client_for, trainee):
    manager = app.extensions["lms"]
    assert {"calendar_feed": None} in manager.hook.lms_personal_data(user=trainee.user)
    url = create_link(client_for(trainee.user))
    (mine,) = [d for d in manager.hook.lms_personal_data(user=trainee.user) if "calendar_feed" in d]
    assert set(mine["calendar_feed"]) == {"created_at", "last_used_at"}
    manager.hook.lms_erase_personal_data(user=trainee.user)
    db.session.commit()
    assert db.session.scalars(select(Feed)).all() == []
    assert fetch(app, url).status_code == 404


def test_the_app_works_with_the_calendar_plugin_disabled(make_app, make_membership, cohort):
    other = make_app(DISABLED_PLUGINS=["calendar"])
    member = make_membership(cohort, "trainee")
    client = other.test_client()
    client.post("/sign-in", data={"email": member.user.email, "password": "correct horse battery"})
    dashboard = client.get("/dashboard")
    assert dashboard.status_code == 200
    assert 'href="/account/calendar"' not in dashboard.get_data(as_text=True)
    assert client.get("/account/calendar").status_code == 404
