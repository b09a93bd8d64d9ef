"""A member's attendance, exceptions and certificates in their data download; erasure."""

from __future__ import annotations

from sqlalchemy import select, update

from lms.core.models import Membership, User, utcnow
from lms.extensions import db
from lms.plugins.sessions.models import Attendance, Certificate, CompletionException

PAPER = "from a paper register"


def personal_data(user: User) -> dict:
    memberships = {m.id: m for m in user.memberships}
    ids = list(memberships)
    if not ids:
        return {}
    attendance = db.session.scalars(
        select(Attendance).where(Attendance.membership_id.in_(ids)).order_by(Attendance.week)
    )
    exceptions = db.session.scalars(
        select(CompletionException).where(CompletionException.membership_id.in_(ids))
    )
    issued = db.session.scalars(select(Certificate).where(Certificate.membership_id.in_(ids)))
    return {
        "attendance": [
            {
                "cohort": memberships[row.membership_id].cohort.name,
                "week": row.week,
                "status": row.status,
                "recorded": "from a paper register"
                if row.source == "import"
                else "on the register",
                "recorded_at": row.recorded_at.isoformat(timespec="seconds"),
            }
            for row in attendance
        ],
        "completion_exceptions": [
            {
                "cohort": memberships[row.membership_id].cohort.name,
                "reason": row.reason,
                "recorded_at": row.recorded_at.isoformat(timespec="seconds"),
            }
            for row in exceptions
        ],
        "certificates": [
            {
                "name": row.name,
                "programme": row.programme,
                "cohort": row.cohort_name,
                "from": row.starts_on.isoformat(),
                "to": row.ends_on.isoformat(),
                "cpd_hours": row.cpd_hours,
                "issued_at": row.issued_at.isoformat(timespec="seconds"),
                "revoked_at": row.revoked_at.isoformat(timespec="seconds")
                if row.revoked_at
                else None,
            }
            for row in issued
        ],
    }


def erase_personal_data(user: User) -> None:
    """Attendance stays (anonymised with the membership: the cohort's figures hold);
    certificates carry a name, so they are revoked and the name removed."""
    ids = list(db.session.scalars(select(Membership.id).where(Membership.user_id == user.id)))
    if not ids:
        return
    db.session.execute(
        update(Certificate)
        .where(Certificate.membership_id.in_(ids))
        .values(name="Erased", revoked_reason="erased on request")
    )
    db.session.execute(
        update(Certificate)
        .where(Certificate.membership_id.in_(ids), Certificate.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    db.session.execute(
        update(CompletionException)
        .where(CompletionException.membership_id.in_(ids))
        .values(reason="(erased)")
    )
