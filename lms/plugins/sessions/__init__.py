"""Sessions: each course week's taught session (time and place), the attendance
register, completion against the programme's rules, and certificates of completion.

Hook implementations only. Criteria on other plugins' data (reflections, initiatives,
surveys) come from them through `lms_completion_progress`; this plugin imports none.
"""

from __future__ import annotations

from lms.contracts import Capability, NavItem
from lms.plugins import hookimpl


@hookimpl
def lms_blueprints():
    from lms.plugins.sessions.views import bp

    return [bp]


@hookimpl
def lms_models():
    from lms.plugins.sessions import models

    return [models]


@hookimpl
def lms_capabilities():
    return [
        Capability("sessions.register", "Take the attendance register", ("tutor", "lead")),
        Capability(
            "sessions.attendance",
            "See attendance: your own, your group's or the cohort's",
            ("trainee", "tutor", "lead"),
        ),
        Capability(
            "sessions.manage",
            "Set session times, see completion, record exceptions, issue certificates",
            ("lead",),
        ),
        Capability("sessions.certificate", "Download your certificate", ("trainee",)),
    ]


@hookimpl
def lms_cli():
    from lms.plugins.sessions.cli import commands

    return commands()


@hookimpl
def lms_nav_items(user):
    from lms.core.cohorts import memberships_of

    # Tutors take the register every week, on a phone: one tap from any page.
    tutoring = [m for m in memberships_of(user) if m.role == "tutor"]
    if not tutoring:
        return []
    return [NavItem("Register", "sessions.register_now", 27, {"slug": tutoring[0].cohort.slug})]


@hookimpl
def lms_notification_kinds():
    from lms.plugins.sessions.notices import KINDS

    return KINDS


@hookimpl
def lms_scheduled_notifications(on):
    from lms.plugins.sessions.notices import sessions_tomorrow

    sessions_tomorrow(on)


@hookimpl
def lms_waiting_tasks(membership):
    """A tutor's register for the latest session, until it is taken."""
    from flask import url_for

    from lms.contracts import Task
    from lms.core.clock import today
    from lms.core.cohorts import schedule_of
    from lms.plugins.sessions import register

    if membership.role != "tutor" or membership.tutor_group_id is None:
        return []
    schedule, on = schedule_of(membership.cohort), today()
    held = [w for w in range(1, schedule.number_of_weeks + 1) if schedule.session_date(w) <= on]
    if not held:
        return []
    week = held[-1]
    members = register.register_members(membership.cohort, membership)
    if not members or register.marks([m.id for m in members], [week]):
        return []
    return [
        Task(
            f"Take the register for the week {week} session",
            "to do",
            url_for("sessions.take_register", slug=membership.cohort.slug, week=week),
            due=schedule.session_date(week),
        )
    ]


@hookimpl
def lms_session_details(cohorts):
    from lms.plugins.sessions.timetable import details_of_cohorts

    return details_of_cohorts(cohorts)


@hookimpl
def lms_completion_progress(cohort, members, criteria, week):
    from lms.plugins.sessions.completion import attendance_progress

    return attendance_progress(cohort, members, criteria, week)


@hookimpl
def lms_dashboard_panels(user, membership):
    from lms.plugins.sessions import panels

    return panels.panels_for(membership)


@hookimpl
def lms_evaluation_tables(cohort):
    from lms.plugins.sessions.evaluation import tables

    return tables(cohort)


@hookimpl
def lms_personal_data(user):
    from lms.plugins.sessions.privacy import personal_data

    return {"sessions": personal_data(user)}


@hookimpl
def lms_erase_personal_data(user):
    from lms.plugins.sessions.privacy import erase_personal_data

    erase_personal_data(user)


@hookimpl(trylast=True)  # after the other plugins' demo data: completion depends on it
def lms_demo_data(cohort):
    from lms.plugins.sessions.demo import add_demo_data

    add_demo_data(cohort)
