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
def lms_account_links(user):
    """Return `lms.contracts.NavItem`s for the "Your account" page: settings a plugin
    keeps for `user` alone (a calendar link, reminders, API tokens). They live there
    rather than in the header, which stays short enough for a phone."""


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
    """Return a list of ``{"title", "columns", "rows"}`` tables for the evaluation.

    ``rows`` is a list of lists of cells (str, int, float or None), one per column.
    Figures must already be suppressed by the plugin: a count or figure from fewer
    than ``MIN_CELL_SIZE`` (5) people is given as the text "fewer than 5", with
    secondary suppression where counts add up to a shown total. Only members who
    consented to evaluation use are counted. Free text never goes here: it goes
    through `lms_codable_texts`.

    Optional keys, read by the evaluation plugin's dashboard and report:

    - ``"key"``: a stable id, ``[a-z0-9-]+``, unique within the plugin, e.g.
      ``"initiatives-rag"`` (used in chart URLs, sheet names and CSV file names;
      default: made from the title).
    - ``"section"``: one of ``"participation"``, ``"engagement"``, ``"initiatives"``,
      ``"confidence"`` (default: by plugin: reflections -> engagement, initiatives ->
      initiatives, surveys -> confidence, others -> "other").
    - ``"chart"``: ``{"kind": "bar" | "line" | "slope", "x": column, "y": [columns]}``.
      bar: one group per row, labelled by column ``x``, one bar per ``y`` column;
      line: ``x`` along the horizontal axis (rows in order), one line per ``y`` column;
      slope: one line per row (labelled by ``x``) from the first ``y`` column to the
      second (e.g. baseline -> latest). Cells that are not numbers (such as
      "fewer than 5") are left out of the chart and named in its text alternative.
      Optional ``"y_label"`` (axis title) and ``"y_max"`` (axis top, e.g. 100).
    - ``"count_columns"``: columns holding counts of people; as a safety net the
      evaluation shows any whole number 1-4 there as "fewer than 5".
    - ``"suppressed"``: list of notes on how the table's figures were made safe, e.g.
      ``["Counts of 1 to 4 are shown as 'fewer than 5'."]``; the report prints each
      different note once, in its method and limitations section.
    - ``"method"``: list of sentences on how the figures were made (e.g. the test
      used); printed once in the report's method and limitations section.
    - ``"formats"``: ``{column: format}`` for columns of raw numbers, with a format
      of ``lms.core.numbers.FORMATS`` (``"count"``, ``"decimal1"``, ``"decimal2"``,
      ``"percent"`` (0-100), ``"p"``): pages and documents show the number formatted
      (a p-value below 0.001 as "<0.001"), spreadsheets keep the number.
    - ``"description"``: one sentence on what the table shows and where the figures
      come from (goes into the report's data dictionary).
    - ``"kind"``: ``"figures"`` (default) or ``"texts"``; ``"texts"`` tables are ignored
      by the evaluation (free text must come through `lms_codable_texts`).
    """


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
def lms_notification_kinds():
    """Return the `lms.contracts.NotificationKind`s this plugin tells people about.

    Emit one with a single line where the event happens (after the change is made,
    before the commit)::

        notifications.notify("reflections.feedback", entry.membership,
                             "Your tutor left feedback on your week 3 reflection",
                             url_for("reflections.edit", slug=slug, week=3))

    (`lms.core.notifications`). Core decides who may be told (active members only,
    never erased people), stores it for the notifications page and emails it as each
    person prefers. The link must be a path in this app (from `url_for`)."""


@hookspec
def lms_scheduled_notifications(on):
    """Emit the notifications that the date `on` brings (a survey wave has opened, a
    session is tomorrow), for every running cohort. Called by `lms notifications send`
    before it emails; pass ``once=`` to `notify` so a second run tells nobody twice."""


@hookspec
def lms_waiting_tasks(membership):
    """Return `lms.contracts.Task`s waiting for `membership` now, not tied to a course
    week: for a tutor what awaits them (reflections to review, replies), for a lead what
    needs a decision. Shown as the to-do list on the dashboard, ordered by date (`due`,
    or the date it began waiting). Return [] for roles you have nothing for. Keep it to a
    fixed number of queries."""


@hookspec
def lms_member_joined(membership):
    """Called after a membership was created (e.g. by a roster import)."""


# -- evaluation --------------------------------------------------------------------


@hookspec
def lms_codable_texts(cohort, sources, reader):
    """Return the `lms.contracts.CodableText`s of `cohort` that may be coded thematically.

    `reader` is who will read the words: None for the programme's own figures and the
    lead's report (consented content), or a `Membership` of the cohort. A lead reads
    all consented content; a tutor only what the plugin shows that tutor elsewhere (the
    reflections plugin: their own group's shared, submitted entries); anyone else,
    nothing. The plugin applies its own visibility rule, so it is written once.

    Only text its author consented to evaluation use: e.g. submitted reflection answers
    with both the entry's and the membership's evaluation consent, and free-text survey
    answers of consenting members; never from withdrawn members or erased users. A text
    that is no longer returned (consent withdrawn) disappears from every coding view and
    export at the next read, so return the current state: never cache it.

    `sources` is None for every codable text, or a collection of source keys: then
    return only those of them that are still codable (the dashboard asks only for the
    texts that have codings, so this must be cheap: one or two queries). A source key
    is ``"<plugin>:<record id>:<part>"`` with no ``/`` or whitespace, and must keep
    naming the same text; if the text itself changes, codings of it drop out."""


# -- JSON API ----------------------------------------------------------------------


@hookspec
def lms_api_endpoints():
    """Return the JSON API endpoints this plugin offers, as a list of dicts.

    The `api` plugin serves them under ``/api/v1`` and documents them in its OpenAPI
    document; without it they are simply not served. Plugins import nothing from it:
    a handler gets an ``ApiCall`` and uses only these attributes of it. Keys:

    - ``"name"``: unique operation id, ``"<plugin>.<verb>"``, e.g. ``"reflections.list"``.
    - ``"method"``: ``"GET"``, ``"POST"``, ``"PUT"``, ``"PATCH"`` or ``"DELETE"``.
    - ``"path"``: below ``/api/v1``, OpenAPI style, e.g. ``"/cohorts/{slug}/reflections"``.
      ``{slug}`` always names a cohort.
    - ``"summary"``; optional ``"description"``.
    - ``"handler"``: ``handler(call)``; see below. Returns what ``"response"`` describes
      (pydantic model instances, or objects/dicts it can validate).
    - ``"scope"``: ``"read"`` (default; any token) or ``"write"`` (read-write tokens).
    - ``"capability"``: required with ``{slug}``: checked exactly as
      ``lms.core.permissions.requires`` does (unknown cohort 404, not allowed 403).
    - ``"path_params"``: JSON Schema of each path parameter but ``slug``, e.g.
      ``{"week": {"type": "integer", "minimum": 1, "description": "..."}}``; integers
      become ``int`` routes, and values outside ``minimum``/``maximum``/``enum`` are 404.
    - ``"query"``: a pydantic model of the query parameters (invalid: 422).
    - ``"body"``: a pydantic model (or type) of the JSON body, validated strictly:
      wrong types and unknown fields are 422 naming the field; nothing reaches the handler.
    - ``"response"``: a pydantic model or type (e.g. ``list[Model]``) of the success body.
    - ``"status"``: success status (default 200).
    - ``"errors"``: ``{status: description}`` of other problems the handler raises, e.g.
      ``{409: "A newer version was saved"}`` (401, 403, 404, 422, 429 are added as needed).

    ``call`` has ``user``, ``cohort`` and ``membership`` (None for admins who are not
    members; checked with the capability), ``params`` (path values), ``query``, ``body``,
    and ``problem(status, title, detail=None, type=None, **extra)``, ``not_found()``,
    ``invalid({field: message})`` to stop with an RFC 9457 problem. The api plugin commits
    the session after the handler returns, and rolls back on any problem. Object-level
    checks (is this yours?) stay in the plugin's services, as for its pages."""


# -- batched task lists --------------------------------------------------------------


@hookspec
def lms_member_tasks(membership, weeks):
    """Return ``{week: [Task, ...]}`` for trainee `membership` in each of `weeks` (ints).

    The batched form of `lms_week_tasks`, for pages showing many weeks at once (the
    35-week progress view): answer in a fixed number of queries however many weeks are
    asked for. The tasks of a week must be those `lms_week_tasks(membership, week)`
    returns. Weeks with no task may be left out. A plugin implementing only
    `lms_week_tasks` is still asked week by week."""


# -- links between plugins ------------------------------------------------------------


@hookspec
def lms_member_week_links(members, weeks, viewer):
    """Return ``{(membership_id, week): (label, url)}``: links to what each of `members`
    wrote in course weeks `weeks` that `viewer` may read, or {} (or None).

    `members` are memberships of one cohort; `weeks` a collection of week numbers;
    `viewer` is the reading user's membership of that cohort, or None (e.g. an admin
    outside the cohort). Apply your own access rules: a link is only returned if
    `viewer` may open it (e.g. the reflections plugin links a trainee's own entries, and
    for their tutor the submitted entries shared with tutors; nothing for anyone else).
    Used, for example, by the initiatives plugin to link a trainee's weekly story from
    the weeks an initiative's status has held. Must run a fixed number of queries
    whatever the number of members; called within a request (so `url_for` works)."""


# -- sessions and completion ---------------------------------------------------------


@hookspec(firstresult=True)
def lms_session_details(cohorts):
    """Return ``{cohort_id: {week: lms.contracts.SessionDetails}}`` for `cohorts`: each
    course week whose session has a time and place set (others are left out), or None.

    Shown on the week page, the dashboard and the schedule, and used by the calendar
    feed for timed events. Must run a fixed number of queries whatever the number of
    cohorts. The first plugin to answer wins (the sessions plugin)."""


@hookspec
def lms_completion_progress(cohort, members, criteria, week):
    """Return ``{(membership_id, criterion_id): lms.contracts.CriterionProgress}`` for
    the completion criteria this plugin knows, or {} (or None).

    `criteria` are the programme's `lms.core.curriculum.CompletionCriterion`s (each has
    ``id``, ``kind`` and its parameters); answer only for the kinds whose data you hold
    (e.g. the reflections plugin for ``"reflections"``). `members` are trainee
    memberships of `cohort`; `week` is the course week reached so far (0 before the
    start, N when finished), for judging whether each member is on pace. Must run a
    fixed number of queries whatever the number of members."""
