"""The change initiatives plugin: each trainee's improvement project, its milestones,
RAG progress, Arnstein's ladder and the SCIE whole-system jigsaw."""

from __future__ import annotations

from lms.contracts import Capability, NavItem
from lms.plugins import hookimpl


@hookimpl
def lms_blueprints():
    from lms.plugins.initiatives import (  # noqa: F401 - add their routes to bp
        evidence_views,
        expert_views,
        partner_views,
    )
    from lms.plugins.initiatives.views import bp

    return [bp]


@hookimpl
def lms_capabilities():
    return [
        Capability(
            "initiatives.view",
            "See change initiatives: your own, your tutor group's, or the cohort's",
            ("trainee", "tutor", "lead"),
        ),
        Capability(
            "initiatives.record", "Record and update your own change initiative", ("trainee",)
        ),
        Capability(
            "initiatives.follow",
            "Follow your group's initiatives on a board and comment on updates",
            ("tutor", "lead"),
        ),
        Capability("initiatives.report", "See cohort-wide initiative figures", ("lead",)),
        Capability(
            "initiatives.assign",
            "Ask experts by experience to review initiatives",
            ("lead",),
        ),
        # The only capability of the "expert" role: it reaches nothing else in the app.
        Capability(
            "initiatives.review",
            "Read and rate the change initiatives you are asked to review, as an expert "
            "by experience",
            ("expert",),
        ),
    ]


@hookimpl
def lms_api_endpoints():
    from lms.plugins.initiatives.api import endpoints

    return endpoints()


@hookimpl
def lms_models():
    from lms.plugins.initiatives import models

    return [models]


@hookimpl
def lms_nav_items(user):
    from lms.core.cohorts import memberships_of

    memberships = [m for m in memberships_of(user) if m.cohort.archived_at is None]
    if not memberships:
        return _partner_nav(user)
    membership = memberships[0]  # the most recent cohort
    endpoint, text = {
        "trainee": ("initiatives.mine", "My initiative"),
        "tutor": ("initiatives.board", "Initiatives"),
        "lead": ("initiatives.overview", "Initiatives"),
        "expert": ("initiatives.reviews", "Initiatives to review"),
    }.get(membership.role, (None, None))
    if endpoint is None:
        return []
    return [NavItem(text, endpoint, order=30, values={"slug": membership.cohort.slug})]


def _partner_nav(user) -> list[NavItem]:
    """An initiative partner (no member of any cohort): a link to each initiative."""
    from lms.plugins.initiatives.partners import partnerships_of

    found = partnerships_of(user)
    return [
        NavItem(
            "Your initiative" if len(found) == 1 else partner.initiative.title,
            "initiatives.partner_home",
            order=30,
            values={"slug": partner.initiative.membership.cohort.slug, "partner_id": partner.id},
        )
        for partner in found
    ]


@hookimpl
def lms_dashboard_panels(user, membership):
    from lms.contracts import Panel
    from lms.plugins.initiatives import experts

    if membership.role != experts.EXPERT:
        return []
    return [
        Panel(
            "Initiatives to review",
            "initiatives/_expert_panel.html",
            {"cohort": membership.cohort, "assigned": experts.assigned_to(membership)},
            order=10,
        )
    ]


@hookimpl
def lms_notification_kinds():
    from lms.plugins.initiatives.notices import KINDS

    return KINDS


@hookimpl
def lms_week_tasks(membership, week):
    from lms.plugins.initiatives.tasks import week_tasks

    return week_tasks(membership, week)


@hookimpl
def lms_member_tasks(membership, weeks):
    from lms.plugins.initiatives.services import due_weeks
    from lms.plugins.initiatives.tasks import week_tasks

    # week_tasks loads the initiative once per request, so this is two queries in all.
    due = due_weeks(membership.cohort)
    return {week: week_tasks(membership, week, due) for week in weeks}


@hookimpl
def lms_personal_data(user):
    from lms.plugins.initiatives.privacy import personal_data

    return personal_data(user)


@hookimpl
def lms_erase_personal_data(user):
    from lms.plugins.initiatives.privacy import erase_personal_data

    erase_personal_data(user)


@hookimpl
def lms_demo_data(cohort):
    from lms.plugins.initiatives.demo import add_demo_initiatives

    add_demo_initiatives(cohort)


@hookimpl
def lms_evaluation_tables(cohort):
    from lms.plugins.initiatives.reports import evaluation_tables

    return evaluation_tables(cohort)


@hookimpl
def lms_codable_texts(cohort, sources, reader):
    from lms.plugins.initiatives.reports import codable_texts

    return codable_texts(cohort, sources, reader)


@hookimpl
def lms_completion_progress(cohort, members, criteria, week):
    from lms.plugins.initiatives.completion import progress

    return progress(cohort, members, criteria, week)
