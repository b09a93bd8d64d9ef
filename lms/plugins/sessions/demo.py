"""Demo data: session times and places, and registers for the sessions held so far."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from lms.core.clock import today
from lms.core.cohorts import active_members
from lms.extensions import db
from lms.plugins.sessions import completion, register, timetable
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
    held = completion.course_week(cohort, today())
    trainees = active_members(cohort, role="trainee")
    tutors = {
        m.tutor_group_id: m.user
        for m in active_members(cohort, role="tutor")
        if m.tutor_group_id is not None
    }
    # The register of the current week is left for the tutor to take (in the demo).
    for week in range(1, held):
        for index, member in enumerate(trainees):
            pattern = PATTERNS.get(index, PATTERNS["default"])
            status = STATUS[pattern[(week - 1) % len(pattern)]]
            register.record(member, week, status, tutors.get(member.tutor_group_id))
    db.session.flush()
