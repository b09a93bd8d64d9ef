"""What the reflections plugin tells people (through core's notifications service)."""

from __future__ import annotations

from flask import url_for

from lms.contracts import NotificationKind
from lms.core import notifications
from lms.core.cohorts import active_members
from lms.core.notification_models import Notification
from lms.plugins.reflections.models import Entry

FEEDBACK, REPLY, SHARED = "reflections.feedback", "reflections.reply", "reflections.shared"

KINDS = [
    NotificationKind(
        FEEDBACK, "Your tutor left feedback on your reflection", "immediately", ("trainee",)
    ),
    NotificationKind(REPLY, "A trainee replied to your feedback", "daily", ("tutor",)),
    NotificationKind(
        SHARED, "A trainee in your group shared a reflection with you", "daily", ("tutor",)
    ),
]


def _tutors_of(entry: Entry):
    author = entry.membership
    if author.tutor_group_id is None:
        return []
    return active_members(author.cohort, role="tutor", group_id=author.tutor_group_id)


def _review_link(entry: Entry) -> str:
    return url_for("reflections.review_entry", slug=entry.membership.cohort.slug, entry_id=entry.id)


def feedback_left(entry: Entry) -> list[Notification]:
    note = notifications.notify(
        FEEDBACK,
        entry.membership,
        f"Your tutor left feedback on your week {entry.week} reflection",
        url_for("reflections.edit", slug=entry.membership.cohort.slug, week=entry.week)
        + "#feedback",
    )
    return [note] if note else []


def reply_posted(entry: Entry) -> list[Notification]:
    name = entry.membership.user.full_name
    return notifications.notify_all(
        REPLY,
        _tutors_of(entry),
        f"{name} replied to your feedback on their week {entry.week} reflection",
        _review_link(entry) + "#feedback",
    )


def shared_with_tutors(entry: Entry) -> None:
    """A submitted entry that tutors may now read (submitted shared, or shared later)."""
    if not (entry.shared and entry.is_submitted):
        return
    name = entry.membership.user.full_name
    notifications.notify_all(
        SHARED,
        _tutors_of(entry),
        f"{name} shared their week {entry.week} reflection with you",
        _review_link(entry),
    )
