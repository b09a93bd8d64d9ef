"""Core CLI commands: plugins, curriculum, demo."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("plugins", help="Inspect plugins.")
def plugins_group() -> None:
    pass


@plugins_group.command("list", help="Each plugin's name, version, state and hooks.")
@with_appcontext
def plugins_list() -> None:
    manager = current_app.extensions["lms"]
    for info in manager.catalogue:
        state = "enabled" if info.enabled else f"disabled ({info.reason})"
        click.echo(f"{info.name}  {info.version}  {state}")
        if info.hooks:
            click.echo(f"    hooks: {', '.join(info.hooks)}")


@click.group("curriculum", help="Check programme content.")
def curriculum_group() -> None:
    pass


@curriculum_group.command("check", help="Validate a programme folder (or every programme).")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False))
def curriculum_check(path: str | None) -> None:
    # Runs without an app so a broken curriculum can still be checked.
    from lms import SHIPPED_CURRICULUM
    from lms.config import from_environment
    from lms.core.curriculum_loader import check_curriculum

    if path is None:
        root = Path(from_environment()["CURRICULUM_PATH"] or SHIPPED_CURRICULUM)
        folders = sorted(p for p in root.iterdir() if (p / "programme.yaml").is_file())
    else:
        folders = [Path(path)]
    failed = False
    for folder in folders:
        errors = check_curriculum(folder)
        if errors:
            failed = True
            click.echo(f"{folder}: {len(errors)} error(s)", err=True)
            for error in errors:
                click.echo(f"  {error}", err=True)
        else:
            click.echo(f"{folder}: OK")
    if failed:
        raise SystemExit(1)


@click.group("bench", help="Benchmark tooling (needs the repository's benchmarks/ folder).")
def bench_group() -> None:
    pass


@bench_group.command("seed", help="Fill the database with a national-scale dataset.")
@click.option("--members", default=10_000, show_default=True, help="Trainees in all.")
@click.option("--cohorts", default=50, show_default=True)
@with_appcontext
def bench_seed(members: int, cohorts: int) -> None:
    # Benchmarks are tooling beside the package (in a clone, not an installed wheel):
    # import them only here, from the project folder the package runs from.
    import sys

    checkout = Path.cwd()
    if (checkout / "benchmarks").is_dir() and str(checkout) not in sys.path:
        sys.path.append(str(checkout))
    try:
        from benchmarks.seed import seed
    except ModuleNotFoundError as missing:
        if missing.name != "benchmarks":
            raise
        raise click.ClickException(
            "benchmarks/ was not found: run `lms bench seed` from the repository's root folder."
        ) from None
    from lms.core.clock import today

    cohorts = max(1, min(cohorts, members))
    with click.progressbar(length=members, label="Seeding trainees") as bar:
        seeded = seed(members, cohorts, today=today(), progress=bar.update)
    for table, number in sorted(seeded.counts.items()):
        click.echo(f"{table:28} {number:>9,}")


def core_commands() -> list:
    from lms.core.cohort_cli import cohort_commands
    from lms.core.demo import demo_command
    from lms.core.notification_jobs import notifications_group

    return [plugins_group, demo_command, bench_group, notifications_group, *cohort_commands()]
