"""Reminders: `lms reminders send` emails overdue tasks and tutors' weekly digests.

Hook implementations only; the work is in `sending` (who gets what, sent once),
`services` (preferences, unsubscribe links, personal data) and `cli`. Tasks and
statuses come from other plugins through the `lms_week_tasks` and
`lms_member_week_statuses` hooks; this plugin never imports them.
"""

from __future__ import annotations

from lms.contracts import NavItem
from lms.plugins import hookimpl


@hookimpl
def lms_blueprints():
    from lms.plugins.reminders.views import bp

    return [bp]


@hookimpl
def lms_models():
    from lms.plugins.reminders import models

    return [models]


@hookimpl
def lms_cli():
    from lms.plugins.reminders.cli import reminders_group

    return [reminders_group]


@hookimpl
def lms_account_links(user):
    return [NavItem("Email reminders", "reminders.settings", 20)]


@hookimpl
def lms_personal_data(user):
    from lms.plugins.reminders.services import personal_data

    return {"reminders": personal_data(user)}


@hookimpl
def lms_erase_personal_data(user):
    from lms.plugins.reminders.services import erase_personal_data

    erase_personal_data(user)
