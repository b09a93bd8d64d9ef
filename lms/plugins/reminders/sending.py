"""Who gets which reminder today, what it says, and sending it exactly once.

Trainees get one email listing their overdue tasks whenever a course week has become
overdue that they have not been reminded about; tutors get one digest of their group
per calendar (ISO) week. Tasks come from the `lms_week_tasks` hook and the group's
statuses from `lms_member_week_statuses`, so this plugin knows nothing of reflections
or initiatives themselves.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import render_template, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from lms.core import mail
from lms.core.accounts import may_be_emailed
from lms.core.cohorts import active_members, schedule_of
from lms.core.links import absolute
from lms.core.models import Cohort, Membership
from lms.core.progress import BEHIND, group_grid, week_tasks
from lms.extensions import db
from lms.plugins.reminders.models import SentReminder
from lms.plugins.reminders.services import opted_out, unsubscribe_token

OVERDUE, DIGEST = "overdue", "digest"
# After the last week, the final week's tasks can still fall overdue: keep chasing
# them (and keep tutors informed) this long after the course ends.
GRACE_AFTER_END = timedelta(days=28)


@dataclass
class Candidate:
    """A member who may get a reminder today, and what they have already been sent."""

    kind: str
    membership: Membership
    cohort: Cohort
    last_week: int
    sent: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Reminder:
    kind: str
    membership_id: int
    periods: tuple[str, ...]
    to: str
    subject: str
    text: str
    html: str


def digest_period(on: date) -> str:
    year, week, _ = on.isocalendar()
    return f"{year}-W{week:02d}"


def candidates(on: date) -> list[Candidate]:
    """Trainees and tutors of the cohorts running on `on` who have not opted out.

    Queries: cohorts, then members and sent log per cohort, and one for opt-outs."""
    cohorts = db.session.scalars(
        select(Cohort)
        .where(Cohort.archived_at.is_(None))
        .options(selectinload(Cohort.breaks))
        .order_by(Cohort.start_date, Cohort.id)
    )
    found: list[Candidate] = []
    for cohort in cohorts:
        schedule = schedule_of(cohort)
        position = schedule.position(on)
        if position.kind == "before" or on > schedule.end_date + GRACE_AFTER_END:
            continue
        members = [
            m
            for m in active_members(cohort)
            if m.role in ("trainee", "tutor") and may_be_emailed(m.user)
        ]
        sent_rows = db.session.execute(
            select(SentReminder.membership_id, SentReminder.kind, SentReminder.period).where(
                SentReminder.membership_id.in_([m.id for m in members])
            )
        )
        sent: dict[tuple[int, str], set[str]] = {}
        for membership_id, kind, period in sent_rows:
            sent.setdefault((membership_id, kind), set()).add(period)
        for membership in members:
            kind = OVERDUE if membership.role == "trainee" else DIGEST
            found.append(
                Candidate(
                    kind,
                    membership,
                    cohort,
                    position.week,
                    sent.get((membership.id, kind), set()),
                )
            )
    quiet = opted_out(c.membership.user_id for c in found)
    return [c for c in found if c.membership.user_id not in quiet]


def compose(candidate: Candidate, on: date) -> Reminder | None:
    """The email this member should get today, or None if there is nothing new."""
    if candidate.kind == OVERDUE:
        return _overdue_reminder(candidate)
    return _digest(candidate, on)


def _footer(membership: Membership) -> dict:
    return {
        "settings_link": absolute(url_for("reminders.settings")),
        "unsubscribe_link": absolute(
            url_for("reminders.unsubscribe", token=unsubscribe_token(membership.user))
        ),
    }


def _overdue_reminder(candidate: Candidate) -> Reminder | None:
    membership = candidate.membership
    overdue = [
        {"week": week, "task": task, "link": absolute(task.href) if task.href else None}
        for week in range(1, candidate.last_week + 1)
        for task in week_tasks(membership, week)
        if task.status == "overdue"
    ]
    new = sorted({item["week"] for item in overdue if f"week-{item['week']}" not in candidate.sent})
    if not new:
        return None
    context = {
        "name": membership.user.given_name or membership.user.full_name,
        "cohort": candidate.cohort,
        "overdue": overdue,
        **_footer(membership),
    }
    return Reminder(
        kind=OVERDUE,
        membership_id=membership.id,
        periods=tuple(f"week-{week}" for week in new),
        to=membership.user.email,
        subject=f"Reminder: you have overdue tasks in {candidate.cohort.name}",
        text=render_template("reminders/email/overdue.txt", **context),
        html=render_template("reminders/email/overdue.html", **context),
    )


def _digest(candidate: Candidate, on: date) -> Reminder | None:
    period = digest_period(on)
    if period in candidate.sent:
        return None
    tutor, cohort = candidate.membership, candidate.cohort
    grid = group_grid(cohort, tutor.tutor_group, on)
    if not grid.layers or not grid.members or not grid.weeks:
        return None  # nothing tracks progress yet: nothing to tell
    behind = []
    for member in grid.members:
        layers = [
            {
                "title": layer["title"],
                "weeks": [w for w in grid.weeks if layer["statuses"].get((member.id, w)) in BEHIND],
            }
            for layer in grid.layers
        ]
        layers = [layer for layer in layers if layer["weeks"]]
        if layers:
            behind.append({"member": member, "layers": layers})
    group = tutor.tutor_group
    link = (
        url_for("cohorts.group", slug=cohort.slug, group_id=group.id)
        if group
        else url_for("cohorts.overview", slug=cohort.slug)
    )
    context = {
        "name": tutor.user.given_name or tutor.user.full_name,
        "cohort": cohort,
        "group_name": group.name if group else cohort.name,
        "week": grid.weeks[-1],
        "total": len(grid.members),
        "behind": behind,
        "group_link": absolute(link),
        **_footer(tutor),
    }
    summary = f"{len(behind)} of {len(grid.members)} behind" if behind else "everyone up to date"
    return Reminder(
        kind=DIGEST,
        membership_id=tutor.id,
        periods=(period,),
        to=tutor.user.email,
        subject=f"Weekly digest for {context['group_name']}: {summary}",
        text=render_template("reminders/email/digest.txt", **context),
        html=render_template("reminders/email/digest.html", **context),
    )


def deliver(reminder: Reminder) -> bool:
    """Send a reminder once. False if another run has already claimed it.

    The log rows are committed before the email goes, so overlapping runs cannot both
    send; if sending fails they are removed again so the next run retries."""
    rows = [
        SentReminder(membership_id=reminder.membership_id, kind=reminder.kind, period=period)
        for period in reminder.periods
    ]
    db.session.add_all(rows)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    try:
        _send(reminder)
    except Exception:
        for row in rows:
            db.session.delete(row)
        db.session.commit()
        raise
    return True


def _send(reminder: Reminder) -> None:
    # Core's `send` takes plain text today; pass the HTML part as soon as it accepts
    # one, without this plugin reaching into how core builds messages.
    if "html" in inspect.signature(mail.send).parameters:
        mail.send(reminder.to, reminder.subject, reminder.text, html=reminder.html)
    else:
        mail.send(reminder.to, reminder.subject, reminder.text)
