"""Emailing notifications: each at once, or batched in a daily or weekly digest, once.

Each pending notification is emailed as its person prefers for its kind. An email is
claimed before it goes: a `NotificationEmail` row with a unique key and its
notifications marked sent, in one committed transaction. A second run (or a queue
worker at the same moment) finds them claimed and sends nothing; if sending fails the
claim is undone so the next run tries again. A crash between the commit and the send
loses that one email rather than ever sending it twice."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from flask import render_template, url_for
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from lms.core import mail, notifications
from lms.core.links import absolute
from lms.core.models import Membership, User
from lms.core.notification_models import (
    PENDING,
    SENT,
    SKIPPED,
    Notification,
    NotificationEmail,
)
from lms.extensions import db


@dataclass
class Outgoing:
    """One email to write: a single notification or a digest of several."""

    user: User
    key: str
    mode: str  # immediately | daily | weekly
    items: list[Notification] = field(default_factory=list)

    @property
    def kind_ids(self) -> list[str]:
        return sorted({n.kind for n in self.items})


def period_key(mode: str, on: date, note: Notification) -> str:
    if mode == "immediately":
        return f"n-{note.id}"
    if mode == "daily":
        return f"daily-{on.isoformat()}"
    year, week, _ = on.isocalendar()
    return f"weekly-{year}-W{week:02d}"


def _pending(ids: Iterable[int] | None):
    query = (
        select(Notification)
        .join(Notification.membership)
        .join(Membership.user)
        .where(Notification.email_state == PENDING)
        .options(contains_eager(Notification.membership).contains_eager(Membership.user))
        .order_by(Notification.user_id, Notification.created_at, Notification.id)
    )
    if ids is not None:
        query = query.where(Notification.id.in_(list(ids)))
    return list(db.session.scalars(query))


def plan(on: date, ids: Iterable[int] | None = None, only_immediate: bool = False):
    """The emails due on `on`, and how many notifications were set aside (read in the
    app already, email turned off, or the member may no longer be told).

    `ids` limits it to those notifications (a queue job); `only_immediate` leaves
    digests for cron."""
    pending = _pending(ids)
    preferences: dict[int, dict[str, str]] = {}
    skipped = []
    outgoing: dict[tuple[int, str], Outgoing] = {}
    for note in pending:
        if note.read_at is not None or not notifications.may_notify(note.membership):
            skipped.append(note)
            continue
        if note.user_id not in preferences:
            preferences[note.user_id] = notifications.email_preferences(note.user_id)
        mode = preferences[note.user_id].get(note.kind, "never")
        if mode == "never":
            skipped.append(note)
            continue
        if only_immediate and mode != "immediately":
            continue
        key = period_key(mode, on, note)
        email = outgoing.setdefault((note.user_id, key), Outgoing(note.membership.user, key, mode))
        email.items.append(note)
    # A digest already sent this period: the rest wait for the next one.
    used = _used_keys({user_id for user_id, _ in outgoing})
    due = [email for (user_id, key), email in outgoing.items() if (user_id, key) not in used]
    return due, skipped


def _used_keys(user_ids: set[int]) -> set[tuple[int, str]]:
    if not user_ids:
        return set()
    return set(
        db.session.execute(
            select(NotificationEmail.user_id, NotificationEmail.key).where(
                NotificationEmail.user_id.in_(user_ids)
            )
        ).all()
    )


def set_aside(notes: list[Notification]) -> None:
    for note in notes:
        note.email_state = SKIPPED
    db.session.commit()


def compose(email: Outgoing) -> mail.Message:
    user = email.user
    token = notifications.unsubscribe_token(user, email.kind_ids)
    unsubscribe_link = absolute(url_for("notifications.unsubscribe", token=token))
    known = notifications.kinds()
    context = {
        "name": user.given_name or user.full_name,
        "items": [
            {
                "text": n.text,
                "link": absolute(url_for("notifications.open", notification_id=n.id)),
                "cohort": n.membership.cohort.name,
                "when": n.created_at,
            }
            for n in email.items
        ],
        "digest": email.mode != "immediately",
        "period": "today" if email.mode == "daily" else "this week",
        "kinds": [known[k].label for k in email.kind_ids if k in known],
        "preferences_link": absolute(url_for("notifications.preferences")),
        "unsubscribe_link": unsubscribe_link,
        "all_link": absolute(url_for("notifications.index")),
    }
    if email.mode == "immediately":
        subject = email.items[0].text
    else:
        count = len(email.items)
        noun = "notification" if count == 1 else "notifications"
        when = "Today" if email.mode == "daily" else "This week"
        subject = f"{when} in Involving People: {count} {noun}"
    return mail.Message(
        to=user.email,
        subject=subject,
        body=render_template("notifications/email/notifications.txt", **context),
        html=render_template("notifications/email/notifications.html", **context),
        headers={
            # RFC 8058: mail programs show an unsubscribe button that posts here.
            "List-Unsubscribe": f"<{unsubscribe_link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def deliver(email: Outgoing) -> bool:
    """Send one email once. False if another run has already claimed it."""
    message = compose(email)  # before the claim: a template error claims nothing
    ids = [n.id for n in email.items]
    row = NotificationEmail(user_id=email.user.id, key=email.key)
    db.session.add(row)
    try:
        db.session.flush()  # the unique (user, key): this email was claimed already
    except IntegrityError:
        db.session.rollback()
        return False
    claimed = db.session.execute(
        update(Notification)
        .where(Notification.id.in_(ids), Notification.email_state == PENDING)
        .values(email_state=SENT, email_id=row.id)
    ).rowcount
    if claimed != len(ids):  # another run took some of them meanwhile
        db.session.rollback()
        return False
    db.session.commit()
    try:
        mail.send_all([message])
    except Exception:
        db.session.execute(
            update(Notification)
            .where(Notification.email_id == row.id)
            .values(email_state=PENDING, email_id=None)
        )
        db.session.delete(row)
        db.session.commit()
        raise
    return True


@dataclass
class Outcome:
    emails: int = 0
    notifications: int = 0
    set_aside: int = 0
    failures: list[str] = field(default_factory=list)


def send_due(on: date, ids: Iterable[int] | None = None, only_immediate: bool = False) -> Outcome:
    """Send every email due on `on` (each exactly once); a bad address does not stop
    the rest (it is tried again next run)."""
    due, skipped = plan(on, ids, only_immediate)
    set_aside(skipped)
    outcome = Outcome(set_aside=len(skipped))
    for email in due:
        try:
            if deliver(email):
                outcome.emails += 1
                outcome.notifications += len(email.items)
        except Exception as problem:
            outcome.failures.append(f"{email.user.email}: {problem}")
    return outcome
