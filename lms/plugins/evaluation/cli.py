"""`lms evaluation report SLUG -o FILE`: the report without the web, for scheduled runs."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.extensions import db


@click.group("evaluation", help="The cohort evaluation report.")
def evaluation_group() -> None:
    pass


@evaluation_group.command("report")
@click.argument("slug")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="The file to write: .docx, .xlsx or .zip (CSVs), by its suffix.",
)
@with_appcontext
def report_command(slug: str, output: str) -> None:
    """Write the evaluation report of cohort SLUG."""
    from lms.core import audit
    from lms.core.cohorts import cohort_by_slug
    from lms.plugins.evaluation import exports, figures

    makers = {
        ".docx": exports.report_docx,
        ".xlsx": exports.report_xlsx,
        ".zip": exports.report_csv_zip,
    }
    path = Path(output)
    make = makers.get(path.suffix.lower())
    if make is None:
        raise click.ClickException("the output file must end in .docx, .xlsx or .zip")
    cohort = cohort_by_slug(slug)
    if cohort is None:
        raise click.ClickException(f"no cohort called {slug}")
    steps = ["figures", "document"]
    with click.progressbar(steps, label="Building the report") as bar:
        for step in bar:
            if step == "figures":
                report = figures.build_report(cohort)
            else:
                body = make(report)
    path.write_bytes(body)
    audit.record(
        "data.exported",
        None,
        cohort=cohort,
        what="evaluation report",
        format=path.suffix.lstrip("."),
        via="cli",
    )
    db.session.commit()
    click.echo(f"Wrote {path} ({len(body):,} bytes)")
