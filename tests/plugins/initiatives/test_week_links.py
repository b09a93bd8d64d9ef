"""Linked to the weekly story: the initiative page and the tutor board link to the
trainee's reflections from the weeks the status has held, that the viewer may read
(hook `lms_member_week_links`, answered by the reflections plugin)."""

from __future__ import annotations

import pytest

from lms.extensions import db
from lms.plugins.reflections import services as reflections


def reflect(member, week, submit=True, shared=True):
    prompts = reflections.prompts_for(member.cohort, week)
    version = reflections.save(member, week, {p.id: "Words" for p in prompts}, 0, submit=submit)
    version.entry.shared = shared
    db.session.commit()
    return version.entry


@pytest.fixture
def story(start_initiative, world):
    """Alice: baseline in week 12 (today is week 15), and reflections in weeks 11-14."""
    initiative = start_initiative(world.alice)
    entries = {
        11: reflect(world.alice, 11),  # before the status began: never linked
        12: reflect(world.alice, 12),  # submitted and shared with tutors
        13: reflect(world.alice, 13, shared=False),  # submitted, private
        14: reflect(world.alice, 14, submit=False),  # a draft
    }
    return initiative, entries


def review_link(world, entry):
    return f"/cohorts/{world.cohort.slug}/reflections/review/{entry.id}"


def test_the_tutor_sees_links_to_shared_reflections_since_the_status_began(
    client, sign_in, world, story
):
    initiative, entries = story
    sign_in(world.tutor_a.user)
    for page in (world.url(f"/{initiative.id}"), world.url("/board")):
        html = client.get(page).get_data(as_text=True)
        assert "On track since week 12" in html
        assert "From the weekly story" in html and "Week 12 reflection" in html
        assert review_link(world, entries[12]) in html
        for week in (11, 13, 14):
            assert review_link(world, entries[week]) not in html, week
    # The link opens: the tutor may read it.
    assert client.get(review_link(world, entries[12])).status_code == 200


def test_the_trainee_sees_their_own_weeks(client, sign_in, world, story):
    initiative, _ = story
    sign_in(world.alice.user)
    html = client.get(world.url(f"/{initiative.id}")).get_data(as_text=True)
    slug = world.cohort.slug
    for week in (12, 13, 14):
        assert f"/cohorts/{slug}/reflections/weeks/{week}" in html
    assert f"/cohorts/{slug}/reflections/weeks/11" not in html


def test_leads_and_other_tutors_get_no_links(client, sign_in, world, story):
    initiative, _ = story
    sign_in(world.lead.user)
    for page in (world.url(f"/{initiative.id}"), world.url("/board")):
        html = client.get(page).get_data(as_text=True)
        assert "On track since week 12" in html and "From the weekly story" not in html
    sign_in(world.tutor_b.user)
    assert "From the weekly story" not in client.get(world.url("/board")).get_data(as_text=True)


def test_without_reflections_the_pages_still_work(make_app, world, story):
    from tests.conftest import PASSWORD

    initiative, _ = story
    app = make_app(DISABLED_PLUGINS=["reflections"])
    browser = app.test_client()
    browser.post("/sign-in", data={"email": world.tutor_a.user.email, "password": PASSWORD})
    html = browser.get(world.url(f"/{initiative.id}")).get_data(as_text=True)
    assert "On track since week 12" in html and "From the weekly story" not in html
