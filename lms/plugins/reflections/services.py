"""Writing reflections: due dates, saving drafts and submissions, versions, sharing.

Plain functions over models. Every function takes the author's `Membership`, so an entry
can only ever be reached through its owner; tutors go through `review.py`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.core.clock import today
from lms.core.cohorts import schedule_of
from lms.core.curriculum import ReflectionPrompt
from lms.core.curriculum_loader import programme
from lms.core.models import Cohort, Membership, utcnow
from lms.extensions import db
from lms.plugins.reflections.models import DRAFT, SUBMITTED, Entry, Version

MAX_ANSWER_CHARACTERS = 50_000


class StaleVersion(Exception):
    """The save was based on an older version than the one stored."""

    def __init__(self, latest: Version | None):
        self.latest = latest
        super().__init__("a newer version was saved since")


class AnswersInvalid(ValueError):
    """Problems with the answers, as {prompt id: message}; nothing was stored."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(problems.values()))


@dataclass(frozen=True)
class WeekDates:
    opens: date
    due: date


def number_of_weeks(cohort: Cohort) -> int:
    return programme(cohort.programme).number_of_weeks


def prompts_for(cohort: Cohort, week: int) -> tuple[ReflectionPrompt, ...]:
    return programme(cohort.programme).week(week).prompts


def week_dates(cohort: Cohort, week: int, schedule=None) -> WeekDates:
    """A week's reflection opens on its session date and is due a set number of days
    later, as the curriculum says."""
    schedule = schedule or schedule_of(cohort)
    opens = schedule.session_date(week)
    due_days = programme(cohort.programme).week(week).reflection_due_days
    return WeekDates(opens, opens + timedelta(days=due_days))


def is_open(cohort: Cohort, week: int) -> bool:
    return week_dates(cohort, week).opens <= today()


def entry_of(membership: Membership, week: int) -> Entry | None:
    return db.session.scalar(
        select(Entry).where(Entry.membership_id == membership.id, Entry.week == week)
    )


def version_of(entry: Entry, number: int | None) -> Version | None:
    if not number:
        return None
    return db.session.scalar(
        select(Version).where(Version.entry_id == entry.id, Version.number == number)
    )


def latest_version(entry: Entry | None) -> Version | None:
    return version_of(entry, entry.current_version) if entry else None


def entries_of(membership: Membership) -> dict[int, Entry]:
    """All of a member's entries by week, in one query."""
    rows = db.session.scalars(select(Entry).where(Entry.membership_id == membership.id))
    return {entry.week: entry for entry in rows}


def check_answers(prompts, answers: dict[str, str], submitting: bool) -> dict[str, str]:
    """Answers cleaned to the week's prompts; raises `AnswersInvalid` listing every
    answer that is too long, and (when submitting) every one that is missing."""
    cleaned = {
        prompt.id: (answers.get(prompt.id) or "").replace("\r\n", "\n") for prompt in prompts
    }
    problems = {}
    for prompt in prompts:
        text = cleaned[prompt.id]
        if len(text) > MAX_ANSWER_CHARACTERS:
            problems[prompt.id] = (
                f"‘{prompt.label}’ must be {MAX_ANSWER_CHARACTERS:,} characters or fewer: it has "
                f"{len(text):,}. Nothing was saved. Your text is still here: shorten it or move "
                "some of it to another answer"
            )
        elif submitting and not text.strip():
            problems[prompt.id] = f"Answer ‘{prompt.label}’ before you submit"
    if problems:
        raise AnswersInvalid(problems)
    return cleaned


def save(
    membership: Membership,
    week: int,
    answers: dict[str, str],
    based_on: int,
    submit: bool = False,
) -> Version:
    """Save the member's answers as a new version (a draft, or a submission).

    `based_on` is the version the writer started from; if a newer one has been saved
    since (another tab or device), nothing is stored and `StaleVersion` is raised, so
    text is never overwritten silently. Saving unchanged text as a draft adds nothing."""
    cohort = membership.cohort
    cleaned = check_answers(prompts_for(cohort, week), answers, submit)
    entry = entry_of(membership, week)
    if (entry.current_version if entry else 0) != based_on:
        latest = latest_version(entry)
        # Identical text is no conflict (e.g. a background save landed just before the
        # submit button was pressed): nothing of either can be lost.
        if latest is None or latest.answers != cleaned:
            raise StaleVersion(latest)
    if entry is None:
        entry = Entry(
            membership_id=membership.id,
            week=week,
            current_version=0,
            shared=cohort.reflections_shared_by_default,
        )
        db.session.add(entry)
    latest = latest_version(entry)
    if latest is not None and not submit and latest.answers == cleaned:
        return latest
    number = entry.current_version + 1
    version = Version(
        entry=entry,
        number=number,
        kind=SUBMITTED if submit else DRAFT,
        answers_json=json.dumps(cleaned, ensure_ascii=False),
    )
    db.session.add(version)
    now = utcnow()
    entry.current_version, entry.updated_at = number, now
    if submit:
        entry.submitted_version = number
        entry.submitted_at = now
        # A revision goes back to the tutor: it has not been read yet.
        entry.reviewed_at = entry.reviewed_by_id = None
        if entry.first_submitted_at is None:
            entry.first_submitted_at = now
            entry.late = today() > week_dates(cohort, week).due
    try:
        db.session.flush()
    except IntegrityError:
        # Another request saved the same version number (or created the entry) at the
        # same moment: report it as the conflict it is.
        db.session.rollback()
        entry = entry_of(membership, week)
        raise StaleVersion(latest_version(entry)) from None
    return version


def set_sharing(entry: Entry, shared: bool, consent: bool) -> None:
    """Share with tutors or keep private; give or withdraw evaluation consent.

    Takes effect at once everywhere: tutor pages and evaluation tables read these flags."""
    entry.shared = shared
    if consent != entry.evaluation_consent:
        entry.evaluation_consent = consent
        entry.consent_changed_at = utcnow()
    db.session.flush()


def ensure_entry(membership: Membership, week: int) -> Entry:
    """The member's entry for the week, created empty (no version) if new."""
    entry = entry_of(membership, week)
    if entry is None:
        entry = Entry(
            membership_id=membership.id,
            week=week,
            current_version=0,
            shared=membership.cohort.reflections_shared_by_default,
        )
        db.session.add(entry)
        db.session.flush()
    return entry


def versions_of(entry: Entry) -> list[Version]:
    return list(
        db.session.scalars(
            select(Version).where(Version.entry_id == entry.id).order_by(Version.number.desc())
        )
    )


# -- statuses ------------------------------------------------------------------------

NOT_OPEN, TO_DO, DRAFT_SAVED, OVERDUE = "not yet open", "to do", "draft", "overdue"
SUBMITTED_ON_TIME, SUBMITTED_LATE, REVIEWED = "submitted", "submitted late", "reviewed"


def status_of(entry: Entry | None, dates: WeekDates, on: date) -> str:
    """A week's reflection status for the member's list and the tutor's grid."""
    if entry is not None and entry.is_submitted:
        if entry.reviewed_at is not None:
            return REVIEWED
        return SUBMITTED_LATE if entry.late else SUBMITTED_ON_TIME
    if on < dates.opens:
        return NOT_OPEN
    if on > dates.due:
        return OVERDUE
    if entry is not None and entry.current_version:
        return DRAFT_SAVED
    return TO_DO


@dataclass(frozen=True)
class WeekRow:
    week: int
    title: str
    dates: WeekDates
    status: str
    entry: Entry | None


def weeks_of(membership: Membership) -> list[WeekRow]:
    """Every course week with the member's status (a fixed number of queries)."""
    cohort = membership.cohort
    schedule = schedule_of(cohort)
    entries = entries_of(membership)
    course = programme(cohort.programme)
    on = today()
    rows = []
    for week in course.weeks:
        dates = week_dates(cohort, week.number, schedule)
        entry = entries.get(week.number)
        rows.append(WeekRow(week.number, week.title, dates, status_of(entry, dates, on), entry))
    return rows


def saved_at_label(moment: datetime) -> str:
    return f"{moment:%-d %B %Y at %H:%M}"
