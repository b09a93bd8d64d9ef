"""JSON API endpoints for a trainee's own change initiative and its progress updates
(served by the `api` plugin through `lms_api_endpoints`). The trainee's own record is
found through their membership, as on the `/mine` pages: there is no id to guess."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from lms.core.clock import today
from lms.plugins.initiatives import services
from lms.plugins.initiatives.vocab import BARRIERS, ENABLERS, JIGSAW, RAG_NAMES, RUNGS

RECORD = "initiatives.record"
Rag = Literal[tuple(RAG_NAMES)]  # type: ignore[valid-type]
Barrier = Literal[tuple(key for key, _ in BARRIERS)]  # type: ignore[valid-type]
Enabler = Literal[tuple(key for key, _ in ENABLERS)]  # type: ignore[valid-type]
LIMITS = services.LIMITS


class Scores(BaseModel):
    """SCIE whole-system jigsaw self-assessment, each 1 (not started) to 4 (embedded)."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)

    culture: int = Field(ge=1, le=4)
    practice: int = Field(ge=1, le=4)
    structure: int = Field(ge=1, le=4)
    review: int = Field(ge=1, le=4)


class Comment(BaseModel):
    author: str
    body: str
    created_at: datetime


class UpdateOut(BaseModel):
    id: int
    recorded_on: date
    week: int | None = Field(description="The course week it was recorded in")
    rag: str = Field(description="green (on track), amber (at risk) or red (off track)")
    rag_reason: str
    rung: int = Field(description="Arnstein's ladder, 1 (manipulation) to 8 (citizen control)")
    rung_name: str
    scores: Scores
    narrative: str
    barriers: list[str]
    enablers: list[str]
    other_barriers: str
    other_enablers: str
    next_steps: str
    comments: list[Comment]


class Milestone(BaseModel):
    id: int
    title: str
    due_on: date
    done_on: date | None
    overdue: bool


class Status(BaseModel):
    rag: str
    since: date
    since_week: int | None


class InitiativeOut(BaseModel):
    id: int
    title: str
    organisation: str
    service: str
    problem: str
    aim: str
    service_users: int
    carers: int
    staff: int
    partners: int
    roles: str
    evidence: str
    planned_start: date
    planned_end: date
    status: Status | None = Field(description="The current RAG status and since when")
    milestones: list[Milestone]
    updates: list[UpdateOut] = Field(description="Oldest first: the first is the baseline")


class NewUpdate(BaseModel):
    """A progress update. Updates are never changed once added."""

    model_config = ConfigDict(extra="forbid")

    recorded_on: date = Field(description="Not in the future, nor before your last update")
    rag: Rag
    rag_reason: str = Field(min_length=1, max_length=LIMITS["rag_reason"])
    rung: int = Field(ge=1, le=8)
    scores: Scores
    narrative: str = Field(default="", max_length=LIMITS["narrative"])
    barriers: list[Barrier] = Field(default_factory=list, max_length=len(BARRIERS))
    enablers: list[Enabler] = Field(default_factory=list, max_length=len(ENABLERS))
    other_barriers: str = Field(default="", max_length=LIMITS["other_barriers"])
    other_enablers: str = Field(default="", max_length=LIMITS["other_enablers"])
    next_steps: str = Field(default="", max_length=LIMITS["next_steps"])


def _update_out(update) -> UpdateOut:
    return UpdateOut(
        id=update.id,
        recorded_on=update.recorded_on,
        week=update.week,
        rag=update.rag,
        rag_reason=update.rag_reason,
        rung=update.rung,
        rung_name=RUNGS[update.rung].name,
        scores=Scores.model_validate(update),
        narrative=update.narrative,
        barriers=update.tags_of("barrier"),
        enablers=update.tags_of("enabler"),
        other_barriers=update.other_barriers,
        other_enablers=update.other_enablers,
        next_steps=update.next_steps,
        comments=[
            Comment(
                author=c.author.full_name if c.author else "Former member",
                body=c.body,
                created_at=c.created_at,
            )
            for c in update.comments
        ],
    )


def _own(call):
    initiative = services.initiative_of(call.membership) if call.membership else None
    if initiative is None:
        call.not_found("You have not recorded a change initiative in this cohort yet.")
    return initiative


def read_initiative(call) -> InitiativeOut:
    initiative = _own(call)
    since = services.status_since(initiative.updates)
    on = today()
    return InitiativeOut(
        **{
            name: getattr(initiative, name)
            for name in (
                "id",
                *services.TEXT_FIELDS,
                *services.COUNT_FIELDS,
                "planned_start",
                "planned_end",
            )
        },
        status=Status(rag=since.rag, since=since.day, since_week=since.week) if since else None,
        milestones=[
            Milestone(
                id=m.id, title=m.title, due_on=m.due_on, done_on=m.done_on, overdue=m.is_overdue(on)
            )
            for m in initiative.milestones
        ],
        updates=[_update_out(u) for u in initiative.updates],
    )


def list_updates(call) -> list[UpdateOut]:
    return [_update_out(u) for u in _own(call).updates]


def add_update(call) -> UpdateOut:
    initiative = _own(call)
    body = call.body
    details = services.UpdateDetails(
        recorded_on=body.recorded_on,
        rag=body.rag,
        rag_reason=body.rag_reason,
        rung=body.rung,
        scores=body.scores.model_dump(),
        narrative=body.narrative,
        barriers=list(body.barriers),
        enablers=list(body.enablers),
        other_barriers=body.other_barriers,
        other_enablers=body.other_enablers,
        next_steps=body.next_steps,
    )
    pieces = {piece.key for piece in JIGSAW}
    try:
        update = services.add_update(initiative, details, today())
    except services.InitiativeProblems as problems:
        call.invalid(
            [
                (f"scores.{name}" if name in pieces else name, text)
                for name, text in problems.problems
            ]
        )
    return _update_out(update)


def endpoints() -> list[dict]:
    return [
        {
            "name": "initiatives.read",
            "method": "GET",
            "path": "/cohorts/{slug}/initiative",
            "summary": "Your change initiative",
            "description": "The record, its milestones and every progress update (trainees). "
            "404 until you have recorded one on the web pages.",
            "capability": RECORD,
            "handler": read_initiative,
            "response": InitiativeOut,
        },
        {
            "name": "initiatives.list_updates",
            "method": "GET",
            "path": "/cohorts/{slug}/initiative/updates",
            "summary": "Your initiative's progress updates",
            "description": "Oldest first, with your tutor's comments.",
            "capability": RECORD,
            "handler": list_updates,
            "response": list[UpdateOut],
        },
        {
            "name": "initiatives.add_update",
            "method": "POST",
            "path": "/cohorts/{slug}/initiative/updates",
            "summary": "Add a progress update",
            "description": "RAG status and why, the rung of Arnstein's ladder, the SCIE "
            "jigsaw scores, barriers and enablers from the lists, and what happens next. "
            "The first update is the baseline.",
            "scope": "write",
            "capability": RECORD,
            "body": NewUpdate,
            "handler": add_update,
            "response": UpdateOut,
            "status": 201,
        },
    ]
