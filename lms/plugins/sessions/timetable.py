"""When and where each course week's session happens: a cohort default and per-week
overrides, as wall-clock times in Europe/London."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from lms.contracts import SessionDetails
from lms.core.cohorts import schedule_of
from lms.core.models import Cohort
from lms.extensions import db
from lms.plugins.sessions.models import DEFAULT_WEEK, SessionPlan

LONDON = ZoneInfo("Europe/London")


@dataclass
class PlanProblems(ValueError):
    """What is wrong with a plan, by form field."""

    problems: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{name}: {message}" for name, message in self.problems)


def plans_of(cohort: Cohort) -> dict[int, SessionPlan]:
    """The cohort's plans by week (0 is the default)."""
    rows = db.session.scalars(select(SessionPlan).where(SessionPlan.cohort_id == cohort.id))
    return {plan.week: plan for plan in rows}


def check_plan(
    cohort: Cohort, week: int, starts_at: time | None, ends_at: time | None, venue: str, link: str
) -> list[tuple[str, str]]:
    problems = []
    if starts_at is None:
        problems.append(("starts_at", "Enter the time the session starts, for example 10:00"))
    if ends_at is None:
        problems.append(("ends_at", "Enter the time the session ends, for example 12:30"))
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        problems.append(("ends_at", "The session must end after it starts"))
    if not venue.strip() and not link.strip():
        problems.append(("venue", "Enter a venue, an online meeting link, or both"))
    if link.strip() and not link.strip().lower().startswith(("https://", "http://")):
        problems.append(("link", "Enter the meeting link in full, starting with https://"))
    if len(venue) > 300:
        problems.append(("venue", "The venue must be 300 characters or fewer"))
    if len(link) > 500:
        problems.append(("link", "The link must be 500 characters or fewer"))
    weeks = schedule_of(cohort).number_of_weeks
    if not 0 <= week <= weeks:
        problems.append(("week", f"Choose a course week from 1 to {weeks}"))
    return problems


def set_plan(
    cohort: Cohort,
    week: int,
    starts_at: time | None,
    ends_at: time | None,
    venue: str = "",
    link: str = "",
) -> SessionPlan:
    """Set the cohort's default (week 0) or one week's session; raises PlanProblems."""
    problems = check_plan(cohort, week, starts_at, ends_at, venue, link)
    if problems:
        raise PlanProblems(problems)
    plan = db.session.scalar(
        select(SessionPlan).where(SessionPlan.cohort_id == cohort.id, SessionPlan.week == week)
    )
    if plan is None:
        plan = SessionPlan(cohort_id=cohort.id, week=week)
        db.session.add(plan)
    plan.starts_at = starts_at.replace(second=0, microsecond=0)
    plan.ends_at = ends_at.replace(second=0, microsecond=0)
    plan.venue = venue.strip()
    plan.link = link.strip()
    db.session.flush()
    return plan


def clear_override(cohort: Cohort, week: int) -> None:
    """Week `week` goes back to the cohort default."""
    if week != DEFAULT_WEEK:
        db.session.execute(
            delete(SessionPlan).where(SessionPlan.cohort_id == cohort.id, SessionPlan.week == week)
        )


def details(cohort: Cohort, weeks: Iterable[int] | None = None) -> dict[int, SessionDetails]:
    """Each course week's session (break weeks have none: they are not course weeks),
    with its date from the schedule and its time from the override or the default."""
    return _details(cohort, plans_of(cohort), weeks)


def details_of_cohorts(cohorts: list[Cohort]) -> dict[int, dict[int, SessionDetails]]:
    """`details` of several cohorts, every week, in one query."""
    by_cohort: dict[int, dict[int, SessionPlan]] = {c.id: {} for c in cohorts}
    if cohorts:
        rows = db.session.scalars(
            select(SessionPlan).where(SessionPlan.cohort_id.in_(list(by_cohort)))
        )
        for plan in rows:
            by_cohort[plan.cohort_id][plan.week] = plan
    return {c.id: _details(c, by_cohort[c.id], None) for c in cohorts}


def _details(cohort: Cohort, plans: dict[int, SessionPlan], weeks) -> dict[int, SessionDetails]:
    default = plans.get(DEFAULT_WEEK)
    schedule = schedule_of(cohort)
    wanted = range(1, schedule.number_of_weeks + 1) if weeks is None else weeks
    found: dict[int, SessionDetails] = {}
    for week in wanted:
        if not 1 <= week <= schedule.number_of_weeks:
            continue
        plan = plans.get(week, default)
        if plan is None:
            continue
        day = schedule.session_date(week)
        found[week] = SessionDetails(
            week=week,
            starts=datetime.combine(day, plan.starts_at, tzinfo=LONDON),
            ends=datetime.combine(day, plan.ends_at, tzinfo=LONDON),
            venue=plan.venue,
            link=plan.link,
        )
    return found
