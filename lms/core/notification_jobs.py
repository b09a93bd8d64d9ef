"""Running notification emails: `lms notifications send` (cron) and RQ jobs (Redis).

Both call `notification_sending.send_due`, which claims each email before sending it,
so cron and a worker can run side by side and nothing goes twice."""

from __future__ import annotations

import sys
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

QUEUE = "notifications"


@click.group("notifications", help="Email notifications as each person prefers.")
def notifications_group() -> None:
    pass


@notifications_group.command("send")
@click.option(
    "--today",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Act as if today were this date (YYYY-MM-DD): names the daily and weekly digests.",
)
@with_appcontext
def send_command(on: datetime | None) -> None:
    """Send what is due: single emails, and today's and this week's digests.

    Run it from cron (every few minutes is fine: nothing is ever sent twice)."""
    from lms.core.clock import pinned_today, today
    from lms.core.links import BaseUrlMissing, base_url
    from lms.core.notification_sending import send_due
    from lms.core.notifications import emit_scheduled

    try:
        base_url()  # every email links back: refuse before anything is sent
    except BaseUrlMissing as missing:
        raise click.ClickException(str(missing)) from None
    # url_for needs a request context outside any request.
    day = on.date() if on else None
    with pinned_today(day), current_app.test_request_context():
        day = today()
        emit_scheduled(day)
        outcome = send_due(day)
    click.echo(
        f"Sent {outcome.emails} emails carrying {outcome.notifications} notifications; "
        f"{outcome.set_aside} not to be emailed."
    )
    if outcome.failures:
        click.echo(f"{len(outcome.failures)} could not be sent (tried again next run):", err=True)
        for failure in outcome.failures:
            click.echo(f"  {failure}", err=True)
        sys.exit(1)


# -- RQ ------------------------------------------------------------------------------------


def queue():
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE, connection=Redis.from_url(current_app.config["REDIS_URL"]))


def enqueue(notification_ids: list[int]) -> None:
    """Queue the emails of these (just committed) notifications for a worker."""
    queue().enqueue(send_job, list(notification_ids))


_worker_app = None


def send_job(notification_ids: list[int]) -> str:
    """An RQ job: email those of these notifications that go straight away (digests
    stay for cron). Runs in `rq worker notifications`, which has no app of its own."""
    from flask import has_app_context

    from lms.core.clock import today
    from lms.core.notification_sending import send_due

    if has_app_context():
        app = current_app._get_current_object()
    else:
        global _worker_app
        if _worker_app is None:
            from lms import create_app

            _worker_app = create_app()
        app = _worker_app
    with app.test_request_context():
        outcome = send_due(today(), ids=notification_ids, only_immediate=True)
    if outcome.failures:
        raise RuntimeError("; ".join(outcome.failures))  # RQ keeps it as a failed job
    return f"sent {outcome.emails}"
