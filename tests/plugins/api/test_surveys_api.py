"""Surveys through the API: a trainee's waves and answers; for leads, the results
page's figures with the same suppression."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.plugins.surveys import exports, services
from lms.plugins.surveys.models import SurveyResponse
from tests.plugins.api.conftest import assert_problem
from tests.plugins.surveys.conftest import LIKERT, add_response

FULL = {**dict.fromkeys(LIKERT, 3), "overall_rating": 6, "helps_most": "My mentor."}


def _responses() -> int:
    return db.session.scalar(select(func.count()).select_from(SurveyResponse))


@pytest.fixture
def token(trainee, token_for):
    return token_for(trainee)


def test_list_waves_and_read_one(call, token):
    waves = call("GET", "/cohorts/autumn/surveys", token).get_json()
    assert [(w["wave"], w["state"], w["status"]) for w in waves] == [
        ("pre", "open", "to do"),
        ("mid", "not yet open", "not yet open"),
        ("post", "not yet open", "not yet open"),
    ]
    body = call("GET", "/cohorts/autumn/surveys/pre", token).get_json()
    items = {item["id"]: item for item in body["items"]}
    assert items["explain_coproduction"]["type"] == "likert"
    assert items["overall_rating"]["min"] == 0 and items["overall_rating"]["max"] == 10
    assert items["helps_most"]["required"] is False
    assert body["answers"] == {}
    assert_problem(call("GET", "/cohorts/autumn/surveys/later", token), 404)


def test_save_then_submit_a_response(call, token, trainee):
    draft = call(
        "PUT",
        "/cohorts/autumn/surveys/pre/response",
        token,
        json={"answers": {"explain_coproduction": 4, "helps_most": "Peers."}},
    )
    assert draft.status_code == 200, draft.get_data(as_text=True)
    assert draft.get_json()["status"] == "in progress"
    assert draft.get_json()["answers"] == {"explain_coproduction": 4, "helps_most": "Peers."}
    done = call(
        "PUT", "/cohorts/autumn/surveys/pre/response", token, json={"answers": FULL, "submit": True}
    )
    assert done.status_code == 200
    assert done.get_json()["status"] == "done"
    response = services.response_of(trainee, services.find_wave(trainee.cohort, "pre"))
    assert response.is_submitted
    assert services.answers_of(response)["overall_rating"] == 6
    again = call("PUT", "/cohorts/autumn/surveys/pre/response", token, json={"answers": FULL})
    body = assert_problem(again, 409)
    assert "already submitted" in body["detail"]


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"explain_coproduction": "4"}, "answers.explain_coproduction"),
        ({"explain_coproduction": 9}, "answers.explain_coproduction"),
        ({"explain_coproduction": True}, "answers.explain_coproduction"),
        ({"helps_most": 3}, "answers.helps_most"),
        ({"favourite_colour": 3}, "answers.favourite_colour"),
        ({"helps_most": "x" * 2001}, "answers.helps_most"),
    ],
)
def test_invalid_answers_are_422_and_store_nothing(call, token, answers, field):
    response = call("PUT", "/cohorts/autumn/surveys/pre/response", token, json={"answers": answers})
    assert_problem(response, 422, field=field)
    assert _responses() == 0


def test_submitting_without_required_answers_is_422(call, token):
    response = call(
        "PUT",
        "/cohorts/autumn/surveys/pre/response",
        token,
        json={"answers": {"explain_coproduction": 3}, "submit": True},
    )
    assert_problem(response, 422, field="answers.overall_rating")
    assert _responses() == 0


def test_a_wave_that_is_not_open_is_409(call, token):
    response = call("PUT", "/cohorts/autumn/surveys/post/response", token, json={"answers": {}})
    assert_problem(response, 409)
    assert _responses() == 0


def test_results_match_the_results_page_with_suppression(
    call, token_for, lead, cohort, make_membership
):
    for number in range(8):
        sector = "statutory" if number < 6 else "charity"
        member = make_membership(cohort, "trainee", sector=sector, evaluation_consent=True)
        add_response(member, "pre", 2)
        add_response(member, "post", 2 + number % 3)
    db.session.commit()
    response = call("GET", "/cohorts/autumn/survey-results?by=sector", token_for(lead, "read"))
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["min_cell_size"] == 5
    assert {c["wave"]: c["submitted"] for c in body["counts"]} == {"pre": 8, "mid": 0, "post": 8}
    instrument = services.instrument_of(cohort, services.find_wave(cohort, "pre"))
    page_rows = exports.results_rows(cohort, instrument, "pre", "post")
    assert len(body["rows"]) == len(page_rows)
    for api_row, page_row in zip(body["rows"], page_rows, strict=True):
        assert api_row["item_id"] == page_row.item_id
        assert api_row["n_paired"] == page_row.result.n_paired
        assert api_row["mean_change"] == pytest.approx(page_row.result.mean_change)
        assert api_row["p_value"] == pytest.approx(page_row.result.p_value, nan_ok=True)
    scale = next(r for r in body["rows"] if r["item_id"] == "scale")
    assert scale["n_paired"] == 8 and not scale["suppressed"]
    # 2 charity members: below 5, hidden; the statutory group is hidden too, or the
    # total minus it would reveal them (secondary suppression), as on the page.
    by_group = {row["group"]: row for row in body["breakdown"]}
    assert set(by_group) == {"statutory", "charity"}
    for row in by_group.values():
        assert row["suppressed"] is True
        assert row["n_paired"] is None and row["mean_change"] is None


def test_small_cohort_results_are_suppressed(call, token_for, lead, cohort, make_membership):
    for _ in range(3):
        member = make_membership(cohort, "trainee", evaluation_consent=True)
        add_response(member, "pre", 2)
        add_response(member, "post", 4)
    db.session.commit()
    body = call("GET", "/cohorts/autumn/survey-results", token_for(lead, "read")).get_json()
    assert all(row["suppressed"] and row["n_paired"] is None for row in body["rows"])


def test_results_are_for_leads_and_check_their_query(call, token_for, lead, trainee):
    assert_problem(call("GET", "/cohorts/autumn/survey-results", token_for(trainee)), 403)
    token = token_for(lead, "read")
    assert_problem(call("GET", "/cohorts/autumn/survey-results?from=pre&to=pre", token), 422)
    assert_problem(call("GET", "/cohorts/autumn/survey-results?by=shoe", token), 422, field="by")
    assert_problem(
        call("GET", "/cohorts/autumn/survey-results?from=later", token), 422, field="from"
    )
