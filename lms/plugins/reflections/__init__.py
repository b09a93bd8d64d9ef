"""Reflections: weekly structured reflective logs that never lose a word.

Hook implementations only; the work is in `services`, `review`, `evaluation`,
`portfolio` and `demo`.

Who sees what: the author sees everything of theirs; tutors (`reflections.review`)
read submitted entries shared with tutors, of trainees in their own tutor group;
leads see statuses (the grid), suppressed figures (`lms_evaluation_tables`) and,
through the evaluation's coding, consented de-identified text only
(`lms_codable_texts`); tutors code only what they may read in review. Admins hold
every capability but have no membership to review through: on the coding pages they
read consented text as a lead does, and nothing else.
"""

from __future__ import annotations

from lms.contracts import Capability, NavItem, Task
from lms.plugins import hookimpl


@hookimpl
def lms_blueprints():
    from lms.plugins.reflections import evidence_views  # noqa: F401 - adds its routes to bp
    from lms.plugins.reflections.views import bp

    return [bp]


@hookimpl
def lms_api_endpoints():
    from lms.plugins.reflections.api import endpoints

    return endpoints()


@hookimpl
def lms_models():
    from lms.plugins.reflections import models

    return [models]


@hookimpl
def lms_capabilities():
    return [
        Capability("reflections.write", "Write your own weekly reflections", ("trainee",)),
        Capability(
            "reflections.review",
            "Read your tutor group's shared reflections and give feedback",
            ("tutor",),
        ),
    ]


@hookimpl
def lms_nav_items(user):
    from lms.core.cohorts import memberships_of

    items = []
    for membership in memberships_of(user):
        if membership.role == "trainee" and not any(i.text == "Reflections" for i in items):
            items.append(
                NavItem("Reflections", "reflections.index", 20, {"slug": membership.cohort.slug})
            )
        if membership.role == "tutor" and not any(i.text == "Review queue" for i in items):
            items.append(
                NavItem("Review queue", "reflections.queue", 25, {"slug": membership.cohort.slug})
            )
    return items


TASK_STATUS = {
    "not yet open": "not yet open",
    "to do": "due",
    "draft": "due",
    "overdue": "overdue",
    "submitted": "done",
    "submitted late": "done",
    "reviewed": "reviewed",
}


@hookimpl
def lms_week_tasks(membership, week):
    from lms.core.clock import today
    from lms.plugins.reflections import services

    if membership.role != "trainee" or not 1 <= week <= services.number_of_weeks(membership.cohort):
        return []
    return [_task(membership, week, services.entry_of(membership, week), None, today())]


@hookimpl
def lms_member_tasks(membership, weeks):
    from lms.core.clock import today
    from lms.core.cohorts import schedule_of
    from lms.plugins.reflections import services

    if membership.role != "trainee":
        return {}
    last = services.number_of_weeks(membership.cohort)
    weeks = [week for week in weeks if 1 <= week <= last]
    entries = services.entries_of(membership)  # one query for every week
    schedule, on = schedule_of(membership.cohort), today()
    return {week: [_task(membership, week, entries.get(week), schedule, on)] for week in weeks}


def _task(membership, week, entry, schedule, on):
    from flask import url_for

    from lms.plugins.reflections import services

    dates = services.week_dates(membership.cohort, week, schedule)
    status = services.status_of(entry, dates, on)
    hints = {
        "draft": "Draft saved",
        "submitted late": "Submitted late",
        "overdue": "Draft saved, not submitted" if entry and entry.current_version else None,
    }
    return Task(
        title=f"Write your week {week} reflection",
        status=TASK_STATUS[status],
        href=url_for("reflections.edit", slug=membership.cohort.slug, week=week),
        due=dates.due,
        hint=hints.get(status),
    )


@hookimpl
def lms_notification_kinds():
    from lms.plugins.reflections.notices import KINDS

    return KINDS


SHOWN_ON_DASHBOARD = 5  # a tutor's to-do names this many of each; the rest are counted


@hookimpl
def lms_waiting_tasks(membership):
    """A tutor's reflections to review, and replies waiting for an answer."""
    from flask import url_for

    from lms.plugins.reflections import review

    if membership.role != "tutor":
        return []
    slug = membership.cohort.slug
    queue_link = url_for("reflections.queue", slug=slug)
    waiting = review.review_queue(membership)  # oldest first
    tasks = [
        Task(
            f"Review {entry.membership.user.full_name}'s week {entry.week} reflection",
            "to do",
            url_for("reflections.review_entry", slug=slug, entry_id=entry.id),
            due=entry.submitted_at.date(),
            hint=f"Submitted{' late' if entry.late else ''} {entry.submitted_at:%A %-d %B}.",
        )
        for entry in waiting[:SHOWN_ON_DASHBOARD]
    ]
    if len(waiting) > SHOWN_ON_DASHBOARD:
        more = len(waiting) - SHOWN_ON_DASHBOARD
        tasks.append(
            Task(
                f"{more} more reflection{'s' if more != 1 else ''} to review",
                "to do",
                queue_link,
                due=waiting[SHOWN_ON_DASHBOARD].submitted_at.date(),
                hint="Oldest first, in your review queue.",
            )
        )
    replies = review.awaiting_reply(membership)  # oldest reply first
    for entry, replied in replies[:SHOWN_ON_DASHBOARD]:
        tasks.append(
            Task(
                f"Answer {entry.membership.user.full_name}'s reply on their week {entry.week} "
                "reflection",
                "to do",
                url_for("reflections.review_entry", slug=slug, entry_id=entry.id) + "#feedback",
                due=replied.date(),
                hint=f"They replied on {replied:%A %-d %B}.",
            )
        )
    if len(replies) > SHOWN_ON_DASHBOARD:
        more = len(replies) - SHOWN_ON_DASHBOARD
        tasks.append(
            Task(
                f"{more} more repl{'ies' if more != 1 else 'y'} to answer",
                "to do",
                url_for("notifications.index"),
                due=replies[SHOWN_ON_DASHBOARD][1].date(),
            )
        )
    return tasks


@hookimpl
def lms_member_week_statuses(cohort, members, weeks):
    from lms.plugins.reflections.review import member_week_statuses

    return {"title": "Reflections", "statuses": member_week_statuses(cohort, members, weeks)}


@hookimpl
def lms_member_week_links(members, weeks, viewer):
    from flask import url_for

    from lms.plugins.reflections.review import readable_entries

    links = {}
    for membership_id, week, entry_id, own in readable_entries(members, weeks, viewer):
        slug = viewer.cohort.slug
        url = (
            url_for("reflections.edit", slug=slug, week=week)
            if own
            else url_for("reflections.review_entry", slug=slug, entry_id=entry_id)
        )
        links[(membership_id, week)] = (f"Week {week} reflection", url)
    return links


@hookimpl
def lms_evaluation_tables(cohort):
    from lms.plugins.reflections.evaluation import evaluation_tables

    return evaluation_tables(cohort)


@hookimpl
def lms_codable_texts(cohort, sources, reader):
    from lms.plugins.reflections.evaluation import codable_texts

    return codable_texts(cohort, sources, reader)


@hookimpl
def lms_personal_data(user):
    from lms.plugins.reflections.portfolio import personal_data

    return {"reflections": personal_data(user)}


@hookimpl
def lms_erase_personal_data(user):
    from lms.plugins.reflections.portfolio import erase_personal_data

    erase_personal_data(user)


@hookimpl
def lms_demo_data(cohort):
    from lms.plugins.reflections.demo import add_demo_reflections

    add_demo_reflections(cohort)


@hookimpl
def lms_completion_progress(cohort, members, criteria, week):
    from lms.plugins.reflections.completion import progress

    return progress(cohort, members, criteria, week)
