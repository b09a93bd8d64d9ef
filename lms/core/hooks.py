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
    ]


@hookimpl(trylast=True)
def lms_blueprints():
    from lms.core.admin_views import bp as admin
    from lms.core.auth_views import bp as auth
    from lms.core.cohort_views import bp as cohorts
    from lms.core.consent_views import bp as consent
    from lms.core.dashboard_views import bp as dashboard
    from lms.core.page_views import bp as pages

    return [auth, dashboard, pages, cohorts, consent, admin]


@hookimpl(trylast=True)
def lms_nav_items(user):
    items = [
        NavItem("Dashboard", "dashboard.home", order=0),
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
    from lms.core import audit, files, models, rescue, signin_attempts

    return [models, rescue, audit, signin_attempts, files]
