"""Completion: each trainee's standing against the programme's completion rules.

The rules are data (`completion:` in programme.yaml). Each criterion is judged by the
plugin holding its data, through the `lms_completion_progress` hook: this plugin judges
attendance, and never reads reflections, initiatives or surveys itself."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import select

from lms.contracts import CriterionProgress
from lms.core import audit
from lms.core.cohorts import active_members, schedule_of
from lms.core.curriculum import Completion, CompletionCriterion
from lms.core.curriculum_loader import programme
from lms.core.models import Cohort, Membership, User
from lms.extensions import db
from lms.plugins.sessions import register, timetable
from lms.plugins.sessions.models import CompletionException

COMPLETED = "Completed"
BY_EXCEPTION = "Completed by exception"
ON_TRACK = "On track"
AT_RISK = "At risk"
NOT_MET = "Not met"
STATUS_ORDER = (NOT_MET, AT_RISK, ON_TRACK, BY_EXCEPTION, COMPLETED)


@dataclass
class Standing:
    membership: Membership
    progress: dict[str, CriterionProgress | None]
    status: str
    exception: CompletionException | None = None
    cpd_hours: float = 0.0
    behind: list[str] = field(default_factory=list)  # labels of criteria behind pace

    @property
    def completed(self) -> bool:
        return self.status in (COMPLETED, BY_EXCEPTION)


def rules_of(cohort: Cohort) -> Completion | None:
    return programme(cohort.programme).completion


def course_week(cohort: Cohort, today: date) -> int:
    """The course week reached: 0 before the start, the last taught during a break."""
    return schedule_of(cohort).position(today).week


def attendance_progress(
    cohort: Cohort, members, criteria, week: int
) -> dict[tuple[int, str], CriterionProgress]:
    """This plugin's answer to `lms_completion_progress`: the attendance criteria."""
    wanted = [c for c in criteria if c.kind == "attendance"]
    if not wanted or not members:
        return {}
    total = schedule_of(cohort).number_of_weeks
    taken = register.weeks_taken(cohort)
    attended = register.attended_weeks(m.id for m in members)
    found = {}
    for criterion in wanted:
        needed = math.ceil(total * criterion.min_percent / 100)
        for member in members:
            count = len(attended[member.id])
            remaining = total - len(taken)
            pace = count / len(taken) * 100 if taken else 100.0
            found[(member.id, criterion.id)] = CriterionProgress(
                value=count,
                target=needed,
                met=count >= needed,
                possible=count + remaining >= needed,
                on_pace=pace >= criterion.min_percent,
                text=f"{count} of {len(taken)} sessions ({pace:.0f}%)",
            )
    return found


def standings(cohort: Cohort, today: date, members=None) -> list[Standing]:
    """Every active trainee's standing, in name order (a fixed number of queries)."""
    rules = rules_of(cohort)
    members = active_members(cohort, role="trainee") if members is None else members
    if rules is None:
        return []
    week = course_week(cohort, today)
    finished = schedule_of(cohort).position(today).kind == "finished"
    reported: dict = {}
    for answer in current_app.extensions["lms"].hook.lms_completion_progress(
        cohort=cohort, members=members, criteria=list(rules.criteria), week=week
    ):
        reported.update(answer or {})
    exceptions = {
        row.membership_id: row
        for row in db.session.scalars(
            select(CompletionException).where(
                CompletionException.membership_id.in_([m.id for m in members])
            )
        )
    }
    hours = cpd_hours(cohort, members)
    result = []
    for member in members:
        progress = {c.id: reported.get((member.id, c.id)) for c in rules.criteria}
        behind = [
            c.label for c in rules.criteria if progress[c.id] is None or not progress[c.id].on_pace
        ]
        if all(p is not None and p.met for p in progress.values()):
            status = COMPLETED
        elif member.id in exceptions:
            status = BY_EXCEPTION
        elif finished or any(p is not None and not p.possible for p in progress.values()):
            status = NOT_MET
        elif week >= rules.at_risk_from_week and _behind(progress, rules.criteria):
            status = AT_RISK
        else:
            status = ON_TRACK
        result.append(
            Standing(member, progress, status, exceptions.get(member.id), hours[member.id], behind)
        )
    return result


def _behind(progress: dict, criteria: list[CompletionCriterion]) -> bool:
    return any(p is not None and not p.met and not p.on_pace for p in progress.values())


def standing_of(membership: Membership, today: date) -> Standing | None:
    found = standings(membership.cohort, today, [membership])
    return found[0] if found else None


def cpd_hours(cohort: Cohort, members) -> dict[int, float]:
    """Hours of the sessions each member attended (present or late), each session
    counted for at most the programme's `cpd_hours_per_session_max`."""
    rules = rules_of(cohort)
    cap = rules.cpd_hours_per_session_max if rules else 8
    sessions = timetable.details(cohort)
    attended = register.attended_weeks(m.id for m in members)
    return {
        mid: round(sum(min(sessions[w].hours, cap) for w in weeks if w in sessions), 1)
        for mid, weeks in attended.items()
    }


def record_exception(membership: Membership, reason: str, by: User) -> CompletionException:
    """The lead's decision that `membership` completes although a criterion is unmet."""
    reason = reason.strip()
    if not reason:
        raise ValueError("Enter the reason for the exception")
    row = db.session.scalar(
        select(CompletionException).where(CompletionException.membership_id == membership.id)
    )
    if row is None:
        row = CompletionException(membership_id=membership.id, reason=reason)
        db.session.add(row)
    row.reason = reason
    row.recorded_by_id = by.id
    audit.record(
        "completion.exception",
        by,
        subject=membership.user,
        cohort=membership.cohort,
        reason=reason,
    )
    db.session.flush()
    return row


def remove_exception(membership: Membership, by: User) -> None:
    row = db.session.scalar(
        select(CompletionException).where(CompletionException.membership_id == membership.id)
    )
    if row is not None:
        db.session.delete(row)
        audit.record(
            "completion.exception_removed", by, subject=membership.user, cohort=membership.cohort
        )


def report_rows(cohort: Cohort, today: date) -> tuple[list[str], list[list]]:
    """The completion report (CLI and CSV): one row per trainee."""
    rules = rules_of(cohort)
    criteria = list(rules.criteria) if rules else []
    header = ["name", "email", "tutor_group", "status", "cpd_hours"]
    header += [c.id for c in criteria] + ["exception_reason"]
    rows = []
    for standing in standings(cohort, today):
        member = standing.membership
        row = [
            member.user.full_name,
            member.user.email,
            member.tutor_group.name if member.tutor_group else "",
            standing.status,
            standing.cpd_hours,
        ]
        for criterion in criteria:
            progress = standing.progress[criterion.id]
            if progress is None:
                row.append("not known")
            else:
                row.append(("met: " if progress.met else "not met: ") + progress.text)
        row.append(standing.exception.reason if standing.exception else "")
        rows.append(row)
    return header, rows
