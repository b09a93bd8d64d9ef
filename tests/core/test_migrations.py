"""The migrations build exactly the schema the models describe."""

from importlib.metadata import entry_points

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lms.extensions import db
from lms.plugins import ENTRY_POINT_GROUP


def load_every_plugins_models() -> None:
    """Disabled plugins' tables are still migrated, so compare their models too."""
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            plugin = entry_point.load()
        except ModuleNotFoundError as missing:
            if missing.name != entry_point.value:
                raise
            continue  # registered in this environment but not in this checkout
        if hasattr(plugin, "lms_models"):
            plugin.lms_models()


def test_migrations_match_the_models(app):
    load_every_plugins_models()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []
