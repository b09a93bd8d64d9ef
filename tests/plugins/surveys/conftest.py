"""Helpers for the surveys tests: pinned course weeks and quick responses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lms.core.models import utcnow
from lms.extensions import db
from lms.plugins.surveys.models import SurveyAnswer, SurveyResponse

START = date(2026, 9, 7)  # a Monday: course week 1 of `make_cohort`'s default cohort
LIKERT = [
    "explain_coproduction",
    "profile_involvement",
    "persuade_colleagues",
    "challenge_practice",
    "recognise_power",
    "involve_as_equals",
    "accessible_involvement",
    "lead_change",
    "work_across_boundaries",
    "evaluate_coproduction",
    "sustain_change",
]


@pytest.fixture
def in_week(app):
    """Pin today to a day in course week `n` (cohort without breaks)."""

    def pin(n: int, day: int = 1) -> None:
        app.config["TODAY"] = (START + timedelta(weeks=n - 1, days=day)).isoformat()

    return pin


def full_answers(likert: int = 3, overall: int = 6, **extra) -> dict[str, str]:
    answers = {item: str(likert) for item in LIKERT}
    answers["overall_rating"] = str(overall)
    answers.update(extra)
    return answers


def add_response(membership, wave: str, values, submitted: bool = True, text=None):
    """Store a submitted (or draft) confidence response directly: `values` is one value
    for every Likert item, or {item: value}. For tests of analysis and of what reads it."""
    if isinstance(values, int):
        values = dict.fromkeys(LIKERT, values)
    response = SurveyResponse(
        cohort_id=membership.cohort_id,
        membership_id=membership.id,
        instrument="confidence",
        wave=wave,
        submitted_at=utcnow() if submitted else None,
    )
    response.answers = [SurveyAnswer(item_id=k, value=v) for k, v in values.items()]
    if text:
        response.answers.append(SurveyAnswer(item_id="helps_most", text=text))
    db.session.add(response)
    db.session.commit()
    return response


@pytest.fixture(name="add_response")
def add_response_fixture():
    return add_response
