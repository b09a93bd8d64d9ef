"""A trainee's initiative tasks for a course week, from the curriculum's `due` lists.

Week 12's "Change initiative plan" asks for the record and its baseline update; every
week whose `due` list has "Initiative progress update" (or the week 30 "Initiative
review") asks for a progress update.
"""

from __future__ import annotations

from flask import has_request_context, request, url_for

from lms.contracts import Task
from lms.core.clock import today
from lms.core.cohorts import schedule_of
from lms.plugins.initiatives import services


def _initiative(membership):
    # The 35-week progress view asks for every week: load the initiative once per request
    # (kept on the request, not `g`, so a long-lived app context never sees stale data).
    cache: dict = {}
    if has_request_context():
        cache = request.environ.setdefault("lms.initiatives_by_membership", {})
    if membership.id not in cache:
        cache[membership.id] = services.initiative_of(membership, with_updates=True)
    return cache[membership.id]


def _href(cohort, endpoint: str) -> str | None:
    try:
        return url_for(endpoint, slug=cohort.slug)
    except RuntimeError:  # outside a request (e.g. a reminder job without SERVER_NAME)
        return None


def _status(opens, due, done: bool, now) -> str:
    if done:
        return "done"
    if now < opens:
        return "not yet open"
    return "overdue" if now > due else "due"


def week_tasks(membership, week: int, due_weeks=None) -> list[Task]:
    """A trainee's initiative tasks in `week`; `due_weeks` as `services.due_weeks` gives
    them (worked out here if not given: pass it when asking for many weeks)."""
    if membership.role != "trainee":
        return []
    cohort = membership.cohort
    plan_week, update_weeks = due_weeks or services.due_weeks(cohort)
    if week != plan_week and week not in update_weeks:
        return []
    now = today()
    opens = schedule_of(cohort).session_date(week)
    due = services.due_date(cohort, week)
    initiative = _initiative(membership)
    updates = initiative.updates if initiative is not None else []
    tasks = []
    if week == plan_week:
        done = initiative is not None and bool(updates)
        tasks.append(
            Task(
                "Change initiative plan",
                _status(opens, due, done, now),
                href=_href(cohort, "initiatives.mine"),
                due=due,
                hint="Record your initiative, its milestones and a baseline update.",
            )
        )
    if week in update_weeks:
        done = services.update_done_for(cohort, updates, week, update_weeks)
        endpoint = "initiatives.new_update" if initiative is not None else "initiatives.mine"
        tasks.append(
            Task(
                "Initiative progress update",
                _status(opens, due, done, now),
                href=_href(cohort, endpoint),
                due=due,
                hint="RAG status, the ladder, the jigsaw, barriers and enablers.",
            )
        )
    return tasks
