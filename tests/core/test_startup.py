"""Start-up stays light: creating the app imports no library that only some pages or
commands need (each would slow every worker, test run and `lms` command), and those
features still find their libraries when used."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
import yaml

from lms import PACKAGE_DIR, SHIPPED_CURRICULUM, create_app
from lms.core import curriculum_loader
from lms.core.curriculum_loader import check_curriculum, load_programme

# Each is imported where it is used: migrations, calendar feed, OpenAPI document,
# analysis and charts, spreadsheet and Word exports, Markdown, roster e-mail checks.
HEAVY = (
    "alembic",
    "flask_migrate",
    "icalendar",
    "apispec",
    "scipy",
    "numpy",
    "matplotlib",
    "openpyxl",
    "docx",
    "markdown_it",
    "email_validator",
)

PROBE = """
import json, sys
from lms import create_app
create_app()
print(json.dumps({"heavy": sorted(m for m in %r if m in sys.modules),
                  "flask_sqlalchemy": "flask_sqlalchemy" in sys.modules}))
"""


def test_creating_the_app_imports_no_heavy_library(tmp_path):
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", PROBE % (HEAVY,)],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **os.environ,
            "PYTHONPATH": str(PACKAGE_DIR.parent),
            "LMS_INSTANCE_PATH": str(tmp_path / "instance"),
        },
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.splitlines()[-1])
    assert loaded["flask_sqlalchemy"] is True  # the probe sees what start-up imported
    assert loaded["heavy"] == []


def test_the_db_commands_still_work_and_bind_flask_migrate_on_use(tmp_path):
    database = tmp_path / "lms.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "x"})
    assert "migrate" not in app.extensions
    result = app.test_cli_runner().invoke(args=["db", "--help"])
    assert result.exit_code == 0, result.output
    assert "upgrade" in result.output and "downgrade" in result.output
    result = app.test_cli_runner().invoke(args=["db", "upgrade", "heads"])
    assert result.exit_code == 0, result.output
    assert app.extensions["migrate"].directory == str(PACKAGE_DIR / "migrations")
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("select name from sqlite_master")}
        (revision,) = connection.execute("select version_num from alembic_version").fetchone()
    assert {"users", "cohorts", "memberships"} <= tables
    # The last revision of the history, i.e. no revision names it as its parent.
    scripts = [path.read_text() for path in (PACKAGE_DIR / "migrations" / "versions").glob("*.py")]
    assert any(f"revision = '{revision}'" in text for text in scripts)
    assert not any(f"down_revision = '{revision}'" in text for text in scripts)


def test_libyaml_and_pure_python_yaml_read_the_curriculum_alike(monkeypatch):
    shipped = SHIPPED_CURRICULUM / "involving-people"
    fast = load_programme(shipped)
    monkeypatch.setattr(curriculum_loader, "_FAST_LOADER", yaml.SafeLoader)
    assert load_programme(shipped) == fast


@pytest.mark.parametrize("broken", ["title: [unclosed", "title: a: b", "\ttitle: tab"])
def test_invalid_yaml_reads_as_pure_python_yaml_reports_it(tmp_path, monkeypatch, broken):
    copy = tmp_path / "involving-people"
    shutil.copytree(SHIPPED_CURRICULUM / "involving-people", copy)
    path = next((copy / "weeks").glob("07-*.md"))
    lines = path.read_text().splitlines()
    lines[2] = broken
    path.write_text("\n".join(lines))
    found = [str(error) for error in check_curriculum(copy)]
    assert any("invalid YAML" in message for message in found)
    monkeypatch.setattr(curriculum_loader, "_FAST_LOADER", yaml.SafeLoader)
    assert [str(error) for error in check_curriculum(copy)] == found
