"""A trainee's change initiative and its progress updates through the API."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.plugins.initiatives import services
from lms.plugins.initiatives.models import Update, UpdateTag
from tests.plugins.api.conftest import TODAY, assert_problem

UPDATE = {
    "recorded_on": TODAY.isoformat(),
    "rag": "amber",
    "rag_reason": "Waiting for the board to agree.",
    "rung": 4,
    "scores": {"culture": 2, "practice": 1, "structure": 2, "review": 1},
    "barriers": ["time", "silos"],
    "enablers": ["sponsor"],
    "next_steps": "Meet the chair.",
}


def _updates() -> int:
    return db.session.scalar(select(func.count()).select_from(Update))


@pytest.fixture
def initiative(trainee):
    made = services.save_initiative(
        trainee,
        services.InitiativeDetails(
            title="Carers on the interview panel",
            planned_start=date(2026, 9, 1),
            planned_end=date(2027, 6, 1),
            service_users=3,
        ),
    )
    db.session.commit()
    return made


def test_no_initiative_yet_is_404(call, token_for, trainee):
    body = assert_problem(call("GET", "/cohorts/autumn/initiative", token_for(trainee)), 404)
    assert "not recorded" in body["detail"]


def test_read_your_initiative(call, token_for, trainee, initiative):
    body = call("GET", "/cohorts/autumn/initiative", token_for(trainee, "read")).get_json()
    assert body["id"] == initiative.id
    assert body["title"] == "Carers on the interview panel"
    assert body["service_users"] == 3
    assert body["planned_end"] == "2027-06-01"
    assert body["status"] is None and body["updates"] == [] and body["milestones"] == []


def test_add_an_update(call, token_for, trainee, initiative):
    token = token_for(trainee)
    response = call("POST", "/cohorts/autumn/initiative/updates", token, json=UPDATE)
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["rag"] == "amber" and body["rung"] == 4 and body["rung_name"] == "Consultation"
    assert body["week"] == 1
    assert body["barriers"] == ["silos", "time"] and body["enablers"] == ["sponsor"]
    assert body["scores"] == UPDATE["scores"]
    stored = db.session.scalar(select(Update))
    assert stored.initiative_id == initiative.id and stored.rag_reason == UPDATE["rag_reason"]
    assert {t.tag for t in db.session.scalars(select(UpdateTag))} == {"time", "silos", "sponsor"}
    listed = call("GET", "/cohorts/autumn/initiative/updates", token).get_json()
    assert [u["id"] for u in listed] == [body["id"]]
    whole = call("GET", "/cohorts/autumn/initiative", token).get_json()
    assert whole["status"] == {"rag": "amber", "since": TODAY.isoformat(), "since_week": 1}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"recorded_on": "2026-09-20"}, "recorded_on"),  # the future
        ({"recorded_on": "2026-09-01"}, "recorded_on"),  # before the cohort started
        ({"recorded_on": "8 September"}, "recorded_on"),
        ({"rag": "purple"}, "rag"),
        ({"rung": 9}, "rung"),
        ({"rung": "4"}, "rung"),
        ({"scores": {"culture": 2, "practice": 1, "structure": 2}}, "scores.review"),
        ({"scores": {**UPDATE["scores"], "vibes": 3}}, "scores.vibes"),
        ({"barriers": ["gremlins"]}, "barriers.0"),
        ({"rag_reason": ""}, "rag_reason"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_updates_are_422_and_store_nothing(
    call, token_for, trainee, initiative, change, field
):
    response = call(
        "POST", "/cohorts/autumn/initiative/updates", token_for(trainee), json={**UPDATE, **change}
    )
    assert_problem(response, 422, field=field)
    assert _updates() == 0


def test_tutors_cannot_add_updates(call, token_for, tutor, initiative):
    response = call("POST", "/cohorts/autumn/initiative/updates", token_for(tutor), json=UPDATE)
    assert_problem(response, 403)
    assert _updates() == 0
