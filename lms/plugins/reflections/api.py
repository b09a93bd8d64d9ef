"""JSON API endpoints for a trainee's own reflections (served by the `api` plugin through
the `lms_api_endpoints` hook). Thin, like the views: `services` does the work and holds
the rules, so the API can do exactly what the editor page can, and no more."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from lms.core.clock import today
from lms.core.curriculum_loader import programme
from lms.plugins.reflections import notices, services

WRITE = "reflections.write"
WEEK = {"type": "integer", "minimum": 1, "maximum": 104, "description": "The course week."}


class ReflectionSummary(BaseModel):
    week: int
    title: str
    opens: date
    due: date
    status: str = Field(
        description="not yet open, to do, draft, overdue, submitted, submitted late or reviewed"
    )
    entry_id: int | None
    version: int = Field(description="The latest saved version; 0 if nothing is saved")
    submitted_version: int | None


class Prompt(BaseModel):
    id: str
    label: str
    hint: str


class Reflection(ReflectionSummary):
    shared_with_tutors: bool
    evaluation_consent: bool
    saved_at: datetime | None
    submitted_at: datetime | None
    prompts: list[Prompt]
    answers: dict[str, str] = Field(description="The latest version's answer to each prompt")


class SaveReflection(BaseModel):
    """Answers to save, and the version they were based on (0 for a first save)."""

    model_config = ConfigDict(extra="forbid")

    answers: dict[str, str] = Field(
        description="Answer text by prompt id; prompts left out are saved empty.",
        max_length=50,
    )
    based_on_version: int = Field(
        ge=0,
        le=2**31 - 1,
        description="The `version` you read. If someone saved since, the answer is 409.",
    )


def _author(call):
    """The caller's trainee membership: others have no reflections (404, as the pages)."""
    if call.membership is None or call.membership.role != "trainee":
        call.not_found("Only trainees have reflections.")
    return call.membership


def _week(call) -> int:
    week = call.params["week"]
    if not 1 <= week <= services.number_of_weeks(call.cohort):
        call.not_found(f"There is no week {week} in this course.")
    return week


def _summary_fields(week: int, title: str, dates, status: str, entry) -> dict:
    return {
        "week": week,
        "title": title,
        "opens": dates.opens,
        "due": dates.due,
        "status": status,
        "entry_id": entry.id if entry else None,
        "version": entry.current_version if entry else 0,
        "submitted_version": entry.submitted_version if entry else None,
    }


def _reflection(membership, week: int) -> Reflection:
    cohort = membership.cohort
    entry = services.entry_of(membership, week)
    latest = services.latest_version(entry)
    dates = services.week_dates(cohort, week)
    prompts = services.prompts_for(cohort, week)
    answers = latest.answers if latest else {}
    return Reflection(
        **_summary_fields(
            week,
            programme(cohort.programme).week(week).title,
            dates,
            services.status_of(entry, dates, today()),
            entry,
        ),
        shared_with_tutors=entry.shared if entry else cohort.reflections_shared_by_default,
        evaluation_consent=bool(entry and entry.evaluation_consent),
        saved_at=latest.created_at if latest else None,
        submitted_at=entry.submitted_at if entry else None,
        prompts=[Prompt(id=p.id, label=p.label, hint=p.hint) for p in prompts],
        answers={p.id: answers.get(p.id, "") for p in prompts},
    )


def list_reflections(call) -> list[ReflectionSummary]:
    membership = _author(call)
    return [
        ReflectionSummary(**_summary_fields(r.week, r.title, r.dates, r.status, r.entry))
        for r in services.weeks_of(membership)
    ]


def read_reflection(call) -> Reflection:
    return _reflection(_author(call), _week(call))


def read_entry(call) -> Reflection:
    """By id, as listed: only ever found among the caller's own entries."""
    membership = _author(call)
    entry = next(
        (e for e in services.entries_of(membership).values() if e.id == call.params["entry_id"]),
        None,
    )
    if entry is None:
        call.not_found()
    return _reflection(membership, entry.week)


def _save(call, submit: bool) -> Reflection:
    membership = _author(call)
    week = _week(call)
    if not services.is_open(call.cohort, week):
        dates = services.week_dates(call.cohort, week)
        call.problem(
            409,
            "Not open yet",
            f"The week {week} reflection opens on {dates.opens.isoformat()}.",
            type="not-open",
        )
    prompt_ids = {p.id for p in services.prompts_for(call.cohort, week)}
    unknown = sorted(set(call.body.answers) - prompt_ids)
    if unknown:
        call.invalid({f"answers.{key}": "This week has no prompt with this id" for key in unknown})
    try:
        version = services.save(
            membership, week, call.body.answers, call.body.based_on_version, submit=submit
        )
        if submit:
            notices.shared_with_tutors(version.entry)
    except services.AnswersInvalid as invalid:
        call.invalid({f"answers.{key}": message for key, message in invalid.problems.items()})
    except services.StaleVersion as stale:
        current = stale.latest.number if stale.latest else 0
        call.problem(
            409,
            "A newer version was saved",
            f"Version {current} was saved since version {call.body.based_on_version}, which "
            "you started from. Read it, merge your changes and save again based on it.",
            type="stale-version",
            current_version=current,
        )
    return _reflection(membership, week)


def save_draft(call) -> Reflection:
    return _save(call, submit=False)


def submit(call) -> Reflection:
    return _save(call, submit=True)


SAVE_ERRORS = {
    409: "Not open yet, or a newer version was saved since `based_on_version` "
    "(`current_version` says which): nothing was stored."
}


def endpoints() -> list[dict]:
    return [
        {
            "name": "reflections.list",
            "method": "GET",
            "path": "/cohorts/{slug}/reflections",
            "summary": "Your reflections, week by week",
            "description": "Every course week with its dates and your status (trainees).",
            "capability": WRITE,
            "handler": list_reflections,
            "response": list[ReflectionSummary],
        },
        {
            "name": "reflections.read",
            "method": "GET",
            "path": "/cohorts/{slug}/reflections/{week}",
            "summary": "Your reflection for a week",
            "description": "The prompts and your latest answers, with the version to base a "
            "save on.",
            "capability": WRITE,
            "path_params": {"week": WEEK},
            "handler": read_reflection,
            "response": Reflection,
        },
        {
            "name": "reflections.read_entry",
            "method": "GET",
            "path": "/cohorts/{slug}/reflections/entries/{entry_id}",
            "summary": "Your reflection by its id",
            "description": "As listed in `entry_id`. Anyone else's id is 404.",
            "capability": WRITE,
            "path_params": {"entry_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}},
            "handler": read_entry,
            "response": Reflection,
        },
        {
            "name": "reflections.save_draft",
            "method": "PUT",
            "path": "/cohorts/{slug}/reflections/{week}",
            "summary": "Save a draft",
            "description": "Creates or updates your draft as a new version. Send the "
            "`version` you read as `based_on_version`: if a newer one was saved since, "
            "nothing is stored and the answer is 409 with `current_version`. Saving "
            "unchanged text adds no version.",
            "scope": "write",
            "capability": WRITE,
            "path_params": {"week": WEEK},
            "body": SaveReflection,
            "handler": save_draft,
            "response": Reflection,
            "errors": SAVE_ERRORS,
        },
        {
            "name": "reflections.submit",
            "method": "POST",
            "path": "/cohorts/{slug}/reflections/{week}/submission",
            "summary": "Submit your reflection",
            "description": "Saves these answers as a submitted version that your tutor can "
            "read (if shared). Every prompt needs an answer. Same version check as a draft.",
            "scope": "write",
            "capability": WRITE,
            "path_params": {"week": WEEK},
            "body": SaveReflection,
            "handler": submit,
            "response": Reflection,
            "errors": SAVE_ERRORS,
        },
    ]
