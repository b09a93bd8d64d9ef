"""Demo data: session times and places, and registers for the sessions held so far."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from lms.core.clock import today
from lms.core.cohorts import active_members, schedule_of
from lms.extensions import db
from lms.plugins.sessions import certificates, completion, register, timetable
from lms.plugins.sessions.models import SessionPlan

VENUE = "Room 2.14, Community Learning Centre, 21 Queen Street, Belfast BT1 6EA"
LINK = "https://meet.example.org/involving-people"

# Each trainee's pattern over a 10-week cycle: most come, some miss a few, one (the
# demo's "at risk" trainee) misses many.
PATTERNS = {
    "default": "PPPPPPPPPP",
    1: "PPLPPAPPPP",
    4: "PAPPYPPLPP",
    7: "PPPAPAYAPA",
    10: "PPPPLPPPYP",
    13: "AYPAPAAPPA",
}
STATUS = {"P": "present", "L": "late", "A": "absent", "Y": "apologies"}


def add_demo_data(cohort) -> None:
    if db.session.scalar(select(SessionPlan.id).where(SessionPlan.cohort_id == cohort.id)):
        return  # already there: idempotent
    timetable.set_plan(cohort, 0, time(10, 0), time(12, 30), VENUE, LINK)
    # Week 7, straight after the break, is online only and in the afternoon.
    timetable.set_plan(cohort, 7, time(14, 0), time(16, 0), "", LINK)
    position = schedule_of(cohort).position(today())
    # The current week's register is left for the tutor to take; a finished cohort has
    # every register taken.
    last = position.week if position.kind == "finished" else position.week - 1
    trainees = active_members(cohort, role="trainee")
    tutors = {
        m.tutor_group_id: m.user
        for m in active_members(cohort, role="tutor")
        if m.tutor_group_id is not None
    }
    for week in range(1, last + 1):
        for index, member in enumerate(trainees):
            pattern = PATTERNS.get(index, PATTERNS["default"])
            status = STATUS[pattern[(week - 1) % len(pattern)]]
            register.record(member, week, status, tutors.get(member.tutor_group_id))
    db.session.flush()
    if position.kind == "finished":
        _finish(cohort)


FINAL_REVIEW_ON_PAPER = (
    "Presented the initiative's final review at the closing event; the review was "
    "recorded on paper, not in the app."
)


def _finish(cohort) -> None:
    """Last year's cohort: the lead's exceptions for those whose only gap is the final
    review kept on paper, and certificates for everyone who completed."""
    lead = next(iter(active_members(cohort, role="lead")), None)
    if lead is None:
        return
    rules = completion.rules_of(cohort)
    kinds = {c.id: c.kind for c in rules.criteria} if rules else {}
    for standing in completion.standings(cohort, today()):
        unmet = {kinds[key] for key, p in standing.progress.items() if p is None or not p.met}
        if unmet == {"initiative_review"}:
            completion.record_exception(standing.membership, FINAL_REVIEW_ON_PAPER, lead.user)
    certificates.issue(cohort, lead.user, today())
