"""`lms attendance import SLUG FILE` and `lms completion report SLUG [-o FILE]`."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from lms.core.clock import today
from lms.core.models import Cohort
from lms.extensions import db


def _cohort(slug: str) -> Cohort:
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == slug))
    if cohort is None:
        raise click.ClickException(f"There is no cohort {slug!r}. See `lms cohort list`.")
    return cohort


@click.group("attendance")
def attendance_group():
    """Attendance registers."""


@attendance_group.command("import")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(slug: str, file: Path):
    """Import a register kept on paper: a CSV with the columns email,week,status
    (status: present, late, absent or apologies). All or nothing."""
    from lms.plugins.sessions.importer import AttendanceInvalid, import_file

    cohort = _cohort(slug)
    try:
        with click.progressbar(length=1, label="Checking the file", file=sys.stderr) as bar:
            saved = import_file(cohort, file, None)
            bar.update(1)
    except AttendanceInvalid as invalid:
        db.session.rollback()
        for problem in invalid.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(
            f"Nothing was imported: {len(invalid.problems)} problem"
            f"{'s' if len(invalid.problems) != 1 else ''} in {file}."
        ) from None
    db.session.commit()
    click.echo(f"Imported {saved} attendance marks into {cohort.name}.")


@click.group("completion")
def completion_group():
    """Completion against the programme's rules."""


@completion_group.command("report")
@click.argument("slug")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@with_appcontext
def report_command(slug: str, output: Path | None):
    """Each trainee's standing against the completion rules, as CSV."""
    from lms.plugins.sessions.completion import report_rows, rules_of

    cohort = _cohort(slug)
    if rules_of(cohort) is None:
        raise click.ClickException(
            f"The {cohort.programme} programme has no completion rules (completion: in "
            "programme.yaml)."
        )
    header, rows = report_rows(cohort, today())
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    if output is None:
        click.echo(buffer.getvalue(), nl=False)
    else:
        output.write_text(buffer.getvalue(), encoding="utf-8")
        click.echo(f"Wrote {len(rows)} trainees to {output}.", err=True)


def commands():
    return [attendance_group, completion_group]
