"""Applying the Alembic migrations from code (demo, tests)."""

from flask_migrate import upgrade


def upgrade_database() -> None:
    """Bring the schema to the latest revision; Alembic is the only way it changes."""
    # "heads": a third-party plugin may bring its own branch of migrations.
    upgrade(revision="heads")
