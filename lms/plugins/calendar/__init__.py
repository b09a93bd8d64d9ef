"""Calendar: a private iCalendar feed of each member's course dates.

Hook implementations only; tokens are in `services`, the iCalendar in `feed`.
The feed URL carries a random token (stored only as its SHA-256): whoever holds the
URL sees the dates of the owner's cohorts and nothing else about them.
"""

from __future__ import annotations

from lms.contracts import NavItem
from lms.plugins import hookimpl


@hookimpl
def lms_blueprints():
    from lms.plugins.calendar.views import bp

    return [bp]


@hookimpl
def lms_models():
    from lms.plugins.calendar import models

    return [models]


@hookimpl
def lms_account_links(user):
    return [NavItem("Your programme in your calendar", "calendar.index", 10)]


@hookimpl
def lms_personal_data(user):
    from lms.plugins.calendar.services import personal_data

    return {"calendar_feed": personal_data(user)}


@hookimpl
def lms_erase_personal_data(user):
    from lms.plugins.calendar.services import revoke_feed

    revoke_feed(user)
