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


def test_programme_codebooks_become_each_cohorts_own(make_app, app_config, tmp_path):
    """0013: every programme theme is copied to each cohort of the programme, codings
    follow their cohort's copy; a downgrade folds the copies back into one codebook."""
    import pytest
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from lms.migrations_support import bind_migrate

    if not app_config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("builds its own SQLite file at an old revision")
    old = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with old.app_context():
        bind_migrate(old)
        upgrade(revision="0011_experts")
        now = "2026-01-01 00:00:00"
        with db.engine.begin() as sql:
            for number, programme in ((1, "involving-people"), (2, "involving-people"), (3, "x")):
                sql.execute(
                    text(
                        "INSERT INTO cohorts (id, slug, name, programme, start_date, "
                        "session_weekday, reflections_shared_by_default, created_at) VALUES "
                        "(:id, :slug, :slug, :programme, '2025-09-01', 0, 1, :now)"
                    ),
                    {"id": number, "slug": f"c{number}", "programme": programme, "now": now},
                )
            for number, parent, name in ((1, None, "Silo working"), (2, 1, "Budgets")):
                sql.execute(
                    text(
                        "INSERT INTO evaluation_themes (id, programme, parent_id, name, "
                        "definition, example, created_at) VALUES "
                        "(:id, 'involving-people', :parent, :name, 'd', 'e', :now)"
                    ),
                    {"id": number, "parent": parent, "name": name, "now": now},
                )
            for coding, cohort in ((1, 1), (2, 2)):
                sql.execute(
                    text(
                        'INSERT INTO evaluation_codings (id, cohort_id, source, start, "end", '
                        "digest, created_at) VALUES (:id, :cohort, 'reflections:1:a', 0, 4, "
                        "'x', :now)"
                    ),
                    {"id": coding, "cohort": cohort, "now": now},
                )
                sql.execute(
                    text("INSERT INTO evaluation_coding_themes VALUES (:coding, 2)"),
                    {"coding": coding},
                )

        upgrade(revision="heads")
        with db.engine.connect() as sql:
            themes = sql.execute(
                text(
                    "SELECT t.cohort_id, t.name, p.name FROM evaluation_themes t "
                    "LEFT JOIN evaluation_themes p ON p.id = t.parent_id ORDER BY 1, 2"
                )
            ).all()
            assert themes == [
                (1, "Budgets", "Silo working"),
                (1, "Silo working", None),
                (2, "Budgets", "Silo working"),
                (2, "Silo working", None),
            ]  # the other programme's cohort gets none
            links = sql.execute(
                text(
                    "SELECT c.cohort_id, t.cohort_id, t.name FROM evaluation_coding_themes l "
                    "JOIN evaluation_codings c ON c.id = l.coding_id "
                    "JOIN evaluation_themes t ON t.id = l.theme_id ORDER BY 1"
                )
            ).all()
            assert links == [(1, 1, "Budgets"), (2, 2, "Budgets")]

        downgrade(revision="0011_experts")
        with db.engine.connect() as sql:
            assert sql.execute(
                text("SELECT programme, name FROM evaluation_themes ORDER BY name")
            ).all() == [("involving-people", "Budgets"), ("involving-people", "Silo working")]
            assert sql.execute(
                text(
                    "SELECT l.coding_id, t.name FROM evaluation_coding_themes l "
                    "JOIN evaluation_themes t ON t.id = l.theme_id ORDER BY 1"
                )
            ).all() == [(1, "Budgets"), (2, "Budgets")]
