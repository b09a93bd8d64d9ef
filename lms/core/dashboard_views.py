"""The signed-in home page: a section for each of the user's cohort roles."""

from datetime import date

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from lms.core import consent, progress, todo
from lms.core.clock import today
from lms.core.cohorts import counts_by_sector, memberships_of, schedule_of
from lms.core.curriculum_loader import programme
from lms.core.permissions import signed_in

bp = Blueprint("dashboard", __name__)


def _section(membership, on: date):
    cohort = membership.cohort
    course = programme(cohort.programme)
    schedule = schedule_of(cohort)
    position = schedule.position(on)
    section = {
        "membership": membership,
        "cohort": cohort,
        "position": position,
        "course": course,
        "panels": sorted(
            current_app.extensions["lms"].results(
                "lms_dashboard_panels", user=current_user, membership=membership
            ),
            key=lambda panel: panel.order,
        ),
    }
    if membership.role == "trainee":
        section["todo"] = todo.trainee_todo(membership, on)
        # Asked on the dashboard until they have answered every purpose (yes or no).
        section["consent_needed"] = consent.is_asked(membership) and not consent.has_answered(
            membership
        )
        week = position.week if position.kind == "week" else None
        if week:
            section["week"] = course.week(week)
            section["session_date"] = schedule.session_date(week)
            section["session"] = progress.session_details(cohort, [week]).get(week)
        if position.kind == "before":
            section["starts"] = schedule.session_date(1)
    elif membership.role == "tutor":
        section["todo"] = todo.staff_todo(membership, on)
        section["grid"] = progress.group_grid(cohort, membership.tutor_group, on)
    elif membership.role == "lead":
        section["todo"] = todo.staff_todo(membership, on)
        section["counts"] = counts_by_sector(cohort)
    # An expert by experience sees only what plugins put in their panels.
    return section


@bp.route("/dashboard")
@signed_in
def home():
    on = today()
    sections = [_section(m, on) for m in memberships_of(current_user)]
    return render_template("dashboard/home.html", sections=sections)
