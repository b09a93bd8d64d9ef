"""The dashboard's to-do list: what is each person's to do, across plugins, by date.

A trainee's comes from every plugin's weekly tasks (`lms_member_tasks` /
`lms_week_tasks`) for the weeks so far, their consent, their unread notifications (new
feedback, a wave opened) and their next session; a tutor's and a lead's from
`lms_waiting_tasks` (reflections to review, replies, a register to take, decisions)
and their unread notifications. Each item has one link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app, url_for

from lms.contracts import Task
from lms.core import consent, notifications, progress
from lms.core.cohorts import schedule_of
from lms.core.curriculum_loader import programme
from lms.core.models import Membership

OPEN_STATUSES = ("overdue", "due", "to do", "in progress")
FAR = date.max


@dataclass(frozen=True)
class TodoItem:
    title: str
    href: str | None
    status: str  # overdue | due | to do | in progress | new | next
    on: date | None  # when it is (or was) due, or when it happened: the list's order
    hint: str = ""
    says_due: bool = True  # "Due <on>" (a trainee's task) or only the hint (staff's)

    @property
    def sort_key(self):
        return (self.on or FAR, self.title)


def _from_task(
    task: Task, week: int | None, session_date: date | None, says_due: bool = True
) -> TodoItem:
    hint = f"Week {week}." if week and f"week {week}" not in task.title.lower() else ""
    if task.hint:
        hint = f"{hint} {task.hint}".strip()
    return TodoItem(task.title, task.href, task.status, task.due or session_date, hint, says_due)


def _notification_items(membership: Membership) -> list[TodoItem]:
    return [
        TodoItem(
            note.text,
            url_for("notifications.open", notification_id=note.id),
            "new",
            note.created_at.date(),
        )
        for note in notifications.unread_for(membership)
    ]


def _next_session(membership: Membership, on: date) -> TodoItem | None:
    cohort = membership.cohort
    schedule = schedule_of(cohort)
    week = next(
        (w for w in range(1, schedule.number_of_weeks + 1) if schedule.session_date(w) >= on),
        None,
    )
    if week is None:
        return None
    session = progress.session_details(cohort, [week]).get(week)
    when = f", {session.time_text}, {session.place_text}" if session else ""
    title = programme(cohort.programme).week(week).title
    return TodoItem(
        f"Week {week} session: {title}",
        url_for("cohorts.week", slug=cohort.slug, week=week),
        "next",
        schedule.session_date(week),
        f"{schedule.session_date(week):%A %-d %B}{when}",
    )


def trainee_todo(membership: Membership, on: date) -> list[TodoItem]:
    """Every overdue and due task of the weeks so far, consent, news and the next
    session, in date order (overdue first, as their dates are earliest)."""
    cohort = membership.cohort
    schedule = schedule_of(cohort)
    position = schedule.position(on)
    items: list[TodoItem] = []
    if position.kind != "before":
        last = min(max(position.week, 1), schedule.number_of_weeks)
        weeks = list(range(1, last + 1))
        for week, tasks in progress.member_tasks(membership, weeks).items():
            session_date = schedule.session_date(week)
            items += [
                _from_task(task, week, session_date)
                for task in tasks
                if task.status in OPEN_STATUSES
            ]
    if consent.is_asked(membership) and not consent.has_answered(membership):
        items.append(
            TodoItem(
                "Answer the consent questions about the evaluation",
                url_for("consent.give", slug=cohort.slug),
                "to do",
                None,
                "You can say no to any of them.",
            )
        )
    items += _notification_items(membership)
    upcoming = _next_session(membership, on)
    items = sorted(items, key=lambda item: item.sort_key)
    # The next session closes the list: it is what comes after the things to do.
    return items + ([upcoming] if upcoming else [])


def staff_todo(membership: Membership, on: date) -> list[TodoItem]:
    """What awaits a tutor or lead (plugins' `lms_waiting_tasks`) and their news."""
    tasks = current_app.extensions["lms"].results("lms_waiting_tasks", membership=membership)
    items = [_from_task(task, None, None, says_due=False) for task in tasks]
    items += _notification_items(membership)
    items = sorted(items, key=lambda item: item.sort_key)
    if membership.role == "tutor" and (upcoming := _next_session(membership, on)):
        items.append(upcoming)
    return items
