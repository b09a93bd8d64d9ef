"""The curriculum as typed, validated data: a programme, its weeks and surveys.

A programme lives in ``curriculum/<slug>/``: ``programme.yaml``, ``weeks/NN-slug.md``
(YAML front matter + Markdown body) and ``surveys/<instrument>.yaml``. Every problem
found is reported with the file, the line and the field, all at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Literal

import nh3
from pydantic import BaseModel, ConfigDict, Field, field_validator

SLUG = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
WEEK_FILE = re.compile(r"^(\d{2})-[a-z0-9-]+\.md$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Phase(Strict):
    id: str = Field(pattern=SLUG)
    title: str = Field(min_length=1)
    summary: str = ""


class SurveyWave(Strict):
    wave: Literal["pre", "mid", "post"]
    instrument: str = Field(pattern=SLUG)
    opens_week: int = Field(ge=1)
    closes_week: int = Field(ge=1)


CRITERION_KINDS = ("attendance", "reflections", "initiative_review", "survey")


class CompletionCriterion(Strict):
    """One rule a trainee must meet to complete the programme.

    - ``attendance``: ``min_percent`` of the sessions attended (present or late);
    - ``reflections``: ``min_submitted`` weekly reflections submitted;
    - ``initiative_review``: a progress update on the change initiative recorded in
      course week ``from_week`` or later (the final review);
    - ``survey``: the survey ``wave`` (pre, mid or post) answered.
    """

    id: str = Field(pattern=SLUG)
    kind: Literal["attendance", "reflections", "initiative_review", "survey"]
    label: str = Field(min_length=1, max_length=200)
    min_percent: int | None = Field(default=None, ge=1, le=100)
    min_submitted: int | None = Field(default=None, ge=1)
    from_week: int | None = Field(default=None, ge=1)
    wave: Literal["pre", "mid", "post"] | None = None


# The parameter each kind of criterion needs.
CRITERION_PARAMETERS = {
    "attendance": "min_percent",
    "reflections": "min_submitted",
    "initiative_review": "from_week",
    "survey": "wave",
}


class Completion(Strict):
    """`completion:` in programme.yaml: what completing the programme means."""

    criteria: list[CompletionCriterion] = Field(min_length=1)
    # From this course week, a trainee behind the pace of a criterion is "at risk".
    at_risk_from_week: int = Field(default=10, ge=1)
    # CPD hours on the certificate: the length of each session attended, at most this.
    cpd_hours_per_session_max: float = Field(default=8, gt=0, le=24)


class ProgrammeFile(Strict):
    slug: str = Field(pattern=SLUG)
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    weeks: int = Field(ge=1, le=104)
    reflection_due_days: int = Field(default=6, ge=0, le=28)
    phases: list[Phase] = Field(min_length=1)
    survey_waves: list[SurveyWave] = []
    completion: Completion | None = None


# The uses of a member's data the product itself depends on: survey analysis gates every
# survey and evaluation figure, quotes gate reflection excerpts, interview is for contact.
REQUIRED_PURPOSES = ("survey-analysis", "quotes", "interview")


class ConsentPurpose(Strict):
    id: str = Field(pattern=SLUG)
    label: str = Field(min_length=1, max_length=200)
    hint: str = Field(default="", max_length=1000)


class ConsentFile(Strict):
    """`consent.md`'s front matter: the participant information's title and purposes."""

    title: str = Field(min_length=1, max_length=200)
    version: str = Field(min_length=1, max_length=40)
    evaluator: str = Field(min_length=1, max_length=200)
    contact: str = Field(min_length=1, max_length=200)
    purposes: list[ConsentPurpose] = Field(min_length=1)


@dataclass(frozen=True)
class ParticipantInformation:
    """What a member reads before giving or declining consent, per purpose."""

    title: str
    version: str
    evaluator: str
    contact: str
    purposes: tuple[ConsentPurpose, ...]
    body_markdown: str

    @cached_property
    def body_html(self) -> str:
        return render_markdown(self.body_markdown)

    def purpose(self, purpose_id: str) -> ConsentPurpose | None:
        return next((p for p in self.purposes if p.id == purpose_id), None)


class Reading(Strict):
    title: str = Field(min_length=1)
    source: str = ""
    url: str | None = Field(default=None, pattern=r"^https?://")


class ReflectionPrompt(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    hint: str = ""


GIBBS_CYCLE = (
    ReflectionPrompt(
        id="what_happened",
        label="What happened?",
        hint="Describe a moment from this week: the session, your work or your initiative.",
    ),
    ReflectionPrompt(
        id="feelings", label="What were you thinking and feeling?", hint="Be honest: this is yours."
    ),
    ReflectionPrompt(id="evaluation", label="What was good and bad about the experience?", hint=""),
    ReflectionPrompt(
        id="analysis",
        label="What sense can you make of it?",
        hint="Link it to this week's ideas: power, participation, the whole system.",
    ),
    ReflectionPrompt(id="conclusion", label="What else could you have done?", hint=""),
    ReflectionPrompt(
        id="action_plan",
        label="What will you do next time?",
        hint="One or two concrete steps for your practice or your change initiative.",
    ),
)


class WeekFile(Strict):
    week: int = Field(ge=1)
    title: str = Field(min_length=1)
    phase: str = Field(pattern=SLUG)
    learning_outcomes: list[str] = Field(min_length=1)
    reading: list[Reading] = []
    activities: list[str] = []
    reflection_prompts: list[ReflectionPrompt] | None = None
    due: list[str] = []
    reflection_due_days: int | None = Field(default=None, ge=0, le=28)

    @field_validator("reflection_prompts")
    @classmethod
    def _unique_prompt_ids(cls, prompts):
        if prompts is not None:
            ids = [prompt.id for prompt in prompts]
            duplicated = sorted({item for item in ids if ids.count(item) > 1})
            if duplicated:
                raise ValueError(f"prompt ids must be unique; repeated: {', '.join(duplicated)}")
            if not prompts:
                raise ValueError("give at least one prompt, or leave the field out")
        return prompts


class SurveyItem(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    wording: str = Field(min_length=1)
    type: Literal["likert", "scale", "text"]
    labels: list[str] | None = None
    min: int | None = None
    max: int | None = None


class SurveyInstrument(Strict):
    id: str = Field(pattern=SLUG)
    title: str = Field(min_length=1)
    intro: str = ""
    items: list[SurveyItem] = Field(min_length=1)
    confidence_scale: list[str] = []

    @cached_property
    def items_by_id(self) -> dict[str, SurveyItem]:
        return {item.id: item for item in self.items}


@cache
def _markdown():
    # Made on first use: markdown-it's import and set-up would slow every start.
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})


def render_markdown(text: str) -> str:
    """Markdown to HTML with raw HTML disabled, then sanitised: no script gets through."""
    return nh3.clean(_markdown().render(text), link_rel="noopener noreferrer")


@dataclass(frozen=True)
class Week:
    number: int
    slug: str
    title: str
    phase: Phase
    learning_outcomes: tuple[str, ...]
    reading: tuple[Reading, ...]
    activities: tuple[str, ...]
    prompts: tuple[ReflectionPrompt, ...]
    due: tuple[str, ...]
    reflection_due_days: int
    body_markdown: str

    @cached_property
    def body_html(self) -> str:
        return render_markdown(self.body_markdown)


@dataclass(frozen=True)
class Programme:
    slug: str
    title: str
    summary: str
    number_of_weeks: int
    phases: tuple[Phase, ...]
    survey_waves: tuple[SurveyWave, ...]
    weeks: tuple[Week, ...]
    instruments: dict[str, SurveyInstrument]
    consent: ParticipantInformation
    completion: Completion | None = None

    def week(self, number: int) -> Week:
        return self.weeks[number - 1]

    def waves_open_in(self, week: int) -> list[SurveyWave]:
        return [w for w in self.survey_waves if w.opens_week <= week <= w.closes_week]


@dataclass(frozen=True)
class CurriculumError:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f" {self.field}:" if self.field else ""
        return f"{self.file}:{self.line}:{where} {self.message}"


class CurriculumInvalid(Exception):
    def __init__(self, errors: list[CurriculumError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))
