"""Reminder preferences, unsubscribe links and the member's own data."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select

from lms.core.models import Membership, User, utcnow
from lms.extensions import db
from lms.plugins.reminders.models import Preference, SentReminder


def reminders_enabled(user: User) -> bool:
    """Whether the user gets reminder emails (on unless they turned them off)."""
    enabled = db.session.scalar(select(Preference.enabled).where(Preference.user_id == user.id))
    return True if enabled is None else enabled


def set_reminders(user: User, enabled: bool) -> None:
    """Record the user's choice."""
    preference = db.session.scalar(select(Preference).where(Preference.user_id == user.id))
    if preference is None:
        preference = Preference(user_id=user.id)
        db.session.add(preference)
    preference.enabled = enabled
    preference.updated_at = utcnow()
    db.session.flush()


def opted_out(user_ids: Iterable[int]) -> set[int]:
    """Which of these users turned reminders off (one query)."""
    ids = list(set(user_ids))
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(Preference.user_id).where(
                Preference.user_id.in_(ids), Preference.enabled.is_(False)
            )
        )
    )


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="lms-reminders-unsubscribe")


def unsubscribe_token(user: User) -> str:
    """A signed token naming the user, for the one-click unsubscribe link.

    It does not expire (old emails must keep working) and carries no secret: all it
    can do is turn that user's reminders off."""
    return _serializer().dumps(user.id)


def user_for_unsubscribe_token(token: str) -> User | None:
    try:
        user_id = _serializer().loads(token)
    except BadSignature:
        return None
    return db.session.get(User, user_id) if isinstance(user_id, int) else None


def _membership_ids(user: User):
    return select(Membership.id).where(Membership.user_id == user.id)


def personal_data(user: User) -> dict:
    """The user's choice and every reminder sent to them."""
    sent = db.session.execute(
        select(SentReminder, Membership)
        .join(Membership, SentReminder.membership_id == Membership.id)
        .where(Membership.user_id == user.id)
        .order_by(SentReminder.sent_at, SentReminder.id)
    )
    return {
        "email_reminders": reminders_enabled(user),
        "sent": [
            {
                "cohort_id": membership.cohort_id,
                "kind": row.kind,
                "period": row.period,
                "sent_at": row.sent_at.isoformat(),
            }
            for row, membership in sent
        ],
    }


def erase_personal_data(user: User) -> None:
    """Forget the user's choice and the log of what was sent to them."""
    db.session.execute(delete(Preference).where(Preference.user_id == user.id))
    db.session.execute(
        delete(SentReminder).where(SentReminder.membership_id.in_(_membership_ids(user)))
    )
