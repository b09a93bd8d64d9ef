"""Survey services: which waves are open, answering, pseudonyms, data for analysis.

Plain functions over models; no request objects. Object-level checks live here: a
response is only ever loaded through the member who owns it.

When is a wave open? On the cohort's schedule position today (`lms.core.clock`):
- before the course starts: not yet open;
- in course week w: open when opens_week <= w <= closes_week, closed after;
- during a break: as in the last week taught, so a break inside or right after a
  window keeps the wave open (nobody loses answering time to a holiday); it closes
  when the first session week after the window starts;
- after the course has finished: every wave is closed.
A closed wave takes no new answers and no changes; a submitted response is locked.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app
from sqlalchemy import bindparam, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from lms.core import disclosure
from lms.core.clock import today
from lms.core.cohorts import schedule_of
from lms.core.curriculum import SurveyInstrument, SurveyItem, SurveyWave
from lms.core.curriculum_loader import programme
from lms.core.models import Cohort, Membership, TutorGroup, utcnow
from lms.extensions import db
from lms.plugins.surveys.analysis import Answers
from lms.plugins.surveys.models import SurveyAnswer, SurveyResponse

MAX_TEXT = 2000
"""Longest free-text answer, in characters."""
WAVE_NAMES = {"pre": "Start of the programme", "mid": "Middle", "post": "End of the programme"}
NOT_YET_OPEN, OPEN, CLOSED = "not yet open", "open", "closed"


class SurveyProblem(ValueError):
    """The answer cannot be taken (closed wave, already submitted...)."""


def min_cell_size() -> int:
    return disclosure.threshold()


def consent_required() -> bool:
    """Whether analysis and exports use only members who consented to evaluation use."""
    return bool(current_app.config.get("SURVEYS_REQUIRE_CONSENT", True))


# -- waves -------------------------------------------------------------------------


def waves(cohort: Cohort) -> list[SurveyWave]:
    return list(programme(cohort.programme).survey_waves)


def find_wave(cohort: Cohort, name: str) -> SurveyWave | None:
    return next((wave for wave in waves(cohort) if wave.wave == name), None)


def instrument_of(cohort: Cohort, wave: SurveyWave) -> SurveyInstrument:
    return programme(cohort.programme).instruments[wave.instrument]


def results_ready_for_group(cohort: Cohort, wave_to: str) -> bool:
    """A tutor sees their group's results once the later wave has closed: while answers
    still arrive, comparing the figures before and after one more would reveal them."""
    wave = find_wave(cohort, wave_to)
    return wave is not None and wave_state(cohort, wave) == CLOSED


def wave_state(cohort: Cohort, wave: SurveyWave) -> str:
    """ "not yet open", "open" or "closed" today (see the module docstring)."""
    position = schedule_of(cohort).position(today())
    if position.kind == "before":
        return NOT_YET_OPEN
    if position.kind == "finished" or position.week > wave.closes_week:
        return CLOSED
    if position.week < wave.opens_week:
        return NOT_YET_OPEN
    return OPEN


def item_range(item: SurveyItem) -> tuple[int, int]:
    """The allowed values of a likert (1..number of labels) or scale (0..10) item."""
    if item.type == "likert":
        low = item.min if item.min is not None else 1
        return low, item.max if item.max is not None else low + len(item.labels or "12345") - 1
    return (item.min if item.min is not None else 0), (item.max if item.max is not None else 10)


def is_required(item: SurveyItem) -> bool:
    """Likert and scale questions need an answer before submitting; free text is optional."""
    return item.type != "text"


# -- answering ---------------------------------------------------------------------


def response_of(membership: Membership, wave: SurveyWave) -> SurveyResponse | None:
    return db.session.scalar(
        select(SurveyResponse)
        .where(
            SurveyResponse.membership_id == membership.id,
            SurveyResponse.instrument == wave.instrument,
            SurveyResponse.wave == wave.wave,
        )
        .options(selectinload(SurveyResponse.answers))
    )


def own_response(membership: Membership, response_id: int) -> SurveyResponse | None:
    """The response if it is this member's; None otherwise (the view answers 404)."""
    response = db.session.get(SurveyResponse, response_id)
    if response is None or response.membership_id != membership.id:
        return None
    return response


def answers_of(response: SurveyResponse | None) -> dict[str, int | str]:
    if response is None:
        return {}
    return {
        a.item_id: a.value if a.value is not None else a.text
        for a in response.answers
        if a.value is not None or a.text is not None
    }


def check_answers(
    instrument: SurveyInstrument, posted: dict[str, str], submitting: bool
) -> tuple[dict[str, int | str | None], dict[str, str]]:
    """Clean posted answers ``{item_id: text}``; return ``(answers, errors by item id)``.

    Unknown item ids are an error under the key "survey". Blank means not answered;
    when submitting, every required item must be answered."""
    errors: dict[str, str] = {}
    unknown = sorted(set(posted) - set(instrument.items_by_id))
    if unknown:
        errors["survey"] = "The answers included a question that is not in this survey"
    clean: dict[str, int | str | None] = {}
    for number, item in enumerate(instrument.items, start=1):
        raw = (posted.get(item.id) or "").strip()
        if item.type == "text":
            if len(raw) > MAX_TEXT:
                errors[item.id] = f"Answer {number} must be {MAX_TEXT:,} characters or fewer"
            clean[item.id] = raw or None
            continue
        if not raw:
            clean[item.id] = None
            if submitting and is_required(item):
                errors[item.id] = f"Select an answer to question {number}"
            continue
        low, high = item_range(item)
        # Not isdigit(): it accepts "²" (and lstrip("-") lets "--3" through), int() not.
        if not re.fullmatch(r"-?[0-9]+", raw) or not low <= int(raw) <= high:
            errors[item.id] = f"Question {number}: select one of the answers given"
            continue
        clean[item.id] = int(raw)
    return clean, errors


def save_answers(
    membership: Membership,
    wave: SurveyWave,
    answers: dict[str, int | str | None],
    submit: bool = False,
) -> SurveyResponse:
    """Store checked answers as the member's draft, and submit (lock) it if asked.

    Raises `SurveyProblem` when the wave is not open or the response is already
    submitted; nothing is stored then."""
    cohort = membership.cohort
    if wave_state(cohort, wave) != OPEN:
        raise SurveyProblem("This survey is closed: it no longer takes answers")
    response = response_of(membership, wave)
    if response is not None and response.is_submitted:
        raise SurveyProblem("You have already submitted this survey: it cannot be changed")
    if response is None:
        response = SurveyResponse(
            cohort_id=cohort.id, membership=membership, instrument=wave.instrument, wave=wave.wave
        )
        db.session.add(response)
    existing = {answer.item_id: answer for answer in response.answers}
    for item_id, value in answers.items():
        answer = existing.get(item_id)
        if value is None:
            if answer is not None:
                response.answers.remove(answer)
            continue
        if answer is None:
            answer = SurveyAnswer(item_id=item_id)
            response.answers.append(answer)
        answer.value, answer.text = (None, value) if isinstance(value, str) else (value, None)
    response.updated_at = utcnow()
    if submit:
        response.submitted_at = utcnow()
    try:
        db.session.flush()
    except IntegrityError:
        # Another request created this response (or answer) at the same moment.
        db.session.rollback()
        raise SurveyProblem(
            "Your answers were being saved from another tab or device at the same moment, "
            "so these were not saved: check them and save again"
        ) from None
    return response


@dataclass(frozen=True)
class WaveStatus:
    wave: SurveyWave
    state: str  # not yet open | open | closed
    response: SurveyResponse | None

    @property
    def task_status(self) -> str:
        """The member's task status: to do, in progress, done, closed or not yet open."""
        if self.response is not None and self.response.is_submitted:
            return "done"
        if self.state != OPEN:
            return self.state
        return "in progress" if self.response is not None else "to do"


def statuses_of(membership: Membership) -> list[WaveStatus]:
    """Every wave of the member's programme with its state and their response (1 query)."""
    responses = {
        (r.instrument, r.wave): r
        for r in db.session.scalars(
            select(SurveyResponse).where(SurveyResponse.membership_id == membership.id)
        )
    }
    return [
        WaveStatus(
            wave, wave_state(membership.cohort, wave), responses.get((wave.instrument, wave.wave))
        )
        for wave in waves(membership.cohort)
    ]


# -- pseudonyms and analysis data ----------------------------------------------------


def pseudonym(cohort_id: int, response: SurveyResponse) -> str:
    """A respondent id stable within a cohort (core's pseudonyms): of the membership, or,
    after erasure, of the random key that replaced it."""
    if response.membership_id is not None:
        subject = str(response.membership_id)
    else:
        subject = f"erased:{response.anonymous_key or response.id}"
    return disclosure.pseudonym(cohort_id, subject, "surveys")


def submitted_responses(cohort: Cohort, instrument: str | None = None) -> list[SurveyResponse]:
    """Submitted responses counted in analysis, with answers and memberships (3 queries).

    With consent required, only members who consented to evaluation use count (and
    erased responses, which are kept only when consent had been given)."""
    query = (
        select(SurveyResponse)
        .outerjoin(SurveyResponse.membership)
        .where(SurveyResponse.cohort_id == cohort.id, SurveyResponse.submitted_at.is_not(None))
        .options(
            selectinload(SurveyResponse.answers),
            selectinload(SurveyResponse.membership).selectinload(Membership.tutor_group),
        )
        .order_by(SurveyResponse.id)
    )
    if instrument is not None:
        query = query.where(SurveyResponse.instrument == instrument)
    if consent_required():
        query = query.where(
            (SurveyResponse.membership_id.is_(None)) | (Membership.evaluation_consent.is_(True))
        )
    return list(db.session.scalars(query))


@lru_cache(maxsize=32)
def _answers_query(items: tuple[str, ...], by_wave: bool, by_group: bool, consented: bool):
    """The pivot for `submitted_answers`, built once per shape (a dozen items make it a
    large expression, and the evaluation asks for it once per cohort)."""
    where = [
        SurveyResponse.cohort_id == bindparam("cohort_id"),
        SurveyResponse.submitted_at.is_not(None),
        SurveyResponse.instrument == bindparam("instrument"),
    ]
    if by_wave:
        where.append(SurveyResponse.wave.in_(bindparam("waves", expanding=True)))
    if by_group:
        where.append(Membership.tutor_group_id == bindparam("tutor_group_id"))
    if consented:
        where.append(
            (SurveyResponse.membership_id.is_(None)) | (Membership.evaluation_consent.is_(True))
        )
    return (
        select(
            SurveyResponse.membership_id,
            SurveyResponse.anonymous_key,
            SurveyResponse.wave,
            # One value per response: max() lets the GROUP BY be the response id alone,
            # which SQLite then walks in order instead of sorting.
            func.max(Membership.sector),
            func.max(Membership.area),
            func.max(TutorGroup.name),
            # -1 for "not answered" (answers are 0 or more): whole numbers convert to an
            # array several times faster than rows holding None.
            *(
                func.coalesce(
                    func.max(case((SurveyAnswer.item_id == item, SurveyAnswer.value))), -1
                )
                for item in items
            ),
        )
        .select_from(SurveyResponse)
        .outerjoin(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .outerjoin(Membership, SurveyResponse.membership_id == Membership.id)
        .outerjoin(TutorGroup, Membership.tutor_group_id == TutorGroup.id)
        .where(*where)
        .group_by(SurveyResponse.id)
        .order_by(SurveyResponse.id)
    )


def submitted_answers(
    cohort: Cohort,
    instrument: SurveyInstrument,
    wave_names: tuple[str, ...] = (),
    tutor_group_id: int | None = None,
) -> Answers:
    """The cohort's submitted numeric answers as columns for `analysis` (one query).

    One row per response, one column per numeric item, pivoted in SQL so that a cohort of
    10,000 members is 20,000 rows rather than a quarter of a million. Only members counted
    in analysis (see `submitted_responses`); only `wave_names` and one tutor group's
    members when given."""
    import numpy as np  # loaded on the first analysis, not at start

    items = tuple(item.id for item in instrument.items if item.type != "text")
    query = _answers_query(items, bool(wave_names), tutor_group_id is not None, consent_required())
    params = {"cohort_id": cohort.id, "instrument": instrument.id}
    if wave_names:
        params["waves"] = list(wave_names)
    if tutor_group_id is not None:
        params["tutor_group_id"] = tutor_group_id
    rows = db.session.connection().execute(query, params).all()
    codes: dict[object, int] = {}
    member, wave, sector, area, group = [], [], [], [], []
    for membership_id, anonymous_key, wave_name, sector_name, area_name, group_name, *_ in rows:
        # Erased members keep a random key linking their waves, and no groups.
        linked = membership_id is not None
        member.append(codes.setdefault(membership_id if linked else anonymous_key, len(codes)))
        wave.append(wave_name)
        sector.append(sector_name if linked else None)
        area.append((area_name or "not recorded") if linked else None)
        group.append((group_name or "no group") if linked else None)
    values = np.array([row[6:] for row in rows], dtype=float).reshape(len(rows), len(items))
    values[values < 0] = np.nan  # not answered
    return Answers(
        member=np.array(member, dtype=np.int64),
        wave=np.array(wave, dtype=object),
        values=values,
        items=tuple(items),
        groups={
            "sector": np.array(sector, dtype=object),
            "area": np.array(area, dtype=object),
            "tutor_group": np.array(group, dtype=object),
        },
    )


def response_counts(
    cohort: Cohort, tutor_group_id: int | None = None
) -> dict[str, dict[str, int | float | str]]:
    """Per wave: trainees, submitted responses and the response rate, as shown (fixed
    queries); one tutor group's when `tutor_group_id` is given."""
    in_group = [] if tutor_group_id is None else [Membership.tutor_group_id == tutor_group_id]
    trainees = db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.cohort_id == cohort.id,
            Membership.role == "trainee",
            Membership.withdrawn_at.is_(None),
            *in_group,
        )
    )
    # Counted among the same people as `trainees` (a withdrawn member's answers are not).
    query = (
        select(SurveyResponse.wave, func.count(SurveyResponse.submitted_at))
        .join(Membership, SurveyResponse.membership_id == Membership.id)
        .where(
            SurveyResponse.cohort_id == cohort.id,
            Membership.role == "trainee",
            Membership.withdrawn_at.is_(None),
            *in_group,
        )
        .group_by(SurveyResponse.wave)
    )
    rows = db.session.execute(query)
    submitted = {wave: count for wave, count in rows}
    # Responses out of trainees: hidden with their complement, so neither a small number
    # of respondents nor of people who did not answer can be read off.
    return {
        wave.wave: {
            "trainees": disclosure.shown(trainees),
            "submitted": disclosure.shown_with_complement(submitted.get(wave.wave, 0), trainees),
            "rate": disclosure.rate(submitted.get(wave.wave, 0), trainees),
        }
        for wave in waves(cohort)
    }


# -- personal data -------------------------------------------------------------------


def personal_data(user) -> list[dict]:
    """Everything held about `user`'s survey answers, for their own download."""
    responses = db.session.scalars(
        select(SurveyResponse)
        .join(SurveyResponse.membership)
        .where(Membership.user_id == user.id)
        .options(selectinload(SurveyResponse.answers))
        .order_by(SurveyResponse.id)
    )
    return [
        {
            "cohort_id": r.cohort_id,
            "instrument": r.instrument,
            "wave": r.wave,
            "started_at": r.started_at.isoformat(),
            "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
            "answers": answers_of(r),
        }
        for r in responses
    ]


def erase_personal_data(user) -> None:
    """Unlink `user` from their answers, keeping what aggregates need.

    Drafts, free text (it may name people) and the answers of members who had not
    consented to evaluation use are deleted. Submitted numeric answers of consenting
    members stay, linked only by a new random key shared by that member's waves, so
    paired results do not change and no one can trace them back to the person."""
    memberships = db.session.scalars(select(Membership).where(Membership.user_id == user.id))
    for membership in memberships:
        responses = db.session.scalars(
            select(SurveyResponse)
            .where(SurveyResponse.membership_id == membership.id)
            .options(selectinload(SurveyResponse.answers))
        ).all()
        key = secrets.token_hex(16)
        for response in responses:
            consented = membership.evaluation_consent or not consent_required()
            if not response.is_submitted or not consented:
                db.session.delete(response)
                continue
            response.answers = [a for a in response.answers if a.value is not None]
            response.membership, response.anonymous_key = None, key
    db.session.flush()
