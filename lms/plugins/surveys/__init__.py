"""The surveys plugin: pre/mid/post confidence surveys, paired analysis, exports."""

from __future__ import annotations

from lms.contracts import Capability, NavItem, Task
from lms.plugins import hookimpl


@hookimpl
def lms_blueprints():
    from lms.plugins.surveys.views import bp

    return [bp]


@hookimpl
def lms_api_endpoints():
    from lms.plugins.surveys.api import endpoints

    return endpoints()


@hookimpl
def lms_models():
    from lms.plugins.surveys import models

    return [models]


@hookimpl
def lms_capabilities():
    return [
        Capability("surveys.answer", "Answer the programme's surveys", ("trainee",)),
        Capability(
            "surveys.results",
            "See survey results as aggregates and download pseudonymous responses",
            ("lead",),
        ),
        Capability(
            "surveys.group_results",
            "See survey results for your own tutor group as aggregates, once a wave closes",
            ("tutor",),
        ),
    ]


@hookimpl
def lms_nav_items(user):
    from lms.core.cohorts import memberships_of

    for membership in memberships_of(user):
        if membership.role == "trainee":
            return [NavItem("Surveys", "surveys.index", 40, {"slug": membership.cohort.slug})]
        if membership.role == "lead":
            return [
                NavItem("Survey results", "surveys.results", 40, {"slug": membership.cohort.slug})
            ]
        if membership.role == "tutor" and membership.tutor_group_id is not None:
            slug = membership.cohort.slug
            return [NavItem("Survey results", "surveys.group_results", 40, {"slug": slug})]
    return []


@hookimpl
def lms_notification_kinds():
    from lms.plugins.surveys.notices import KINDS

    return KINDS


@hookimpl
def lms_scheduled_notifications(on):
    from lms.plugins.surveys.notices import waves_opened

    waves_opened(on)


@hookimpl
def lms_week_tasks(membership, week):
    from lms.plugins.surveys import services

    if membership.role != "trainee":
        return []
    return _tasks(membership, week, services.statuses_of(membership))


@hookimpl
def lms_member_tasks(membership, weeks):
    from lms.plugins.surveys import services

    if membership.role != "trainee":
        return {}
    statuses = services.statuses_of(membership)  # one query for every week
    return {week: _tasks(membership, week, statuses) for week in weeks}


def _tasks(membership, week, statuses):
    from flask import url_for

    from lms.plugins.surveys import services

    tasks = []
    for status in statuses:
        wave = status.wave
        if not wave.opens_week <= week <= wave.closes_week:
            continue
        tasks.append(
            Task(
                title=f"{services.instrument_of(membership.cohort, wave).title}: "
                f"{services.WAVE_NAMES[wave.wave].lower()}",
                status=status.task_status,
                href=url_for("surveys.answer", slug=membership.cohort.slug, wave_name=wave.wave),
                hint=f"Open in weeks {wave.opens_week} to {wave.closes_week}. About 5 minutes.",
            )
        )
    return tasks


@hookimpl
def lms_personal_data(user):
    from lms.plugins.surveys import services

    return {"surveys": services.personal_data(user)}


@hookimpl
def lms_erase_personal_data(user):
    from lms.plugins.surveys import services

    services.erase_personal_data(user)


@hookimpl
def lms_demo_data(cohort):
    from lms.plugins.surveys import demo

    demo.add_demo_responses(cohort)


@hookimpl
def lms_evaluation_tables(cohort):
    from lms.plugins.surveys import reports

    return reports.evaluation_tables(cohort)


@hookimpl
def lms_codable_texts(cohort, sources, reader):
    from lms.plugins.surveys import reports

    return reports.codable_texts(cohort, sources, reader)


@hookimpl
def lms_cli():
    from lms.plugins.surveys.cli import surveys_group

    return [surveys_group]


@hookimpl
def lms_completion_progress(cohort, members, criteria, week):
    from lms.plugins.surveys.completion import progress

    return progress(cohort, members, criteria, week)
