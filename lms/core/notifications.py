"""Notifications: the one place where events that concern a person are recorded.

Plugins declare the kinds they emit (hook `lms_notification_kinds`) and emit one with
`notify(kind, membership, text, link)`. Core decides who may be told (`may_notify`),
keeps it for the notifications page and emails it as the person prefers
(`lms.core.notification_sending`, run by `lms notifications send` or a queue worker)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from lms.contracts import EMAIL_CHOICES, NotificationKind
from lms.core import accounts
from lms.core.models import Membership, User, utcnow
from lms.core.notification_models import Notification, NotificationEmail, NotificationPreference
from lms.extensions import db

log = logging.getLogger("lms.notifications")

EMAIL_LABELS = {
    "immediately": "Straight away",
    "daily": "In a daily digest",
    "weekly": "In a weekly digest",
    "never": "Never (only in the app)",
}
MAX_TEXT = 300


class UnknownKind(ValueError):
    """A plugin emitted a kind no plugin declared (a typo, caught in its tests)."""


# -- who may be told: the one rule ------------------------------------------------------


def may_notify(membership: Membership) -> bool:
    """Whether `membership` may be notified or emailed: an active member (not withdrawn)
    whose account may be emailed (not deactivated, not erased: `accounts.may_be_emailed`).
    Every notification and every email passes this rule."""
    return membership.withdrawn_at is None and accounts.may_be_emailed(membership.user)


# -- kinds and preferences ----------------------------------------------------------------


def kinds() -> dict[str, NotificationKind]:
    """Every kind declared by core and the enabled plugins, by id."""
    found = current_app.extensions["lms"].results("lms_notification_kinds")
    return {kind.id: kind for kind in found}


def kinds_for(user: User) -> list[NotificationKind]:
    """The kinds that can concern `user` (by their roles; admins see all)."""
    roles = {m.role for m in user.memberships if m.withdrawn_at is None}
    return [k for k in kinds().values() if user.is_admin or roles & set(k.roles)]


def email_preferences(user_id: int) -> dict[str, str]:
    """{kind: choice} for every declared kind: the user's choice, or the default."""
    chosen = dict(
        db.session.execute(
            select(NotificationPreference.kind, NotificationPreference.email).where(
                NotificationPreference.user_id == user_id
            )
        ).all()
    )
    return {kind.id: chosen.get(kind.id, kind.email) for kind in kinds().values()}


def set_email_preferences(user: User, choices: dict[str, str]) -> None:
    """Store the user's choice for each kind given (unknown kinds and choices refused)."""
    known = kinds()
    existing = {
        p.kind: p
        for p in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }
    for kind, choice in choices.items():
        if kind not in known or choice not in EMAIL_CHOICES:
            raise ValueError(f"{kind}: {choice}")
        row = existing.get(kind)
        if row is None:
            row = NotificationPreference(user_id=user.id, kind=kind, email=choice)
            db.session.add(row)
        row.email, row.updated_at = choice, utcnow()
    db.session.flush()


# -- emitting -------------------------------------------------------------------------------


def notify(
    kind: str, to: Membership, text: str, link: str, once: str | None = None
) -> Notification | None:
    """Tell member `to` about an event: `text` in plain words, `link` a path in this app
    to the thing itself. Nothing is stored for someone who may not be told. The caller
    commits; emails go later (cron or a queue worker after the commit), never here.

    `once` is a key for events that may be emitted again (a scheduled check, a register
    saved twice): a member is told of each key only once."""
    if kind not in kinds():
        raise UnknownKind(kind)
    if not link.startswith("/") or link.startswith(("//", "/\\")):
        raise ValueError("a notification links to a page of this app")
    if not may_notify(to):
        return None
    if once is not None and told_already(to, once):
        return None
    note = Notification(
        user_id=to.user_id,
        membership_id=to.id,
        kind=kind,
        text=text[:MAX_TEXT],
        link=link,
        once=once,
    )
    db.session.add(note)
    db.session.flush()
    # Handed to the queue once the commit has made it real (see `enqueue_after_commit`).
    db.session.info.setdefault("lms_notified", []).append(note.id)
    return note


def notify_all(
    kind: str, members: Iterable[Membership], text: str, link: str, once: str | None = None
) -> list[Notification]:
    """`notify` each of `members`; the notifications made (none for those not told)."""
    made = (notify(kind, member, text, link, once) for member in members)
    return [note for note in made if note is not None]


def told_already(membership: Membership, once: str) -> bool:
    return (
        db.session.scalar(
            select(Notification.id).where(
                Notification.membership_id == membership.id, Notification.once == once
            )
        )
        is not None
    )


def running_cohorts(on) -> list:
    """Cohorts that are not archived and have started and not finished by `on`: the
    ones scheduled notifications (hook `lms_scheduled_notifications`) look at."""
    from lms.core.cohorts import schedule_of
    from lms.core.models import Cohort

    cohorts = db.session.scalars(select(Cohort).where(Cohort.archived_at.is_(None)))
    return [c for c in cohorts if schedule_of(c).position(on).kind not in ("before", "finished")]


def emit_scheduled(on) -> None:
    """Let every plugin emit what the date brings, then commit."""
    current_app.extensions["lms"].hook.lms_scheduled_notifications(on=on)
    db.session.commit()


# -- reading ---------------------------------------------------------------------------------


def unread_count(user: User) -> int | None:
    """The header's count: one query. None if it cannot be read (say, before the
    migration ran): the header must never take the page down with it."""
    try:
        return db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
    except SQLAlchemyError:
        log.exception("The unread count could not be read")
        return None


def recent(user: User, limit: int = 100) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def own(user: User, notification_id: int) -> Notification | None:
    note = db.session.get(Notification, notification_id)
    return note if note is not None and note.user_id == user.id else None


def mark_read(note: Notification) -> None:
    note.read_at = note.read_at or utcnow()
    db.session.flush()


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount


def unread_for(membership: Membership, kinds_wanted: Iterable[str] | None = None):
    """The member's unread notifications, newest first (for the dashboard's to-do list)."""
    query = select(Notification).where(
        Notification.membership_id == membership.id, Notification.read_at.is_(None)
    )
    if kinds_wanted is not None:
        query = query.where(Notification.kind.in_(list(kinds_wanted)))
    return list(db.session.scalars(query.order_by(Notification.created_at.desc()).limit(20)))


# -- unsubscribe links ----------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="lms-notifications-unsubscribe")


def unsubscribe_token(user: User, kind_ids: Iterable[str]) -> str:
    """A signed token naming the user and the kinds an email was about. It does not
    expire (old emails keep working); all it can do is turn those emails off."""
    return _serializer().dumps([user.id, sorted(set(kind_ids))])


def read_unsubscribe_token(token: str) -> tuple[User, list[NotificationKind]] | None:
    """The user and kinds a token names, or None if it was tampered with."""
    try:
        user_id, kind_ids = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    known = kinds()
    if not isinstance(user_id, int) or not isinstance(kind_ids, list):
        return None
    user = db.session.get(User, user_id)
    wanted = [known[k] for k in kind_ids if isinstance(k, str) and k in known]
    return (user, wanted) if user is not None and wanted else None


def unsubscribe(user: User, kind_ids: Iterable[str]) -> None:
    set_email_preferences(user, {kind: "never" for kind in kind_ids})


# -- personal data ---------------------------------------------------------------------------


def personal_data(user: User) -> dict:
    notes = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    return {
        "email_preferences": email_preferences(user.id),
        "notifications": [
            {
                "kind": n.kind,
                "text": n.text,
                "link": n.link,
                "created_at": n.created_at.isoformat(),
                "read_at": n.read_at.isoformat() if n.read_at else None,
                "email": n.email_state,
            }
            for n in notes
        ],
    }


def erase_personal_data(user: User) -> None:
    for model in (Notification, NotificationEmail, NotificationPreference):
        db.session.execute(delete(model).where(model.user_id == user.id))


# -- the queue, after commit -----------------------------------------------------------------


def enqueue_after_commit(session: Session) -> None:
    """After a commit that stored notifications, hand them to the queue (where Redis is
    configured). Enqueueing only writes to Redis: the email goes from the worker."""
    ids = session.info.pop("lms_notified", None)
    if not ids or not current_app or not current_app.config.get("REDIS_URL"):
        return
    try:
        from lms.core.notification_jobs import enqueue

        enqueue(ids)
    except Exception:  # the queue is a shortcut: cron sends whatever it missed
        log.exception("Notifications %s could not be queued; cron will send them", ids)


def forget_after_rollback(session: Session) -> None:
    session.info.pop("lms_notified", None)


def init_notifications(app) -> None:
    """Listen for commits once (the session is shared by every app in a process)."""
    from sqlalchemy import event

    for name, listener in (
        ("after_commit", enqueue_after_commit),
        ("after_rollback", forget_after_rollback),
    ):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)
