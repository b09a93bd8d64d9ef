"""A third-party plugin, installed through the `lms.plugins` entry-point group, works
end to end; disabling it removes what it added."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lms.plugins import ENTRY_POINT_GROUP

PLUGIN_SOURCE = textwrap.dedent(
    """
    from flask import Blueprint, render_template_string

    from lms.contracts import Capability, NavItem
    from lms.core.permissions import requires
    from lms.plugins import hookimpl

    bp = Blueprint("example", __name__)


    @bp.route("/example")
    @requires("example.view")
    def page():
        return render_template_string(
            '{% extends "base.html" %}{% block title %}Example{% endblock %}'
            '{% block content %}<h1 class="govuk-heading-l">Hello from the example plugin</h1>'
            '{% endblock %}'
        )


    @hookimpl
    def lms_blueprints():
        return [bp]


    @hookimpl
    def lms_capabilities():
        return [Capability("example.view", "See the example", ("trainee", "tutor", "lead"))]


    @hookimpl
    def lms_nav_items(user):
        return [NavItem("Example plugin", "example.page", order=90)]
    """
)


@pytest.fixture
def installed_plugin(tmp_path, monkeypatch):
    """Install a distribution the way pip would: a module and its .dist-info."""
    (tmp_path / "lms_example_plugin.py").write_text(PLUGIN_SOURCE)
    dist_info = tmp_path / "lms_example_plugin-1.2.3.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: lms-example-plugin\nVersion: 1.2.3\n"
    )
    (dist_info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nexample = lms_example_plugin\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


@pytest.fixture
def app_config(app_config, installed_plugin):
    return app_config


def test_external_plugin_adds_a_page_and_a_navigation_item(
    client, login_as, make_cohort, make_membership
):
    member = make_membership(make_cohort())
    login_as(member.user)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert '<a class="govuk-service-navigation__link" href="/example"' in dashboard
    assert "Example plugin" in dashboard
    page = client.get("/example")
    assert page.status_code == 200
    assert "Hello from the example plugin" in page.get_data(as_text=True)


def test_external_plugin_capability_is_enforced(client, login_as, make_user):
    login_as(make_user())  # in no cohort: holds no capability
    assert client.get("/example").status_code == 403


def test_disabling_the_plugin_removes_its_page_and_navigation(
    make_app, make_cohort, make_membership
):
    client = make_app(DISABLED_PLUGINS=["example"]).test_client()
    member = make_membership(make_cohort())
    client.post("/sign-in", data={"email": member.user.email, "password": "correct horse battery"})
    assert "Example plugin" not in client.get("/dashboard").get_data(as_text=True)
    assert client.get("/example").status_code == 404


def run_lms(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run the installed `lms` console script, as an operator would."""
    lms = Path(sys.executable).with_name("lms")
    return subprocess.run(  # noqa: S603 - our own console script
        [str(lms), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


def test_plugins_list_shows_name_version_state_and_hooks(installed_plugin, tmp_path):
    env = {
        "PYTHONPATH": str(installed_plugin),
        "LMS_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    result = run_lms("plugins", "list", env=env)
    assert result.returncode == 0, result.stderr
    assert "example  1.2.3  enabled" in result.stdout
    assert "hooks: lms_blueprints, lms_capabilities, lms_nav_items" in result.stdout
    result = run_lms("plugins", "list", env={**env, "LMS_DISABLED_PLUGINS": "example"})
    assert "example  1.2.3  disabled (disabled by LMS_DISABLED_PLUGINS)" in result.stdout


def test_console_script_migrates_and_lists_routes(tmp_path):
    env = {"LMS_INSTANCE_PATH": str(tmp_path / "instance")}
    upgrade = run_lms("db", "upgrade", env=env)
    assert upgrade.returncode == 0, upgrade.stderr
    assert (tmp_path / "instance" / "lms.sqlite3").exists()
    routes = run_lms("routes", env=env)
    assert "auth.login" in routes.stdout
    assert "/sign-in" in routes.stdout


def test_safe_mode_loads_core_only(make_app):
    app = make_app(SAFE_MODE=True)
    names = {info.name: info.enabled for info in app.extensions["lms"].catalogue}
    assert names["core"] is True
    assert names["example"] is False
    assert "example.page" not in app.view_functions
