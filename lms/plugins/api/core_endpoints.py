"""Endpoints over core models only: you, your memberships, cohorts and their schedule,
and the roster for leads. Same rules as the core pages (`lms.core.cohort_views`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from lms.core import audit
from lms.core.clock import today
from lms.core.cohorts import active_members, memberships_of, schedule_of
from lms.core.curriculum_loader import programme
from lms.core.models import Cohort
from lms.extensions import db


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class CohortSummary(Out):
    slug: str
    name: str
    programme: str
    start_date: date
    archived: bool


class MembershipOut(Out):
    id: int
    cohort: CohortSummary
    role: str = Field(description="trainee, tutor or lead")
    tutor_group: str | None
    organisation: str
    job_title: str
    sector: str
    area: str
    evaluation_consent: bool
    joined_at: datetime


class Me(Out):
    id: int
    email: str
    given_name: str
    family_name: str
    is_admin: bool
    memberships: list[MembershipOut]


class Position(Out):
    kind: str = Field(description="before, week, break or finished")
    week: int = Field(description="The course week (the last one taught during a break)")
    label: str
    resumes: date | None = Field(description="During a break: the next session date")


class ScheduleWeek(Out):
    week: int
    title: str
    phase: str
    session_date: date
    reflection_due: date


class CohortOut(CohortSummary):
    programme_title: str
    session_weekday: int = Field(description="0 is Monday")
    end_date: date
    number_of_weeks: int
    breaks: list[date] = Field(description="The Monday of each week without a session")
    position: Position
    weeks: list[ScheduleWeek]


class RosterMember(Out):
    membership_id: int
    email: str
    given_name: str
    family_name: str
    role: str
    sector: str
    organisation: str
    job_title: str
    area: str
    tutor_group: str | None
    lived_experience: bool


def _summary(cohort: Cohort) -> CohortSummary:
    return CohortSummary(
        slug=cohort.slug,
        name=cohort.name,
        programme=cohort.programme,
        start_date=cohort.start_date,
        archived=cohort.archived_at is not None,
    )


def me(call) -> Me:
    user = call.user
    return Me(
        id=user.id,
        email=user.email,
        given_name=user.given_name,
        family_name=user.family_name,
        is_admin=user.is_admin,
        memberships=[
            MembershipOut(
                id=m.id,
                cohort=_summary(m.cohort),
                role=m.role,
                tutor_group=m.tutor_group.name if m.tutor_group else None,
                organisation=m.organisation,
                job_title=m.job_title,
                sector=m.sector,
                area=m.area,
                evaluation_consent=m.evaluation_consent,
                joined_at=m.created_at,
            )
            for m in memberships_of(user)
        ],
    )


def cohorts(call) -> list[CohortSummary]:
    """As the cohorts page: your cohorts; every cohort for an admin."""
    if call.user.is_admin:
        found = db.session.scalars(select(Cohort).order_by(Cohort.start_date.desc()))
    else:
        found = (m.cohort for m in memberships_of(call.user))
    return [_summary(cohort) for cohort in found]


def cohort(call) -> CohortOut:
    cohort = call.cohort
    schedule = schedule_of(cohort)
    course = programme(cohort.programme)
    position = schedule.position(today())
    return CohortOut(
        **_summary(cohort).model_dump(),
        programme_title=course.title,
        session_weekday=cohort.session_weekday,
        end_date=schedule.end_date,
        number_of_weeks=schedule.number_of_weeks,
        breaks=list(schedule.break_weeks),
        position=Position(
            kind=position.kind, week=position.week, label=position.label, resumes=position.resumes
        ),
        weeks=[
            ScheduleWeek(
                week=week.number,
                title=week.title,
                phase=week.phase.title,
                session_date=schedule.session_date(week.number),
                reflection_due=schedule.session_date(week.number)
                + timedelta(days=week.reflection_due_days),
            )
            for week in course.weeks
        ],
    )


def roster(call) -> list[RosterMember]:
    """The roster export's columns, for leads; recorded in the audit log as an export."""
    members = active_members(call.cohort)
    audit.record("data.exported", call.user, cohort=call.cohort, what="roster (API)")
    return [
        RosterMember(
            membership_id=m.id,
            email=m.user.email,
            given_name=m.user.given_name,
            family_name=m.user.family_name,
            role=m.role,
            sector=m.sector,
            organisation=m.organisation,
            job_title=m.job_title,
            area=m.area,
            tutor_group=m.tutor_group.name if m.tutor_group else None,
            lived_experience=m.lived_experience,
        )
        for m in members
    ]


def endpoints() -> list[dict]:
    return [
        {
            "name": "me.read",
            "method": "GET",
            "path": "/me",
            "summary": "You and your cohort memberships",
            "handler": me,
            "response": Me,
        },
        {
            "name": "cohorts.list",
            "method": "GET",
            "path": "/cohorts",
            "summary": "Your cohorts",
            "description": "The cohorts you are an active member of (every cohort for admins).",
            "handler": cohorts,
            "response": list[CohortSummary],
        },
        {
            "name": "cohorts.read",
            "method": "GET",
            "path": "/cohorts/{slug}",
            "summary": "A cohort and its schedule",
            "description": "Session date and reflection due date of every course week, the "
            "breaks, and where the cohort is today.",
            "capability": "cohorts.view",
            "handler": cohort,
            "response": CohortOut,
        },
        {
            "name": "cohorts.roster",
            "method": "GET",
            "path": "/cohorts/{slug}/roster",
            "summary": "The cohort's roster (leads)",
            "description": "Active members with the roster export's columns. Each call is "
            "recorded in the audit log, as the roster download is.",
            "capability": "cohorts.manage",
            "handler": roster,
            "response": list[RosterMember],
        },
    ]
