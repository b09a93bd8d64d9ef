"""`lms reminders send`: run from cron (daily is fine: nothing is ever sent twice)."""

from __future__ import annotations

import sys
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.core.clock import pinned_today
from lms.core.clock import today as clock_today


@click.group("reminders", help="Email overdue reminders and tutors' weekly digests.")
def reminders_group() -> None:
    pass


@reminders_group.command("send")
@click.option("--dry-run", is_flag=True, help="Show who would get what; send nothing.")
@click.option(
    "--today",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Act as if today were this date (YYYY-MM-DD).",
)
@with_appcontext
def send_command(dry_run: bool, on: datetime | None) -> None:
    """Email trainees with newly overdue tasks and tutors their weekly digest."""
    from lms.core.links import BaseUrlMissing, base_url
    from lms.plugins.reminders import sending

    try:
        base_url()  # every reminder links back: refuse before anything is sent
    except BaseUrlMissing as missing:
        raise click.ClickException(str(missing)) from None
    day = on.date() if on else None
    failures: list[str] = []
    outcome = {sending.OVERDUE: 0, sending.DIGEST: 0}
    planned: list[sending.Reminder] = []
    # Task links are built with url_for, which needs a request outside any request.
    with pinned_today(day), current_app.test_request_context():
        day = clock_today()
        members = sending.candidates(day)
        with click.progressbar(members, label="Checking members", file=sys.stderr) as progress:
            for candidate in progress:
                reminder = sending.compose(candidate, day)
                if reminder is None:
                    continue
                if dry_run:
                    planned.append(reminder)
                    continue
                try:
                    if sending.deliver(reminder):
                        outcome[reminder.kind] += 1
                except Exception as problem:  # one bad address must not stop the run
                    failures.append(f"{reminder.to}: {problem}")
    if dry_run:
        for reminder in planned:
            click.echo(f"Would email {reminder.to}: {reminder.subject}")
        click.echo(f"Dry run for {day:%-d %B %Y}: {len(planned)} emails would be sent.")
        return
    click.echo(
        f"Sent {outcome[sending.OVERDUE]} overdue reminders and "
        f"{outcome[sending.DIGEST]} tutor digests for {day:%-d %B %Y}."
    )
    if failures:
        click.echo(f"{len(failures)} could not be sent (they will be tried again):", err=True)
        for failure in failures:
            click.echo(f"  {failure}", err=True)
        raise SystemExit(1)
