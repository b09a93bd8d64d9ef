"""Looking after someone's account: who may, and each action with its audit entry.

Admins may act for anyone. A lead may act for the members of the cohorts they lead,
except admins and other leads (whose accounts could open other cohorts: admins look
after those). The account actions themselves are in `lms.core.accounts`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.core import accounts, audit
from lms.core.models import Membership, User
from lms.extensions import db


def led_cohort_ids(actor: User) -> set[int]:
    return set(
        db.session.scalars(
            select(Membership.cohort_id).where(
                Membership.user_id == actor.id,
                Membership.role == "lead",
                Membership.withdrawn_at.is_(None),
            )
        )
    )


def visible_memberships(actor: User, person: User) -> list[Membership]:
    """The person's memberships the actor may see: every one for an admin, those of the
    cohorts a lead leads (withdrawn ones too) for a lead."""
    query = (
        select(Membership)
        .where(Membership.user_id == person.id)
        .options(joinedload(Membership.cohort))
        .order_by(Membership.created_at.desc())
    )
    if not actor.is_admin:
        query = query.where(Membership.cohort_id.in_(led_cohort_ids(actor)))
    return list(db.session.scalars(query))


def may_manage(actor: User, person: User) -> bool:
    if actor.is_admin:
        return True
    if person.is_admin or person.id == actor.id:
        return False
    memberships = db.session.scalars(select(Membership).where(Membership.user_id == person.id))
    memberships = list(memberships)
    if any(m.role == "lead" and m.withdrawn_at is None for m in memberships):
        return False
    led = led_cohort_ids(actor)
    return any(m.cohort_id in led for m in memberships)


def resend_invitation(actor: User, person: User) -> None:
    cohort = next(iter(visible_memberships(actor, person)), None)
    accounts.resend_invitation(person, cohort.cohort.name if cohort else None)
    audit.record("account.invitation_sent", actor, subject=person)


def send_reset_link(actor: User, person: User) -> None:
    accounts.send_reset_link(person)
    audit.record("account.reset_link_sent", actor, subject=person)


def deactivate(actor: User, person: User) -> None:
    if person.id == actor.id:
        raise accounts.AccountProblem("You cannot deactivate your own account")
    if person.deactivated_at is not None:
        raise accounts.AccountProblem(f"{person.full_name}'s account is already deactivated")
    accounts.deactivate(person)
    audit.record("account.deactivated", actor, subject=person)


def reactivate(actor: User, person: User) -> None:
    if person.deactivated_at is None:
        raise accounts.AccountProblem(f"{person.full_name}'s account is already active")
    accounts.reactivate(person)
    audit.record("account.reactivated", actor, subject=person)


def change_email(actor: User, person: User, new_email: str) -> str:
    """Ask the new address to confirm; the old one stays until it does. The log keeps
    no address (addresses are personal data; the log outlives an erasure)."""
    address = accounts.request_email_change(person, new_email)
    audit.record("email.change_requested", actor, subject=person)
    return address
