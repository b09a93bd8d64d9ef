"""Operations: `lms backup`, `lms restore`, `lms retention purge`."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.extensions import db


def _sqlite_path() -> Path:
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database:
        raise click.ClickException(
            "backup and restore work on the SQLite database; for PostgreSQL use pg_dump/pg_restore"
        )
    return Path(url.database)


def _check(path: Path) -> str | None:
    """Why a database file cannot be restored, or None when it is sound."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        return f"cannot open it: {error}"
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            return f"integrity check failed: {result}"
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if not {"users", "cohorts", "alembic_version"} <= tables:
            return "it is not an Involving People database"
    except sqlite3.DatabaseError as error:
        return f"it is not a SQLite database: {error}"
    finally:
        connection.close()
    return None


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
@with_appcontext
def backup(target: str) -> None:
    """Copy the live SQLite database consistently (SQLite's online backup API)."""
    source_path = _sqlite_path()
    target_path = Path(target)
    if target_path.exists():
        raise click.ClickException(f"{target} already exists; choose a new file name")
    source = sqlite3.connect(source_path)
    destination = sqlite3.connect(target_path)
    try:
        with click.progressbar(
            length=100, label="Backing up", file=click.get_text_stream("stderr")
        ) as bar:

            def progress(status, remaining, total):
                bar.update(int(100 * (total - remaining) / max(total, 1)) - bar.pos)

            # Pages are copied in steps, so writers are only paused briefly.
            source.backup(destination, pages=256, progress=progress)
    finally:
        destination.close()
        source.close()
    problem = _check(target_path)
    if problem:
        raise click.ClickException(f"the backup is not sound: {problem}")
    click.echo(f"Backed up {source_path} to {target_path}.")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore(source: str, yes: bool) -> None:
    """Check a backup, then replace the database with it (stop the app first)."""
    problem = _check(Path(source))
    if problem:
        raise click.ClickException(f"{source} cannot be restored: {problem}")
    target = _sqlite_path()
    if not yes:
        click.confirm(f"Replace {target} with {source}? Stop the app first.", abort=True)
    db.engine.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    staging = target.with_suffix(".restoring")
    shutil.copyfile(source, staging)
    staging.replace(target)  # atomic on one file system
    click.echo(f"Restored {target} from {source}.")


@click.group("retention", help="Erase personal data of cohorts archived long ago.")
def retention_group() -> None:
    pass


@retention_group.command("purge")
@click.option(
    "--days", default=None, type=int, help="Keep archived cohorts this long (default: config)."
)
@click.option("--apply", "apply_", is_flag=True, help="Really erase. Without it, a dry run.")
@with_appcontext
def retention_purge(days: int | None, apply_: bool) -> None:
    from lms.core import audit
    from lms.core.models import utcnow
    from lms.core.privacy import erase_user, purge_plan, purgeable_cohorts

    days = days if days is not None else current_app.config["RETENTION_DAYS"]
    cohorts = purgeable_cohorts(utcnow(), days)
    if not cohorts:
        click.echo(f"No cohorts were archived more than {days} days ago.")
        return
    for cohort in cohorts:
        people = purge_plan(cohort)
        verb = "Erasing" if apply_ else "Would erase"
        click.echo(f"{cohort.slug}: {verb} the personal data of {len(people)} people.")
        if apply_:
            for person in people:
                erase_user(person, None)
            audit.record("cohort.purged", None, cohort=cohort, people=len(people))
    if apply_:
        db.session.commit()
    else:
        click.echo("Dry run: nothing changed. Run again with --apply to erase.")


def maintenance_commands() -> list:
    return [backup, restore, retention_group]
