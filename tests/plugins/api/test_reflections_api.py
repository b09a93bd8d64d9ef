"""Reflections through the API: the editor's rules (open weeks, version checks,
ownership), as JSON."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.plugins.reflections import services
from lms.plugins.reflections.models import Entry, Version
from tests.plugins.api.conftest import assert_problem

PROMPTS = ["starting_point", "to_for_with", "surprised_by", "hopes_and_worries"]
FULL = {prompt: f"My {prompt}." for prompt in PROMPTS}


def _versions() -> int:
    return db.session.scalar(select(func.count()).select_from(Version))


@pytest.fixture
def token(trainee, token_for):
    return token_for(trainee)


def test_list_and_read_a_week(call, token, trainee):
    rows = call("GET", "/cohorts/autumn/reflections", token).get_json()
    assert len(rows) == 35
    assert rows[0] == {
        "week": 1,
        "title": rows[0]["title"],
        "opens": "2026-09-07",
        "due": rows[0]["due"],
        "status": "to do",
        "entry_id": None,
        "version": 0,
        "submitted_version": None,
    }
    assert rows[1]["status"] == "not yet open"
    body = call("GET", "/cohorts/autumn/reflections/1", token).get_json()
    assert [p["id"] for p in body["prompts"]] == PROMPTS
    assert body["answers"] == dict.fromkeys(PROMPTS, "")
    assert body["shared_with_tutors"] is True


def test_save_a_draft_then_update_it(call, token, trainee):
    first = call(
        "PUT",
        "/cohorts/autumn/reflections/1",
        token,
        json={"answers": {"starting_point": "Day one."}, "based_on_version": 0},
    )
    assert first.status_code == 200
    assert first.get_json()["version"] == 1
    assert first.get_json()["status"] == "draft"
    second = call(
        "PUT",
        "/cohorts/autumn/reflections/1",
        token,
        json={"answers": {"starting_point": "Day one, revised."}, "based_on_version": 1},
    )
    assert second.get_json()["version"] == 2
    assert second.get_json()["answers"]["starting_point"] == "Day one, revised."
    entry = services.entry_of(trainee, 1)
    assert entry.current_version == 2 and entry.submitted_version is None
    assert services.latest_version(entry).answers["starting_point"] == "Day one, revised."
    assert services.latest_version(entry).kind == "draft"


def test_a_stale_version_is_409_and_nothing_is_stored(call, token, trainee):
    services.save(trainee, 1, {"starting_point": "From the web page."}, 0)
    db.session.commit()
    response = call(
        "PUT",
        "/cohorts/autumn/reflections/1",
        token,
        json={"answers": {"starting_point": "From a script."}, "based_on_version": 0},
    )
    body = assert_problem(response, 409)
    assert body["type"].endswith("#problem-stale-version")
    assert body["current_version"] == 1
    assert _versions() == 1
    latest = services.latest_version(services.entry_of(trainee, 1))
    assert latest.answers["starting_point"] == "From the web page."


def test_submit_needs_every_answer_then_stores_a_submission(call, token, trainee):
    missing = call(
        "POST",
        "/cohorts/autumn/reflections/1/submission",
        token,
        json={"answers": {"starting_point": "Only this."}, "based_on_version": 0},
    )
    assert_problem(missing, 422, field="answers.to_for_with")
    assert _versions() == 0
    response = call(
        "POST",
        "/cohorts/autumn/reflections/1/submission",
        token,
        json={"answers": FULL, "based_on_version": 0},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "submitted" and body["submitted_version"] == 1
    entry = services.entry_of(trainee, 1)
    assert entry.is_submitted and not entry.late
    assert services.latest_version(entry).kind == "submitted"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"answers": {"starting_point": 5}, "based_on_version": 0}, "answers.starting_point"),
        ({"answers": {"not_a_prompt": "x"}, "based_on_version": 0}, "answers.not_a_prompt"),
        ({"answers": {}, "based_on_version": "0"}, "based_on_version"),
        ({"answers": {}, "based_on_version": -1}, "based_on_version"),
        ({"answers": {}}, "based_on_version"),
        ({"answers": {}, "based_on_version": 0, "extra": 1}, "extra"),
        ({"answers": ["x"], "based_on_version": 0}, "answers"),
        (
            {"answers": {"starting_point": "a\x00b"}, "based_on_version": 0},
            "answers.starting_point",
        ),
        (
            {"answers": {"starting_point": "x" * 50_001}, "based_on_version": 0},
            "answers.starting_point",
        ),
        ([1, 2], "body"),
    ],
)
def test_invalid_bodies_are_422_naming_the_field(call, token, body, field):
    response = call("PUT", "/cohorts/autumn/reflections/1", token, json=body)
    assert_problem(response, 422, field=field)
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 0


def test_malformed_json_and_wrong_media_type(call, token):
    response = call(
        "PUT",
        "/cohorts/autumn/reflections/1",
        token,
        data='{"answers": {',
        content_type="application/json",
    )
    assert_problem(response, 400)
    response = call("PUT", "/cohorts/autumn/reflections/1", token, data={"answers": "x"})
    assert_problem(response, 415)
    assert _versions() == 0


@pytest.mark.parametrize("depth", [33, 1_000, 100_000])
def test_deeply_nested_json_is_400_not_a_crash(call, token, depth):
    body = '{"answers": ' + "[" * depth + "]" * depth + "}"
    response = call(
        "PUT", "/cohorts/autumn/reflections/1", token, data=body, content_type="application/json"
    )
    problem = assert_problem(response, 400)
    assert "nests more than 32 levels" in problem["detail"]
    assert _versions() == 0


def test_a_week_not_open_yet_is_409(call, token):
    response = call(
        "PUT", "/cohorts/autumn/reflections/2", token, json={"answers": {}, "based_on_version": 0}
    )
    body = assert_problem(response, 409)
    assert body["type"].endswith("#problem-not-open")
    assert_problem(call("GET", "/cohorts/autumn/reflections/36", token), 404)
    assert _versions() == 0


def test_another_trainees_reflection_is_404(call, token_for, trainee, other_trainee):
    services.save(other_trainee, 1, {"starting_point": "Private thoughts."}, 0)
    db.session.commit()
    theirs = services.entry_of(other_trainee, 1)
    mine = services.save(trainee, 1, {"starting_point": "Mine."}, 0).entry
    db.session.commit()
    token = token_for(trainee, "read")
    response = call("GET", f"/cohorts/autumn/reflections/entries/{theirs.id}", token)
    assert_problem(response, 404)
    assert "Private thoughts" not in response.get_data(as_text=True)
    own = call("GET", f"/cohorts/autumn/reflections/entries/{mine.id}", token).get_json()
    assert own["answers"]["starting_point"] == "Mine."
    # Their own week 1 is theirs alone: my token reads mine.
    body = call("GET", "/cohorts/autumn/reflections/1", token).get_json()
    assert body["answers"]["starting_point"] == "Mine."


def test_tutors_and_leads_have_no_reflections_to_write(call, token_for, tutor, lead):
    assert_problem(call("GET", "/cohorts/autumn/reflections", token_for(tutor)), 403)
    assert_problem(call("GET", "/cohorts/autumn/reflections", token_for(lead)), 403)
