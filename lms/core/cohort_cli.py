"""CLI for cohorts and rosters: `lms cohort ...`, `lms roster ...`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.extensions import db


def _parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date like 2026-09-07", param_hint=option
        ) from None


@click.group("cohort", help="Create cohorts and show their schedules.")
def cohort_group() -> None:
    pass


@cohort_group.command("create")
@click.option("--name", required=True)
@click.option("--slug", required=True)
@click.option("--start", "start", required=True, help="First session date, YYYY-MM-DD")
@click.option("--break", "breaks", multiple=True, help="A day in a week with no session")
@click.option("--programme", default="involving-people", show_default=True)
@with_appcontext
def cohort_create(name, slug, start, breaks, programme) -> None:
    from lms.core.cohorts import CohortPlan, CohortProblems, create_cohort

    start_date = _parse_date(start, "--start")
    plan = CohortPlan(
        name,
        slug,
        programme,
        start_date,
        start_date.weekday(),
        tuple(_parse_date(value, "--break") for value in breaks),
    )
    try:
        cohort = create_cohort(plan)
    except CohortProblems as problems:
        db.session.rollback()
        for field, message in problems.problems:
            click.echo(f"Error: --{field.replace('_date', '')}: {message}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"Created cohort {cohort.slug} starting {cohort.start_date:%A %-d %B %Y}.")


@cohort_group.command("schedule")
@click.argument("slug")
@with_appcontext
def cohort_schedule(slug: str) -> None:
    from lms.core.cohorts import cohort_by_slug, schedule_of
    from lms.core.curriculum_loader import programme

    cohort = cohort_by_slug(slug)
    if cohort is None:
        raise click.ClickException(f"no cohort called {slug}")
    schedule = schedule_of(cohort)
    weeks = programme(cohort.programme)
    click.echo(f"{'Week':>4}  {'Session':<16}  Title")
    breaks = set(schedule.break_weeks)
    for number, session in enumerate(schedule.session_dates, start=1):
        for week_of in sorted(breaks):
            if week_of < session:
                click.echo(f"{'':>4}  {week_of:%a %d %b %Y}  (break)")
                breaks.discard(week_of)
        click.echo(f"{number:>4}  {session:%a %d %b %Y}  {weeks.week(number).title}")


@click.group("roster", help="Import (CSV or XLSX) and export (CSV) a cohort's members.")
def roster_group() -> None:
    pass


@roster_group.command("import")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def roster_import(slug: str, file: str) -> None:
    from lms.core.accounts import send_invitations
    from lms.core.cohorts import cohort_by_slug
    from lms.core.roster import RosterInvalid, apply_roster, parse_roster

    # The file is checked before the first query: a CLI transaction takes the write
    # lock when it begins, and others' saves must not wait for the checking.
    try:
        rows = parse_roster(Path(file).read_bytes(), file)  # CSV or XLSX, by name or content
    except RosterInvalid as invalid:
        click.echo(f"{file}: nothing was imported; fix these and try again:", err=True)
        for error in invalid.errors:
            click.echo(f"  {file}:{error}", err=True)
        raise SystemExit(1) from None
    cohort = cohort_by_slug(slug)
    if cohort is None:
        raise click.ClickException(f"no cohort called {slug}")
    name = cohort.name
    with click.progressbar(
        length=len(rows), label="Importing", file=click.get_text_stream("stderr")
    ) as bar:
        result = apply_roster(cohort, rows, progress=bar.update)
    from lms.core import audit
    from lms.core.links import BaseUrlMissing, has_base_url

    if result.invited and not has_base_url():
        db.session.rollback()  # all or nothing: no member without their invitation
        raise click.ClickException(f"{file}: nothing was imported. {BaseUrlMissing()}")

    audit.record(
        "roster.imported",
        None,
        cohort=cohort,
        file=str(file),
        added=len(result.added),
        updated=len(result.updated),
        unchanged=len(result.unchanged),
    )
    db.session.commit()
    send_invitations(result.invited, name)  # after the commit: outside the write lock
    click.echo(
        f"{len(result.added)} added, {len(result.updated)} updated, "
        f"{len(result.unchanged)} unchanged; {len(result.invited)} invitations sent."
    )
    if result.consent_recorded:
        click.echo(f"Consent recorded from paper forms for {len(result.consent_recorded)}.")


@roster_group.command("export")
@click.argument("slug")
@with_appcontext
def roster_export(slug: str) -> None:
    from lms.core.cohorts import active_members, cohort_by_slug
    from lms.core.roster import export_roster

    cohort = cohort_by_slug(slug)
    if cohort is None:
        raise click.ClickException(f"no cohort called {slug}")
    click.echo(export_roster(cohort, active_members(cohort)), nl=False)


@cohort_group.command("archive")
@click.argument("slug")
@with_appcontext
def cohort_archive(slug: str) -> None:
    """Mark a finished cohort archived; `lms retention purge` erases it later."""
    from lms.core.cohorts import cohort_by_slug
    from lms.core.privacy import archive_cohort

    cohort = cohort_by_slug(slug)
    if cohort is None:
        raise click.ClickException(f"no cohort called {slug}")
    archive_cohort(cohort, None)
    db.session.commit()
    click.echo(f"Archived {cohort.slug}.")


def cohort_commands() -> list:
    from lms.core.maintenance_cli import maintenance_commands

    return [cohort_group, roster_group, *maintenance_commands()]
