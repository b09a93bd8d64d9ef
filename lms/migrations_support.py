"""Flask-Migrate (Alembic) for the app, imported only when migrations are used.

Importing Flask-Migrate imports Alembic, about a tenth of a second at every start of
every process (web workers, tests, each `lms` command). Only `lms db ...` and
`upgrade_database` need it, so `create_app` registers a stand-in `db` command group and
binds Flask-Migrate to the app when one of them runs.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

MIGRATIONS = Path(__file__).resolve().parent / "migrations"  # inside the package


def init_migrations(app: Flask) -> None:
    """Register `lms db` (Flask-Migrate's commands) without importing Flask-Migrate."""
    app.cli.add_command(_MigrationsGroup(app))


def bind_migrate(app: Flask) -> None:
    """Flask-Migrate's settings at ``app.extensions["migrate"]`` (migrations/env.py reads
    them); binding also replaces the stand-in `db` group by Flask-Migrate's own."""
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    from lms.extensions import db

    Migrate(app, db, directory=str(MIGRATIONS), render_as_batch=True, compare_type=True)


def upgrade_database() -> None:
    """Bring the schema to the latest revision; Alembic is the only way it changes."""
    from flask_migrate import upgrade

    bind_migrate(current_app._get_current_object())
    # "heads": a third-party plugin may bring its own branch of migrations.
    upgrade(revision="heads")


class _MigrationsGroup(click.Group):
    """Stands in for Flask-Migrate's `db` group: same name and help in `lms --help`; any
    use of it (a subcommand, `lms db --help`) parses and runs with the real group."""

    def __init__(self, app: Flask) -> None:
        super().__init__("db", help="Perform database migrations.")
        self._app = app

    def _real(self) -> click.Group:
        bind_migrate(self._app)
        from flask_migrate.cli import db

        return db

    def make_context(self, info_name, args, parent=None, **extra):
        return self._real().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx):
        return self._real().list_commands(ctx)

    def get_command(self, ctx, name):
        return self._real().get_command(ctx, name)
