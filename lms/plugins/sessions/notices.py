"""What the sessions plugin tells people (through core's notifications service)."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for

from lms.contracts import NotificationKind
from lms.core import notifications
from lms.core.cohorts import active_members, schedule_of
from lms.core.models import Membership

TOMORROW, REGISTER, CERTIFICATE = (
    "sessions.tomorrow",
    "sessions.register",
    "sessions.certificate",
)
STATUS_WORDS = {
    "present": "present",
    "late": "late",
    "absent": "absent",
    "apologies": "absent with apologies",
}

KINDS = [
    NotificationKind(TOMORROW, "Your session is tomorrow", "immediately", ("trainee", "tutor")),
    NotificationKind(REGISTER, "Your attendance was recorded", "weekly", ("trainee",)),
    NotificationKind(CERTIFICATE, "Your certificate is ready", "immediately", ("trainee",)),
]


def sessions_tomorrow(on) -> None:
    """Tell trainees and tutors of each running cohort the day before a session."""
    from lms.plugins.sessions.timetable import details

    tomorrow = on + timedelta(days=1)
    for cohort in notifications.running_cohorts(on):
        schedule = schedule_of(cohort)
        week = next(
            (
                w
                for w in range(1, schedule.number_of_weeks + 1)
                if schedule.session_date(w) == tomorrow
            ),
            None,
        )
        if week is None:
            continue
        session = details(cohort, [week]).get(week)
        when = f", {session.time_text}, {session.place_text}" if session else ""
        members = [m for m in active_members(cohort) if m.role in ("trainee", "tutor")]
        notifications.notify_all(
            TOMORROW,
            members,
            f"Your week {week} session is tomorrow{when}",
            url_for("cohorts.week", slug=cohort.slug, week=week),
            once=f"{TOMORROW}:{week}",
        )


def attendance_recorded(member: Membership, week: int, status: str) -> None:
    notifications.notify(
        REGISTER,
        member,
        f"Your attendance at the week {week} session was recorded: {STATUS_WORDS[status]}",
        url_for("sessions.attendance", slug=member.cohort.slug),
        once=f"{REGISTER}:{week}",
    )


def certificates_issued(certificates) -> None:
    for certificate in certificates:
        member = certificate.membership
        notifications.notify(
            CERTIFICATE,
            member,
            f"Your certificate for {member.cohort.name} is ready to download",
            url_for("sessions.my_certificate", slug=member.cohort.slug),
        )
