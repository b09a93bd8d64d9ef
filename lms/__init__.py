"""Involving People LMS."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, ValidationError

# What the package carries inside it (curriculum, migrations, built assets), so a wheel
# installed anywhere finds them; the repository itself is never assumed.
PACKAGE_DIR = Path(__file__).resolve().parent
SHIPPED_CURRICULUM = PACKAGE_DIR / "curriculum"


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings, database, extensions, plugins, views, templates.

    Nothing here touches the database, so the app starts before migrations run."""
    # Default: ./instance in the working directory (as `make demo` in a checkout, or the
    # folder an operator starts gunicorn from); LMS_INSTANCE_PATH names any other.
    instance_path = os.environ.get("LMS_INSTANCE_PATH") or "instance"
    app = Flask(__name__, instance_path=os.path.abspath(instance_path))
    # Ids in URLs beyond what the database can hold are "not found", not a crash.
    app.url_map.converters["int"] = BoundedIntegerConverter
    configure_settings(app, config or {})
    init_extensions(app)

    from lms.plugins import init_plugins

    manager = init_plugins(app)

    from lms.core.permissions import init_permissions

    init_permissions(app, manager)

    from lms.core.web import init_web

    init_web(app)

    from lms.core.notifications import init_notifications

    init_notifications(app)

    from lms.core.curriculum_loader import init_curriculum

    init_curriculum(app)
    trust_proxies(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Behind N proxies, take the client's address, scheme and host from the headers the
    N nearest proxies set (werkzeug's ProxyFix); with none, such headers are ignored, as
    anyone could send them."""
    hops = int(app.config["TRUSTED_PROXIES"])
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


def configure_settings(app: Flask, overrides: dict) -> None:
    from lms.config import from_environment, instance_secret_key

    app.config.update(from_environment())
    app.config.update(overrides)
    instance = Path(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        instance.mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'lms.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = with_driver(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(instance)
    if not app.config.get("CURRICULUM_PATH"):
        app.config["CURRICULUM_PATH"] = str(SHIPPED_CURRICULUM)
    secure = app.config["COOKIE_SECURE"]
    app.config.update(
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_DURATION=timedelta(days=app.config["REMEMBER_DAYS"]),
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        PERMANENT_SESSION_LIFETIME=timedelta(hours=app.config["SESSION_IDLE_HOURS"]),
    )


def init_extensions(app: Flask) -> None:
    from lms.database import init_database
    from lms.extensions import csrf, db, limiter, login_manager
    from lms.migrations_support import init_migrations

    db.init_app(app)
    init_database(app)
    init_migrations(app)  # Flask-Migrate (Alembic) is imported only when migrations run
    from lms.core.files import init_files

    init_files(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see this page."
    login_manager.login_message_category = "info"

    from flask_login import user_logged_in

    from lms.contracts import record_id
    from lms.core.models import User
    from lms.core.rescue import (
        answer_unsaved_post,
        should_rescue,
        sign_forms_for,
        sign_forms_of_returning_user,
    )

    # Forms shown to a signed-in person carry who wrote them (see lms.core.rescue).
    user_logged_in.connect(sign_forms_for, app)
    app.before_request(sign_forms_of_returning_user)

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import flash, redirect, request, url_for

        if should_rescue():
            return answer_unsaved_post()
        flash(login_manager.login_message)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        # The id carries the user's session token: rotating the token (sign-out,
        # password change) voids every session and remember-me cookie issued before.
        raw_id, _, token = user_id.partition(".")
        number = record_id(raw_id)
        user = db.session.get(User, number) if number else None
        if user is None or user.session_token != token or user.deactivated_at is not None:
            return None
        return user


def with_driver(url: str) -> str:
    """`postgresql://` URLs (as hosting platforms give them) use the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class BoundedIntegerConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        from lms.contracts import MAX_RECORD_ID

        kwargs.setdefault("max", MAX_RECORD_ID)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        # A number beyond the range names nothing: answer 404 here rather than letting
        # the address fall through to a route for other methods (a misleading 405).
        try:
            return super().to_python(value)
        except ValidationError:
            raise NotFound() from None
