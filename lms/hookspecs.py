"""The plugin contract: every hook a plugin may implement.

Plugins are pluggy plugins found through the `lms.plugins` entry-point group
(see `lms/plugins.py`). A plugin module or object implements any of these with
`@hookimpl`; pluggy checks the names and arguments when the plugin is registered.
Hook names say what they give; event hooks are in the past tense.

Example::

    from lms.plugins import hookimpl

    @hookimpl
    def lms_blueprints():
        return [bp]
"""

from __future__ import annotations

import pluggy

PROJECT = "lms"
hookspec = pluggy.HookspecMarker(PROJECT)


# -- setup ---------------------------------------------------------------------


@hookspec
def lms_blueprints():
    """Return a list of Flask blueprints to register.

    Blueprint name = plugin name = template folder = table prefix. Every view in
    them must carry a permission rule (`lms.core.permissions`)."""


@hookspec
def lms_capabilities():
    """Return a list of `lms.contracts.Capability` this plugin declares.

    Example: ``Capability("reflections.review", "Review reflections", ("tutor",))``."""


@hookspec
def lms_cli():
    """Return a list of click commands or groups to add to the `lms` command."""


@hookspec
def lms_models():
    """Return the modules that define this plugin's models (so migrations see them)."""


# -- template slots --------------------------------------------------------------


@hookspec
def lms_nav_items(user):
    """Return `lms.contracts.NavItem`s for the header navigation of `user`
    (an authenticated user). Return [] to add nothing."""


@hookspec
def lms_week_tasks(membership, week):
    """Return `lms.contracts.Task`s that `membership` (a trainee) has in course week
    `week` (an int 1..N). Called for the dashboard and the 35-week progress view."""


@hookspec
def lms_dashboard_panels(user, membership):
    """Return `lms.contracts.Panel`s to show on `membership`'s role dashboard."""


@hookspec
def lms_member_week_statuses(cohort, members, weeks):
    """Return ``{"title": str, "statuses": {(membership_id, week): status}}`` or None.

    Used by the tutor's group grid; must run a fixed number of queries whatever the
    number of members."""


@hookspec
def lms_evaluation_tables(cohort):
    """Return a list of ``{"title", "columns", "rows"}`` tables for the evaluation."""


# -- personal data ---------------------------------------------------------------


@hookspec
def lms_personal_data(user):
    """Return ``{name: json-serialisable data}`` of everything this plugin holds about
    `user`, for the member's own download."""


@hookspec
def lms_erase_personal_data(user):
    """Remove or anonymise everything this plugin holds about `user`. Aggregates and
    other people's records must stay intact."""


@hookspec
def lms_demo_data(cohort):
    """Add this plugin's demo records to the demo `cohort`. Must be idempotent."""


# -- events ----------------------------------------------------------------------


@hookspec
def lms_member_joined(membership):
    """Called after a membership was created (e.g. by a roster import)."""
