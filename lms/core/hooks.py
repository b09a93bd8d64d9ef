"""Core's own hook implementations: its capabilities, views and navigation.

Registered first and marked `trylast`, so plugins can add to or override them."""

from __future__ import annotations

from lms.contracts import Capability, NavItem
from lms.plugins import hookimpl


@hookimpl(trylast=True)
def lms_capabilities():
    return [
        Capability(
            "cohorts.view",
            "See the cohort, its schedule and week pages",
            ("trainee", "tutor", "lead"),
        ),
        Capability(
            "cohorts.manage", "Change the cohort's schedule, members and tutor groups", ("lead",)
        ),
        Capability("cohorts.create", "Create new cohorts", ("lead",)),
        Capability("groups.view", "See tutor groups and each member's progress", ("tutor", "lead")),
        Capability(
            "consent.give", "Give, decline or withdraw consent to evaluation uses", ("trainee",)
        ),
        Capability(
            "consent.manage",
            "See consent counts, who has not answered, and remind them",
            ("lead",),
        ),
        Capability(
            "people.manage",
            "Resend invitations, send reset links, deactivate and change the email of the "
            "members of cohorts they lead",
            ("lead",),
        ),
    ]


@hookimpl(trylast=True)
def lms_blueprints():
    from lms.core.admin_views import bp as admin
    from lms.core.auth_views import bp as auth
    from lms.core.cohort_views import bp as cohorts
    from lms.core.consent_views import bp as consent
    from lms.core.dashboard_views import bp as dashboard
    from lms.core.notification_views import bp as notifications
    from lms.core.page_views import bp as pages
    from lms.core.people_views import bp as people

    return [auth, dashboard, pages, cohorts, consent, admin, people, notifications]


@hookimpl(trylast=True)
def lms_nav_items(user):
    from lms.core.notifications import unread_count

    unread = unread_count(user)  # one query; None if it cannot be read (the page still shows)
    items = [
        NavItem("Dashboard", "dashboard.home", order=0),
        NavItem("Notifications", "notifications.index", order=93, badge=unread or None),
        NavItem("Your account", "admin.account", order=95),
    ]
    # Experts by experience see only what they review, not the cohort pages.
    from lms.core.cohorts import memberships_of

    roles = {m.role for m in memberships_of(user)}
    if not roles or roles - {"expert"}:
        items.append(NavItem("Cohorts", "cohorts.index", order=90))
    if user.is_admin:
        items.append(NavItem("People", "admin.users", order=96))
    return items


@hookimpl(trylast=True)
def lms_cli():
    from lms.core.cli_commands import core_commands

    return core_commands()


@hookimpl(trylast=True)
def lms_models():
    from lms.core import audit, files, models, notification_models, rescue, signin_attempts

    return [models, rescue, audit, signin_attempts, notification_models, files]


@hookimpl(trylast=True)
def lms_account_links(user):
    return [NavItem("Notifications by email", "notifications.preferences", 10)]


@hookimpl(trylast=True)
def lms_notification_kinds():
    from lms.contracts import NotificationKind

    return [
        NotificationKind(
            "consent.requested",
            "Your programme lead asks for your consent to the evaluation",
            "immediately",
            ("trainee",),
        )
    ]


@hookimpl(trylast=True)
def lms_personal_data(user):
    from lms.core.notifications import personal_data

    return {"notifications": personal_data(user)}


@hookimpl(trylast=True)
def lms_erase_personal_data(user):
    from lms.core.notifications import erase_personal_data

    erase_personal_data(user)


@hookimpl(trylast=True)
def lms_waiting_tasks(membership):
    """A lead decides whom to remind about consent."""
    from flask import url_for

    from lms.contracts import Task
    from lms.core import consent

    if membership.role != "lead":
        return []
    waiting = len(consent.cohort_consent(membership.cohort).not_answered)
    if not waiting:
        return []
    return [
        Task(
            f"{waiting} trainee{'s have' if waiting != 1 else ' has'} not answered the "
            "consent questions",
            "to do",
            url_for("consent.overview", slug=membership.cohort.slug),
            hint="Remind them, or record answers from paper forms.",
        )
    ]
