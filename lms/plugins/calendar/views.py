"""The calendar page (create, see, revoke your feed) and the feed itself."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.core.models import Cohort, Membership
from lms.core.permissions import public, signed_in
from lms.extensions import db, limiter
from lms.plugins.calendar import services
from lms.plugins.calendar.feed import FeedOptions, SessionTime, build_calendar
from lms.plugins.calendar.forms import CreateFeedForm, RevokeFeedForm

bp = Blueprint("calendar", __name__, template_folder="templates")


def _setting(name: str, default=None):
    value = current_app.config.get(name)
    return value if value not in (None, "") else default


@bp.route("/account/calendar")
@signed_in
def index():
    return _page(services.feed_of(current_user))


def _page(feed, status: int = 200):
    return (
        render_template(
            "calendar/index.html",
            feed=feed,
            create_form=CreateFeedForm(),
            revoke_form=RevokeFeedForm(),
            has_cohorts=_cohorts_of(current_user.id) != [],
        ),
        status,
    )


@bp.route("/account/calendar", methods=["POST"])
@signed_in
def create():
    form = CreateFeedForm()
    if not form.validate_on_submit():
        return _page(services.feed_of(current_user), 400)
    token = services.create_feed(current_user)
    db.session.commit()
    url = url_for("calendar.feed", token=token, _external=True)
    response = make_response(render_template("calendar/created.html", url=url, webcal=_webcal(url)))
    # The page shows the secret once: keep it out of every cache and the history store.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/calendar/revoke", methods=["POST"])
@signed_in
def revoke():
    form = RevokeFeedForm()
    if not form.validate_on_submit():
        return _page(services.feed_of(current_user), 400)
    if services.revoke_feed(current_user):
        flash("Your calendar link is turned off. Calendars using it will stop updating.")
    db.session.commit()
    return redirect(url_for("calendar.index"))


def _token_key() -> str:
    return "calendar-feed:" + services.hash_token((request.view_args or {}).get("token", ""))


def _not_found(response) -> bool:
    return response.status_code == 404


@bp.route("/calendar/<token>.ics")
@limiter.limit(lambda: _setting("CALENDAR_FEED_LIMIT", "60 per hour"), key_func=_token_key)
# Per address, only failed look-ups count: slows anyone guessing tokens.
@limiter.limit("30 per 10 minutes", deduct_when=_not_found)
@public
def feed(token: str):
    user = services.user_for_token(token)
    if user is None:
        abort(404)
    options = FeedOptions(
        uid_domain=urlsplit(current_app.config["BASE_URL"]).hostname or "involving-people.invalid",
        session_time=SessionTime.parse(
            _setting("CALENDAR_SESSION_TIME"), _setting("CALENDAR_SESSION_MINUTES", 120)
        ),
        week_link=lambda cohort, week: url_for(
            "cohorts.week", slug=cohort.slug, week=week, _external=True
        ),
    )
    cohorts = _cohorts_of(user.id)
    sessions = _session_details(cohorts)
    options = replace(options, sessions=lambda cohort: sessions.get(cohort.id, {}))
    calendar = build_calendar(cohorts, options)
    db.session.commit()  # the feed's last-used time
    response = make_response(calendar.to_ical())
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="involving-people.ics"'
    response.headers["Cache-Control"] = "private, max-age=900"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _session_details(cohorts: list[Cohort]) -> dict:
    """Sessions with a time and place by cohort id, from whichever plugin keeps them
    (hook `lms_session_details`; none without it)."""
    from lms.plugins import plugin_manager

    return plugin_manager().hook.lms_session_details(cohorts=cohorts) or {}


def _cohorts_of(user_id: int) -> list[Cohort]:
    """The cohorts the user is an active member of, breaks loaded (two queries)."""
    return list(
        db.session.scalars(
            select(Cohort)
            .join(Membership, Membership.cohort_id == Cohort.id)
            .where(Membership.user_id == user_id, Membership.withdrawn_at.is_(None))
            .options(selectinload(Cohort.breaks))
            .order_by(Cohort.start_date, Cohort.id)
        )
    )


def _webcal(url: str) -> str:
    """The same address with the webcal scheme: Apple Calendar subscribes on a click."""
    return "webcal://" + url.split("://", 1)[1]
