"""Dashboard panels: the trainee's attendance, the register for tutors, completion for
the lead."""

from __future__ import annotations

from lms.contracts import Panel
from lms.core.clock import today
from lms.plugins.sessions import certificates, completion, register, timetable


def panels_for(membership) -> list[Panel]:
    cohort = membership.cohort
    if membership.role not in ("trainee", "tutor", "lead"):
        return []
    week = completion.course_week(cohort, today())
    context = {"cohort": cohort, "week": week, "role": membership.role}
    if membership.role == "trainee":
        # The session itself is on the trainee's dashboard already (core, via the hook).
        marks = register.attendance_of(membership)
        context["attended"] = sum(1 for s in marks.values() if s in ("present", "late"))
        context["taken"] = len(register.weeks_taken(cohort))
        context["certificate"] = certificates.current_certificate(membership)
        return [Panel("Your attendance", "sessions/_panel.html", context, order=15)]
    context["session"] = timetable.details(cohort, [max(week, 1)]).get(max(week, 1))
    if membership.role == "lead":
        # Standings ask every plugin: they stay on the completion page, off the dashboard.
        context["has_rules"] = completion.rules_of(cohort) is not None
    return [Panel("Sessions and attendance", "sessions/_panel.html", context, order=15)]
