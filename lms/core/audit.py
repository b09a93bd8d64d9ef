"""The audit log: who looked at or changed other people's data, append-only.

Entries name people by user id only; when a user is erased their user row is
anonymised, so the log keeps a pseudonym ("Erased user 42") and stays intact. The
database itself refuses UPDATE and DELETE on the table (see migration 0008).
"""

from __future__ import annotations

import json
from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.models import Cohort, User, utcnow
from lms.core.spreadsheets import csv_text
from lms.extensions import db

ACTIONS = {
    "reflection.viewed": "Viewed another person's reflection",
    "evaluation_texts.viewed": "Viewed others' texts for thematic coding",
    "codebook.changed": "Changed a cohort's codebook",
    "data.exported": "Exported data",
    "personal_data.downloaded": "Downloaded their own personal data",
    "role.changed": "Changed a member's role or details",
    "roster.imported": "Imported a roster",
    "user.erased": "Erased a user's personal data",
    "cohort.archived": "Archived a cohort",
    "cohort.purged": "Purged an archived cohort's personal data",
    "consent.changed": "Gave, declined or withdrew consent to an evaluation use",
    "consent.requested": "Reminded members to answer the consent questions",
    "completion.exception": "Recorded a completion exception for a trainee",
    "completion.exception_removed": "Removed a completion exception",
    "certificate.issued": "Issued a certificate of completion",
    "certificate.revoked": "Revoked a certificate of completion",
    "attendance.imported": "Imported attendance from a file",
    "member.added": "Added a member to a cohort",
    "member.withdrawn": "Recorded a member's withdrawal",
    "member.reinstated": "Reinstated a withdrawn member",
    "account.invitation_sent": "Sent an invitation again",
    "account.reset_link_sent": "Sent a password reset link",
    "account.deactivated": "Deactivated an account",
    "account.reactivated": "Reactivated an account",
    "email.change_requested": "Asked to change a person's email address",
    "email.changed": "Confirmed a new email address",
    "file.removed": "Removed an evidence file",
    "partner.invited": "Invited an initiative partner",
    "partner.removed": "Removed an initiative partner",
}


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id"), index=True)
    details: Mapped[str] = mapped_column(Text, default="{}")
    ip_address: Mapped[str] = mapped_column(String(45), default="")

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_user_id])
    cohort: Mapped[Cohort | None] = relationship()

    @property
    def description(self) -> str:
        return ACTIONS.get(self.action, self.action)


def record(
    action: str,
    actor: User | None,
    *,
    subject: User | None = None,
    cohort: Cohort | None = None,
    **details,
) -> AuditEvent:
    """Add an entry to the log; the caller's transaction commits it with the change."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        subject_user_id=subject.id if subject is not None else None,
        cohort_id=cohort.id if cohort is not None else None,
        details=json.dumps(details, sort_keys=True, default=str),
        ip_address=(request.remote_addr or "") if has_request_context() else "cli",
    )
    db.session.add(event)
    return event


def recent_events(limit: int = 200, action: str | None = None) -> list[AuditEvent]:
    from sqlalchemy.orm import selectinload

    query = (
        select(AuditEvent)
        .options(
            selectinload(AuditEvent.actor),
            selectinload(AuditEvent.subject),
            selectinload(AuditEvent.cohort),
        )
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def events_csv() -> str:
    header = ["id", "at", "actor_id", "action", "subject_user_id", "cohort_id", "details", "ip"]
    rows = (
        [
            event.id,
            event.at.isoformat(timespec="seconds"),
            event.actor_id or "",
            event.action,
            event.subject_user_id or "",
            event.cohort_id or "",
            event.details,
            event.ip_address,
        ]
        for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
    )
    return csv_text([header, *rows])


# The database refuses changes to the log, whatever the application does.
APPEND_ONLY_SQLITE = [
    """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
    """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
]
DROP_APPEND_ONLY_SQLITE = [
    "DROP TRIGGER IF EXISTS audit_events_no_update",
    "DROP TRIGGER IF EXISTS audit_events_no_delete",
]
APPEND_ONLY_POSTGRESQL = [
    """CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit_events is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
       FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""",
]
DROP_APPEND_ONLY_POSTGRESQL = [
    "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events",
    "DROP FUNCTION IF EXISTS audit_events_append_only()",
]
