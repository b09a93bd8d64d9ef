"""The evaluation: the programme lead's cohort dashboard, thematic coding of consented
free text, and the report for boards and funders (DOCX, XLSX, CSV).

Hook implementations only. Other plugins are read only through hooks
(`lms_evaluation_tables`, `lms_member_week_statuses`, `lms_codable_texts`), so each
section says what is missing when a plugin is turned off.
"""

from __future__ import annotations

from lms.contracts import Capability, NavItem
from lms.plugins import hookimpl


@hookimpl
def lms_blueprints():
    from lms.plugins.evaluation.views import bp

    return [bp]


@hookimpl
def lms_models():
    from lms.plugins.evaluation import models

    return [models]


@hookimpl
def lms_capabilities():
    return [
        Capability(
            "evaluation.view",
            "See the cohort's evaluation dashboard and download the evaluation report",
            ("lead",),
        ),
        Capability(
            "evaluation.code",
            "Keep the codebook and code consented free text thematically",
            ("lead", "tutor"),
        ),
    ]


@hookimpl
def lms_nav_items(user):
    from lms.core.cohorts import memberships_of

    memberships = [m for m in memberships_of(user) if m.cohort.archived_at is None]
    for membership in memberships:  # the most recent cohort first
        if membership.role == "lead":
            return [
                NavItem("Evaluation", "evaluation.dashboard", 60, {"slug": membership.cohort.slug})
            ]
        if membership.role == "tutor":
            return [
                NavItem("Thematic coding", "evaluation.texts", 60, {"slug": membership.cohort.slug})
            ]
    return []


@hookimpl
def lms_personal_data(user):
    from lms.plugins.evaluation.privacy import personal_data

    return {"evaluation": personal_data(user)}


@hookimpl
def lms_erase_personal_data(user):
    from lms.plugins.evaluation.privacy import erase_personal_data

    erase_personal_data(user)


@hookimpl
def lms_demo_data(cohort):
    from lms.plugins.evaluation.demo import add_starter_codebook

    add_starter_codebook(cohort)


@hookimpl
def lms_cli():
    from lms.plugins.evaluation.cli import evaluation_group

    return [evaluation_group]
