"""`lms surveys import` and `lms surveys results`."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms.extensions import db


def _cohort_and_instrument(slug: str, instrument_id: str):
    from lms.core.cohorts import cohort_by_slug
    from lms.core.curriculum_loader import programme

    cohort = cohort_by_slug(slug)
    if cohort is None:
        raise click.ClickException(f"no cohort called {slug}")
    instrument = programme(cohort.programme).instruments.get(instrument_id)
    if instrument is None:
        raise click.ClickException(f"{cohort.programme} has no survey called {instrument_id}")
    return cohort, instrument


@click.group("surveys", help="Import survey responses and write paired results.")
def surveys_group() -> None:
    pass


@surveys_group.command("import")
@click.argument("slug")
@click.argument("instrument")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_command(slug: str, instrument: str, file: str) -> None:
    """Import responses from a CSV file: email,wave, then one column per item id."""
    from lms.plugins.surveys.importer import import_responses

    cohort, found = _cohort_and_instrument(slug, instrument)
    try:
        with open(file, encoding="utf-8-sig") as handle:
            text = handle.read()
    except UnicodeDecodeError:
        click.echo(
            f"{file}: nothing was imported: the file is not UTF-8 text; "
            "save it as 'CSV UTF-8' and try again",
            err=True,
        )
        raise SystemExit(1) from None
    stored, errors = import_responses(cohort, found, text)
    if errors:
        db.session.rollback()
        click.echo(f"{file}: nothing was imported; fix these and try again:", err=True)
        for error in errors:
            click.echo(f"  {file}:{error}", err=True)
        raise SystemExit(1)
    db.session.commit()
    click.echo(f"Imported {stored} responses into {cohort.slug}.")


@surveys_group.command("results")
@click.argument("slug")
@click.argument("instrument")
@click.option("--from", "wave_from", default="pre", show_default=True)
@click.option("--to", "wave_to", default="post", show_default=True)
@click.option("--by", type=click.Choice(["sector", "area", "tutor_group"]), default=None)
@click.option("-o", "--output", type=click.File("w"), default="-")
@with_appcontext
def results_command(slug, instrument, wave_from, wave_to, by, output) -> None:
    """Write paired results as CSV (suppressed below the minimum cell size)."""
    from lms.plugins.surveys import exports, services

    cohort, found = _cohort_and_instrument(slug, instrument)
    names = {w.wave for w in services.waves(cohort)}
    for wave in (wave_from, wave_to):
        if wave not in names:
            raise click.ClickException(f"{wave} is not a wave of {cohort.programme}")
    rows = exports.results_rows(cohort, found, wave_from, wave_to, by=by)
    output.write(exports.results_csv(rows, exports.why_hidden(cohort)))
