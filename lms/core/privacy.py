"""Data-protection rights: a member's download of their data, erasure, retention."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from lms.core import audit
from lms.core.models import Cohort, Membership, User, new_session_token, utcnow
from lms.core.rescue import erase_rescued_text
from lms.extensions import db

ERASED_DOMAIN = "erased.invalid"


def _manager():
    return current_app.extensions["lms"]


def core_personal_data(user: User) -> dict:
    return {
        "account": {
            "email": user.email,
            "given_name": user.given_name,
            "family_name": user.family_name,
            "created_at": user.created_at.isoformat(timespec="seconds"),
            "last_login_at": user.last_login_at.isoformat(timespec="seconds")
            if user.last_login_at
            else None,
            "deactivated_at": user.deactivated_at.isoformat(timespec="seconds")
            if user.deactivated_at
            else None,
        },
        "memberships": [
            {
                "cohort": m.cohort.name,
                "role": m.role,
                "sector": m.sector,
                "organisation": m.organisation,
                "job_title": m.job_title,
                "area": m.area,
                "tutor_group": m.tutor_group.name if m.tutor_group else None,
                "lived_experience": m.lived_experience,
                "consent": _consent_of(m),
                "withdrawn_at": m.withdrawn_at.isoformat(timespec="seconds")
                if m.withdrawn_at
                else None,
                "withdrawal_reason": m.withdrawal_reason,
            }
            for m in user.memberships
        ],
    }


def _consent_of(membership) -> dict:
    from lms.core.consent import answers_of

    return {
        purpose: {
            "answer": "yes" if row.given else "no",
            "answered_at": row.answered_at.isoformat(timespec="seconds"),
            "recorded": "by you on the consent page"
            if row.source == "page"
            else "from a paper form, through the roster",
        }
        for purpose, row in sorted(answers_of(membership).items())
    }


def personal_data(user: User) -> dict:
    """Everything held about `user`: core's part and every plugin's, by name."""
    from lms.core import files

    data = {"core": core_personal_data(user), "evidence_files": files.personal_data(user)}
    for plugin_data in _manager().hook.lms_personal_data(user=user):
        if plugin_data:
            data.update(plugin_data)
    return data


def personal_data_archive(user: User) -> bytes:
    """A zip with one JSON file of all the data, and any files plugins provide."""
    data = personal_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        files = {}
        for name, value in data.items():
            # Plugins may hand over files as {"files": {"name.md": "text"}}.
            if isinstance(value, dict) and isinstance(value.get("files"), dict):
                files.update(
                    {f"{name}/{fname}": body for fname, body in value.pop("files").items()}
                )
        archive.writestr(
            "personal-data.json", json.dumps(data, indent=2, default=str, ensure_ascii=False)
        )
        for fname, body in files.items():
            archive.writestr(fname, body)
        from lms.core.files import personal_files

        for fname, body in personal_files(user).items():
            archive.writestr(fname, body)
    return buffer.getvalue()


def erase_user(user: User, actor: User | None) -> None:
    """Remove or anonymise a user's personal data everywhere; keep aggregates intact.
    Every membership is withdrawn: an erased person is nobody's active member.

    Plugins erase or anonymise their records through `lms_erase_personal_data`; the
    user row stays (so counts and other people's threads still add up) under a
    pseudonym, and can no longer sign in."""
    from lms.core import consent, files

    _manager().hook.lms_erase_personal_data(user=user)
    erase_rescued_text(user)
    files.erase_files_of(user)  # the rows now, the stored bytes once this commits
    for membership in user.memberships:
        # Ends their part everywhere (lists, "falling behind", reminders, figures of
        # active members) while what they did still counts in the aggregates.
        membership.withdrawn_at = membership.withdrawn_at or utcnow()
        membership.organisation = ""
        membership.job_title = ""
        membership.area = ""
        # Why they left is about them; the evaluation still counts the withdrawal.
        membership.withdrawal_reason = None
        consent.forget(membership)
    user.email = f"erased-{user.id}@{ERASED_DOMAIN}"
    user.given_name = "Erased"
    user.family_name = f"user {user.id}"
    user.password_hash = None
    user.session_token = new_session_token()
    user.is_admin = False
    audit.record("user.erased", actor, subject=user)


def is_erased(user: User) -> bool:
    return user.email.endswith("@" + ERASED_DOMAIN)


def purgeable_cohorts(now: datetime, retention_days: int) -> list[Cohort]:
    cutoff = now - timedelta(days=retention_days)
    return list(
        db.session.scalars(
            select(Cohort).where(Cohort.archived_at.is_not(None), Cohort.archived_at <= cutoff)
        )
    )


def purge_plan(cohort: Cohort) -> list[User]:
    """Members whose every membership is in archived cohorts: their data can go."""
    users = (
        db.session.scalars(select(User).join(Membership).where(Membership.cohort_id == cohort.id))
        .unique()
        .all()
    )
    plan = []
    for user in users:
        if is_erased(user):
            continue
        if all(m.cohort.archived_at is not None for m in user.memberships):
            plan.append(user)
    return plan


def archive_cohort(cohort: Cohort, actor: User | None) -> None:
    cohort.archived_at = utcnow()
    audit.record("cohort.archived", actor, cohort=cohort)
