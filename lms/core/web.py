"""Templates, navigation, error pages and response headers."""

from __future__ import annotations

from flask import Flask, abort, current_app, g, render_template, request, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from markupsafe import Markup
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from lms.contracts import NavItem

ERROR_PAGES = {
    400: ("There is a problem with the request", "Check what you entered and try again."),
    401: ("Sign in to see this page", "You need to sign in first."),
    403: (
        "You do not have access to this page",
        "If you think you should, ask your programme lead.",
    ),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("That action is not allowed here", "Go back and try again."),
    410: ("This link has expired", "Ask for a new one."),
    413: (
        "What you sent is too large",
        "Files can be up to {limit_mb} MB. Nothing was saved: go back and send something smaller.",
    ),
    429: ("Too many attempts", "Wait a few minutes, then try again."),
    503: ("The service is busy", "Wait a moment, then try again."),
    500: (
        "Sorry, there is a problem with the service",
        "Try again later. Nothing you saved has been lost.",
    ),
}


def init_web(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("lms", "templates"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)

    @app.context_processor
    def navigation() -> dict:
        return {"nav_items": nav_items_for_current_user(app)}

    register_error_pages(app)
    app.before_request(refuse_nul_characters)
    app.after_request(security_headers)


def refuse_nul_characters():
    """No form field has a use for a NUL character, and PostgreSQL cannot store one in
    text: refuse the post (400) rather than fail when saving it."""
    if request.method in ("POST", "PUT", "PATCH") and any(
        "\x00" in name or any("\x00" in value for value in values)
        for name, values in request.form.lists()
    ):
        abort(400)


def nav_items_for_current_user(app: Flask) -> list[dict]:
    if not current_user.is_authenticated:
        return []
    # Context processors run for every template rendered, and form widgets render one
    # each: work the navigation out once per request, not once per form field.
    cached = g.get("lms_nav_items")
    if cached is not None and cached[0] == current_user.get_id():
        return cached[1]
    g.lms_nav_items = (current_user.get_id(), _nav_items(app))
    return g.lms_nav_items[1]


def _nav_items(app: Flask) -> list[dict]:
    manager = app.extensions["lms"]
    items: list[NavItem] = sorted(
        manager.results("lms_nav_items", user=current_user), key=lambda item: item.order
    )

    result = []
    for item in items:
        href = url_for(item.endpoint, **item.values)
        entry = {"text": item.text, "href": href, "active": request.path == href}
        if item.badge:
            entry["html"] = Markup(
                '{} <span class="lms-count">{}<span class="govuk-visually-hidden"> unread'
                "</span></span>"
            ).format(item.text, item.badge)
        result.append(entry)
    return result


def register_error_pages(app: Flask) -> None:
    def render_error(status: int, message: str | None = None):
        title, advice = ERROR_PAGES[status]
        advice = advice.format(limit_mb=(app.config["MAX_CONTENT_LENGTH"] or 0) // 1024**2)
        return (
            render_template("error.html", title=title, advice=message or advice, status=status),
            status,
        )

    def handler(status: int):
        def handle(error):
            # A view may say why in words (`abort(403, "...")`); werkzeug's own text is
            # replaced by ours.
            said = getattr(error, "description", None)
            default = getattr(type(error), "description", None)
            return render_error(status, said if said and said != default else None)

        return handle

    for status in ERROR_PAGES:
        app.register_error_handler(status, handler(status))

    default_too_large = handler(413)

    @app.errorhandler(413)
    def too_large(error):
        # An upload page shows its own form again, the message by the file field: the
        # view runs (with its access checks) without reading the body, which it is told
        # was too large. Anywhere else, or if that fails, the plain page.
        view = app.view_functions.get(request.endpoint or "")
        if not getattr(view, "answers_too_large", False) or not current_user.is_authenticated:
            return default_too_large(error)
        g.body_too_large = True
        try:
            response = app.make_response(view(**(request.view_args or {})))
        except HTTPException as refused:
            return handler(refused.code)(refused) if refused.code in ERROR_PAGES else refused
        response.status_code = 413
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        from lms.core.rescue import answer_unsaved_post, should_rescue

        if should_rescue():
            return answer_unsaved_post()
        return render_error(
            400,
            "The form had expired or came from another site. Go back, refresh the page and "
            "try again.",
        )

    @app.errorhandler(RateLimitExceeded)
    def too_many(error):
        return render_error(429)

    @app.errorhandler(OperationalError)
    def database_busy(error):
        # SQLite's busy timeout ran out behind another long write: nothing was saved,
        # and saying so (503, try again) is the truth; a 500 would be a lie.
        if "database is locked" not in str(error.orig):
            raise error
        from lms.database import write_intent
        from lms.extensions import db

        db.session.rollback()
        # The page only reads, which WAL allows while the other write goes on.
        reading = write_intent.set(False)
        try:
            page, status = render_error(
                503, "Someone else's change is being saved. Nothing of yours was lost: try again."
            )
        finally:
            db.session.rollback()  # end the read, so the next request begins afresh
            write_intent.reset(reading)
        return page, status, {"Retry-After": "2"}


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)


def security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if not _is_static_asset():
        if _carries_a_session():
            # Pages and downloads for a signed-in person hold personal data: no copy may
            # stay in the browser's cache or a proxy, whatever the view asked for.
            headers["Cache-Control"] = "no-store"
        else:
            headers.setdefault("Cache-Control", "no-store")
    return response


def _is_static_asset() -> bool:
    endpoint = request.endpoint or ""
    return endpoint == "static" or endpoint.endswith(".static")


def _carries_a_session() -> bool:
    config = current_app.config
    return (
        current_user.is_authenticated
        or config["SESSION_COOKIE_NAME"] in request.cookies
        or config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    )
