"""The baselines the LMS pages are measured against, served the same way (gunicorn).

- `/bare/hello`: a bare Flask app's page (no extensions, no headers), the least a
  Flask request can cost;
- `/minimal`: a page that renders the LMS's own `base.html` - the same GOV.UK macros,
  navigation for a signed-in person, sign-out form with a CSRF token, flashed messages,
  security headers - with no database and no plugins. The gap between it and an LMS
  page is what that page's own work costs.

Run: `gunicorn -w 2 benchmarks.baseline_app:app`.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, render_template_string
from flask_login import LoginManager, UserMixin
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.dispatcher import DispatcherMiddleware

import lms
from lms.contracts import NavItem
from lms.core.web import init_web

MINIMAL = """{% extends "base.html" %}
{% block title %}Minimal page{% endblock %}
{% block content %}
<h1 class="govuk-heading-l">Minimal page</h1>
<p class="govuk-body">The same base template as every LMS page, and nothing else.</p>
{% endblock %}"""


class Person(UserMixin):
    """A signed-in person known without a database, so the header shows the full menu."""

    id = "1.baseline"
    is_admin = False


class Navigation:
    """Stands in for the plugin manager: the header's links, as a trainee sees them."""

    items = [
        NavItem("Dashboard", "pages.index", 0),
        NavItem("Reflections", "pages.privacy", 20),
        NavItem("Your account", "pages.accessibility", 95),
    ]

    def results(self, hook_name: str, **kwargs) -> list:
        return list(self.items) if hook_name == "lms_nav_items" else []


def create_baseline_app() -> Flask:
    package = Path(lms.__file__).parent
    app = Flask("lms", root_path=str(package), static_folder=str(package / "static"))
    app.config.update(SECRET_KEY="baseline", COOKIE_SECURE=False)  # noqa: S106 - a benchmark
    CSRFProtect(app)
    login = LoginManager(app)
    login.request_loader(lambda request: Person())
    app.extensions["lms"] = Navigation()
    init_web(app)  # the LMS's template loaders, navigation, error pages, security headers

    pages = Blueprint("pages", __name__)
    auth = Blueprint("auth", __name__)

    @pages.route("/")
    def index():
        return "Home"

    @pages.route("/privacy")
    def privacy():
        return "Privacy"

    @pages.route("/accessibility")
    def accessibility():
        return "Accessibility"

    @auth.route("/sign-out", methods=["POST"])
    def logout():
        return "Signed out"

    @pages.route("/minimal")
    def minimal():
        return render_template_string(MINIMAL)

    app.register_blueprint(pages)
    app.register_blueprint(auth)
    return app


def create_bare_app() -> Flask:
    bare = Flask(__name__)

    @bare.route("/hello")
    def hello():
        return "Hello, World!"

    return bare


# One server for both, as the LMS is one server: /bare/... goes to the bare app.
app = DispatcherMiddleware(create_baseline_app(), {"/bare": create_bare_app()})
