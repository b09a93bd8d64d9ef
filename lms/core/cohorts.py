"""Cohort services: creating cohorts, changing their schedule, finding members."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from lms.core.curriculum_loader import programme as load_programme
from lms.core.models import Cohort, CohortBreak, Membership, TutorGroup, User
from lms.core.schedule import WEEKDAYS, Position, Schedule, ScheduleProblem, build_schedule
from lms.core.validation import LIMITS, text_problem
from lms.extensions import db

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class CohortProblems(ValueError):
    """Every problem with a cohort's details, as (field, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(message for _, message in problems))


@dataclass(frozen=True)
class CohortPlan:
    name: str
    slug: str
    programme: str
    start_date: date
    session_weekday: int
    breaks: tuple[date, ...] = ()


def check_plan(plan: CohortPlan, existing: Cohort | None = None) -> Schedule:
    """Validate a cohort's details; return its schedule or raise `CohortProblems`."""
    problems: list[tuple[str, str]] = []
    if not plan.name.strip():
        problems.append(("name", "Enter a name for the cohort"))
    elif problem := text_problem(plan.name.strip(), LIMITS["cohort_name"]):
        problems.append(("name", f"The cohort name {problem}"))
    if not SLUG_PATTERN.match(plan.slug):
        problems.append(
            ("slug", "The short name must use only lower-case letters, numbers and hyphens")
        )
    else:
        clash = db.session.scalar(select(Cohort.id).where(Cohort.slug == plan.slug))
        if clash is not None and (existing is None or clash != existing.id):
            problems.append(("slug", f"A cohort called {plan.slug} already exists"))
    number_of_weeks = 0
    try:
        number_of_weeks = load_programme(plan.programme).number_of_weeks
    except KeyError:
        problems.append(("programme", f"There is no programme called {plan.programme}"))
    if plan.start_date.weekday() != plan.session_weekday:
        problems.append(
            (
                "start_date",
                f"The start date is a {WEEKDAYS[plan.start_date.weekday()]} but sessions are on "
                f"{WEEKDAYS[plan.session_weekday]}s: choose a {WEEKDAYS[plan.session_weekday]}",
            )
        )
    schedule = None
    if number_of_weeks:
        try:
            schedule = build_schedule(plan.start_date, number_of_weeks, plan.breaks)
        except ScheduleProblem as problem:
            problems.append((problem.field, problem.message))
    if problems:
        raise CohortProblems(problems)
    return schedule


def create_cohort(plan: CohortPlan, lead: User | None = None) -> Cohort:
    """Create a cohort; the user creating it becomes its lead."""
    check_plan(plan)
    cohort = Cohort(
        name=plan.name.strip(),
        slug=plan.slug,
        programme=plan.programme,
        start_date=plan.start_date,
        session_weekday=plan.session_weekday,
    )
    cohort.breaks = [CohortBreak(week_of=day) for day in _break_mondays(plan.breaks)]
    db.session.add(cohort)
    if lead is not None:
        db.session.add(Membership(user=lead, cohort=cohort, role="lead"))
    db.session.flush()
    return cohort


def update_schedule(cohort: Cohort, start: date, weekday: int, breaks: tuple[date, ...]) -> None:
    """Move the start date or breaks. Entries are keyed by week number, so none is lost."""
    plan = CohortPlan(cohort.name, cohort.slug, cohort.programme, start, weekday, breaks)
    check_plan(plan, existing=cohort)
    cohort.start_date, cohort.session_weekday = start, weekday
    wanted = set(_break_mondays(breaks))
    cohort.breaks = [b for b in cohort.breaks if b.week_of in wanted] + [
        CohortBreak(week_of=day) for day in sorted(wanted - set(cohort.break_dates))
    ]
    db.session.flush()


def _break_mondays(breaks) -> list[date]:
    from lms.core.schedule import monday_of

    return sorted({monday_of(day) for day in breaks})


def schedule_of(cohort: Cohort) -> Schedule:
    weeks = load_programme(cohort.programme).number_of_weeks
    return _schedule(cohort.start_date, weeks, tuple(cohort.break_dates))


@lru_cache(maxsize=1024)
def _schedule(start: date, weeks: int, breaks: tuple[date, ...]) -> Schedule:
    # Pages ask for a cohort's schedule once per week or member shown; the dates only
    # depend on these arguments, so each distinct schedule is worked out once.
    return build_schedule(start, weeks, breaks)


def position_of(cohort: Cohort, today: date) -> Position:
    return schedule_of(cohort).position(today)


def cohort_by_slug(slug: str) -> Cohort | None:
    return db.session.scalar(select(Cohort).where(Cohort.slug == slug))


def active_members(cohort: Cohort, role: str | None = None, group_id: int | None = None):
    """Members with their users and groups loaded, in name order (one query)."""
    query = (
        select(Membership)
        .join(Membership.user)
        .where(Membership.cohort_id == cohort.id, Membership.withdrawn_at.is_(None))
        # The join above is reused for the user, and the group joined too: one query.
        .options(contains_eager(Membership.user), joinedload(Membership.tutor_group))
        .order_by(User.family_name, User.given_name, User.email)
    )
    if role is not None:
        query = query.where(Membership.role == role)
    if group_id is not None:
        query = query.where(Membership.tutor_group_id == group_id)
    return list(db.session.scalars(query))


def counts_by_sector(cohort: Cohort) -> dict[str, int]:
    rows = db.session.execute(
        select(Membership.sector, func.count())
        .where(
            Membership.cohort_id == cohort.id,
            Membership.role == "trainee",
            Membership.withdrawn_at.is_(None),
        )
        .group_by(Membership.sector)
    )
    return {sector: count for sector, count in rows}


def group_by_name(cohort: Cohort, name: str) -> TutorGroup:
    """The cohort's tutor group of that name, created if new."""
    for group in cohort.tutor_groups:
        if group.name == name:
            return group
    group = TutorGroup(cohort=cohort, name=name)
    db.session.add(group)
    return group


def memberships_of(user: User) -> list[Membership]:
    """The user's current memberships, newest first, with cohorts and groups loaded.

    Several plugins ask for them on every page (navigation, panels): a GET request,
    which changes no membership, reads them once."""
    from flask import g, has_request_context, request

    reading = has_request_context() and request.method in ("GET", "HEAD")
    if reading and user.id in g.setdefault("lms_memberships", {}):
        return list(g.lms_memberships[user.id])
    found = list(
        db.session.scalars(
            select(Membership)
            .where(Membership.user_id == user.id, Membership.withdrawn_at.is_(None))
            # One query: each membership has one cohort and at most one group, and the
            # cohort's few breaks come along (every page with a schedule needs them).
            .options(
                joinedload(Membership.cohort).joinedload(Cohort.breaks),
                joinedload(Membership.tutor_group),
            )
            .order_by(Membership.created_at.desc())
        ).unique()
    )
    if reading:
        g.lms_memberships[user.id] = found
    return list(found)


def update_membership(membership: Membership, **fields) -> None:
    """Change a member's details (a withdrawal is recorded with `record_withdrawal`)."""
    for key, value in fields.items():
        setattr(membership, key, value)


def record_withdrawal(membership: Membership, on: date, reason: str | None, today: date) -> None:
    """The member left the programme on `on` (today or earlier), for `reason` (one of
    WITHDRAWAL_REASONS, or None). Everything they recorded is kept; every list of
    members, reminders, completion and the evaluation go by `withdrawn_at`."""
    from datetime import datetime, time

    from lms.core.models import WITHDRAWAL_REASONS

    problems = []
    if on > today:
        problems.append(("withdrawn_on", "The date they left must be today or in the past"))
    elif on < membership.cohort.start_date.replace(year=membership.cohort.start_date.year - 1):
        problems.append(("withdrawn_on", "The date they left is more than a year before the start"))
    if reason is not None and reason not in WITHDRAWAL_REASONS:
        problems.append(("reason", "Choose one of the reasons, or not recorded"))
    if problems:
        raise CohortProblems(problems)
    membership.withdrawn_at = datetime.combine(on, time())
    membership.withdrawal_reason = reason


def reinstate(membership: Membership) -> None:
    """Undo a withdrawal recorded by mistake. An erased person stays withdrawn: they
    cannot come back as a nameless active member."""
    from lms.core.privacy import is_erased

    if is_erased(membership.user):
        raise CohortProblems([("", "This person's data has been erased: they cannot return")])
    membership.withdrawn_at = None
    membership.withdrawal_reason = None
