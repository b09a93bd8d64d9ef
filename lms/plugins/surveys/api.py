"""JSON API endpoints for surveys (served by the `api` plugin through
`lms_api_endpoints`): a trainee's waves and answers, and for leads the paired results
with the same figures and small-cell suppression as the results page (`exports`)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lms.plugins.surveys import analysis, exports, services

ANSWER, RESULTS = "surveys.answer", "surveys.results"
WAVE = {"type": "string", "enum": ["pre", "mid", "post"], "description": "The survey wave."}
Wave = Literal["pre", "mid", "post"]


class WaveOut(BaseModel):
    wave: str
    name: str
    instrument: str
    title: str
    opens_week: int
    closes_week: int
    state: str = Field(description="not yet open, open or closed")
    status: str = Field(description="to do, in progress, done, closed or not yet open")
    submitted_at: datetime | None


class Item(BaseModel):
    id: str
    wording: str
    type: str = Field(description="likert, scale (whole numbers from min to max) or text")
    labels: list[str] | None
    min: int | None
    max: int | None
    required: bool


class SurveyOut(WaveOut):
    intro: str
    items: list[Item]
    answers: dict[str, int | str] = Field(description="Your saved answers by item id")


class SaveAnswers(BaseModel):
    """Your answers by item id: whole numbers for likert and scale items, text for text
    items, null (or left out) for no answer. Answers left out are cleared."""

    model_config = ConfigDict(extra="forbid")

    answers: dict[str, int | str | None] = Field(max_length=200)
    submit: bool = Field(
        default=False, description="Submit (lock) the response; every required item is needed"
    )


class ResultsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    wave_from: Wave = Field(default="pre", alias="from", description="The earlier wave")
    wave_to: Wave = Field(default="post", alias="to", description="The later wave")
    by: Literal["sector", "area", "tutor_group"] = Field(
        default="sector", description="What the scale score is broken down by"
    )

    @model_validator(mode="after")
    def _different(self):
        if self.wave_from == self.wave_to:
            raise ValueError("from and to must be different waves")
        return self


class Figures(BaseModel):
    group_by: str
    group: str
    item_id: str = Field(description="An item id, or `scale` for the confidence scale score")
    suppressed: bool = Field(description="About fewer people than `min_cell_size`: blank")
    n_paired: int | None
    pre_mean: float | None
    post_mean: float | None
    mean_change: float | None
    ci95_low: float | None
    ci95_high: float | None
    pre_median: float | None
    post_median: float | None
    wilcoxon_statistic: float | None
    p_value: float | None
    rank_biserial: float | None
    t_statistic: float | None
    t_p_value: float | None
    cohens_dz: float | None
    proportion_improved: float | None
    notes: list[str]


class WaveCount(BaseModel):
    wave: str
    suppressed: bool = Field(
        description="Trainees or responses about fewer people than `min_cell_size`: blank"
    )
    trainees: int | None
    submitted: int | None


class Results(BaseModel):
    instrument: str
    title: str
    wave_from: str
    wave_to: str
    min_cell_size: int
    counts: list[WaveCount]
    rows: list[Figures] = Field(description="Each item and the scale, all paired members")
    breakdown_by: str
    breakdown: list[Figures] = Field(description="The scale score by group")


def _wave_out(status: services.WaveStatus, cohort) -> dict:
    wave = status.wave
    return {
        "wave": wave.wave,
        "name": services.WAVE_NAMES[wave.wave],
        "instrument": wave.instrument,
        "title": services.instrument_of(cohort, wave).title,
        "opens_week": wave.opens_week,
        "closes_week": wave.closes_week,
        "state": status.state,
        "status": status.task_status,
        "submitted_at": status.response.submitted_at if status.response else None,
    }


def _member(call):
    if call.membership is None:  # an admin who is not a member has nothing to answer
        call.not_found("Only members answer surveys.")
    return call.membership


def list_surveys(call) -> list[WaveOut]:
    membership = _member(call)
    return [WaveOut(**_wave_out(s, call.cohort)) for s in services.statuses_of(membership)]


def _survey(call, membership) -> SurveyOut:
    wave = services.find_wave(call.cohort, call.params["wave"])
    if wave is None:
        call.not_found("This course has no such survey wave.")
    instrument = services.instrument_of(call.cohort, wave)
    response = services.response_of(membership, wave)
    status = services.WaveStatus(wave, services.wave_state(call.cohort, wave), response)
    items = []
    for item in instrument.items:
        low, high = services.item_range(item) if item.type != "text" else (None, None)
        items.append(
            Item(
                id=item.id,
                wording=item.wording,
                type=item.type,
                labels=item.labels,
                min=low,
                max=high,
                required=services.is_required(item),
            )
        )
    return SurveyOut(
        **_wave_out(status, call.cohort),
        intro=instrument.intro,
        items=items,
        answers=services.answers_of(response),
    )


def read_survey(call) -> SurveyOut:
    return _survey(call, _member(call))


def save_answers(call) -> SurveyOut:
    membership = _member(call)
    wave = services.find_wave(call.cohort, call.params["wave"])
    if wave is None:
        call.not_found("This course has no such survey wave.")
    instrument = services.instrument_of(call.cohort, wave)
    posted, errors = {}, {}
    for item_id, value in call.body.answers.items():
        item = instrument.items_by_id.get(item_id)
        if item is None:
            errors[f"answers.{item_id}"] = "This survey has no item with this id"
        elif value is None:
            posted[item_id] = ""
        elif item.type == "text" and not isinstance(value, str):
            errors[f"answers.{item_id}"] = "Give text for this item"
        elif item.type != "text" and not isinstance(value, int):
            errors[f"answers.{item_id}"] = "Give a whole number for this item"
        else:
            posted[item_id] = str(value)
    if errors:
        call.invalid(errors)
    clean, problems = services.check_answers(instrument, posted, call.body.submit)
    if problems:
        call.invalid({f"answers.{item_id}": message for item_id, message in problems.items()})
    try:
        services.save_answers(membership, wave, clean, submit=call.body.submit)
    except services.SurveyProblem as problem:
        call.problem(409, "Not open for answers", str(problem), type="not-open")
    return _survey(call, membership)


def _figures(row: analysis.ResultRow) -> Figures:
    values = {}
    for name in analysis.FIGURES:
        value = getattr(row.result, name)
        # NaN is not JSON: an undefined figure is blank, as on the page.
        values[name] = None if isinstance(value, float) and not math.isfinite(value) else value
    return Figures(
        group_by=row.group_by,
        group=row.group,
        item_id=row.item_id,
        suppressed=row.result.suppressed,
        notes=list(row.result.notes),
        **values,
    )


def results(call) -> Results:
    """Exactly what the results page computes (`exports.results_rows`), as data."""
    query = call.query
    names = [w.wave for w in services.waves(call.cohort)]
    for field, value in (("from", query.wave_from), ("to", query.wave_to)):
        if value not in names:
            call.invalid({field: f"This course has no {value} survey"})
    wave = services.find_wave(call.cohort, query.wave_from)
    instrument = services.instrument_of(call.cohort, wave)
    found = exports.results(call.cohort, instrument, query.wave_from, query.wave_to, query.by)
    counts = services.response_counts(call.cohort)
    return Results(
        instrument=instrument.id,
        title=instrument.title,
        wave_from=query.wave_from,
        wave_to=query.wave_to,
        min_cell_size=services.min_cell_size(),
        counts=[
            WaveCount(
                wave=name,
                suppressed=not all(isinstance(c[k], int) for k in ("trainees", "submitted")),
                trainees=c["trainees"] if isinstance(c["trainees"], int) else None,
                submitted=c["submitted"] if isinstance(c["submitted"], int) else None,
            )
            for name, c in counts.items()
        ],
        rows=[_figures(row) for row in found.rows],
        breakdown_by=query.by,
        breakdown=[_figures(row) for row in found.breakdown],
    )


def endpoints() -> list[dict]:
    return [
        {
            "name": "surveys.list",
            "method": "GET",
            "path": "/cohorts/{slug}/surveys",
            "summary": "Your surveys",
            "description": "Every survey wave of the course: when it is open and whether you "
            "have answered (trainees).",
            "capability": ANSWER,
            "handler": list_surveys,
            "response": list[WaveOut],
        },
        {
            "name": "surveys.read",
            "method": "GET",
            "path": "/cohorts/{slug}/surveys/{wave}",
            "summary": "A survey's questions and your answers",
            "capability": ANSWER,
            "path_params": {"wave": WAVE},
            "handler": read_survey,
            "response": SurveyOut,
        },
        {
            "name": "surveys.save_response",
            "method": "PUT",
            "path": "/cohorts/{slug}/surveys/{wave}/response",
            "summary": "Save or submit your answers",
            "description": "Saves your answers while the wave is open; with `submit` true, "
            "submits them (every likert and scale item needs an answer), after which they "
            "cannot change.",
            "scope": "write",
            "capability": ANSWER,
            "path_params": {"wave": WAVE},
            "body": SaveAnswers,
            "handler": save_answers,
            "response": SurveyOut,
            "errors": {409: "The wave is not open, or you have already submitted."},
        },
        {
            "name": "surveys.results",
            "method": "GET",
            "path": "/cohorts/{slug}/survey-results",
            "summary": "Paired survey results (leads)",
            "description": "The results page's figures: per item and for the confidence "
            "scale, from one wave to another, and the scale by group. Figures about fewer "
            "than `min_cell_size` people are suppressed (blank, `suppressed` true), with "
            "secondary suppression in the breakdown, exactly as on the page.",
            "capability": RESULTS,
            "query": ResultsQuery,
            "handler": results,
            "response": Results,
        },
    ]
