"""What the initiatives plugin tells people (through core's notifications service)."""

from __future__ import annotations

from flask import url_for

from lms.contracts import NotificationKind
from lms.core import notifications
from lms.core.models import User

COMMENT, RATING = "initiatives.comment", "initiatives.rating"
PARTNER = "initiatives.partner"

KINDS = [
    NotificationKind(COMMENT, "Someone commented on your change initiative", "daily", ("trainee",)),
    NotificationKind(
        RATING, "An expert by experience rated your change initiative", "daily", ("trainee",)
    ),
    NotificationKind(
        PARTNER,
        "A partner commented on your change initiative or gave their view",
        "daily",
        ("trainee",),
    ),
]


def commented(update, author: User) -> None:
    initiative = update.initiative
    owner = initiative.membership
    if owner.user_id == author.id:
        return  # your own comment tells you nothing
    notifications.notify(
        COMMENT,
        owner,
        f"{author.full_name} commented on your change initiative's update",
        url_for("initiatives.mine", slug=owner.cohort.slug) + f"#update-{update.id}",
    )


def rated(initiative) -> None:
    owner = initiative.membership
    notifications.notify(
        RATING,
        owner,
        "An expert by experience rated your change initiative",
        url_for("initiatives.mine", slug=owner.cohort.slug),
    )


def partner_said(partner, what: str, once: str | None = None) -> None:
    """A partner commented, or gave their view of an update (`what` says which; `once`
    keeps a view changed again from telling the trainee twice)."""
    owner = partner.initiative.membership
    notifications.notify(
        PARTNER,
        owner,
        f"{partner.name}, your partner, {what}",
        url_for("initiatives.mine", slug=owner.cohort.slug),
        once,
    )
