"""The API blueprint (/api/v1: endpoints, OpenAPI document, docs page) and the account
page where members make and revoke their tokens.

The endpoints come from every enabled plugin's `lms_api_endpoints` and are added when
the blueprint is registered on an app, so a disabled plugin's endpoints are simply
absent. Everything under /api/v1 answers errors as problem details, including unknown
addresses (404), wrong methods (405) and crashes (500)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from lms.core.curriculum import render_markdown
from lms.core.permissions import public, signed_in
from lms.extensions import csrf, db
from lms.plugins.api import tokens
from lms.plugins.api.forms import CreateTokenForm, RevokeTokenForm
from lms.plugins.api.framework import (
    API_PREFIX,
    PROBLEM_TYPES,
    Endpoint,
    Problem,
    http_problem,
    make_view,
    problem_response,
)
from lms.plugins.api.models import READ_WRITE
from lms.plugins.api.openapi import openapi_document

bp = Blueprint("api", __name__, template_folder="templates", url_prefix=API_PREFIX)
# Only a bearer token authenticates here, never the session cookie, so there is no
# ambient credential for a forged cross-site request to ride on: no CSRF token needed.
csrf.exempt(bp)

account_bp = Blueprint("api_tokens", __name__, template_folder="templates")


def collect_endpoints(manager) -> list[Endpoint]:
    """Every enabled plugin's endpoints, checked: unique names and method + path."""
    endpoints: list[Endpoint] = []
    for impl in manager.hook.lms_api_endpoints.get_hookimpls():
        for spec in impl.function() or []:
            # The api plugin's own endpoints are over core models: tag them so.
            tag = "core" if impl.plugin_name == "api" else impl.plugin_name
            endpoints.append(Endpoint.from_dict(spec, tag=tag))
    names = [e.name for e in endpoints]
    routes = [(e.method, e.path) for e in endpoints]
    if len(set(names)) != len(names) or len(set(routes)) != len(routes):
        raise RuntimeError("two API endpoints have the same name, or method and path")
    return sorted(endpoints, key=lambda e: (e.path, e.method))


def add_endpoints(state) -> None:
    endpoints = collect_endpoints(state.app.extensions["lms"])
    state.app.extensions["lms_api_endpoints"] = endpoints
    for endpoint in endpoints:
        state.add_url_rule(
            endpoint.flask_rule,
            endpoint.endpoint_name,
            make_view(endpoint),
            methods=[endpoint.method],
        )


bp.record(add_endpoints)


@bp.route("/openapi.json")
@public
def openapi():
    response = jsonify(openapi_document())
    response.headers["Access-Control-Allow-Origin"] = "*"  # public, no credentials
    return response


@bp.route("/docs")
@public
def docs():
    document = openapi_document()
    return render_template(
        "api/docs.html",
        document=document,
        operations=_operations(document),
        prefix=API_PREFIX,
        problem_types=PROBLEM_TYPES,
        markdown=render_markdown,
    )


def _operations(document: dict) -> list[dict]:
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if operation.get("tags") == ["documentation"]:
                continue
            found.append({"path": path, "method": method.upper(), **operation})
    return found


# -- problem details for everything under /api/v1 ----------------------------------------


@bp.before_app_request
def unmatched_api_address():
    """Unknown addresses and wrong methods under /api/v1 never reach a blueprint's error
    handlers (no view matched), so they are answered here, before the HTML error pages."""
    error = request.routing_exception
    if error is not None and _is_api_path() and isinstance(error, HTTPException):
        return problem_response(http_problem(error))
    return None


def _is_api_path() -> bool:
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


@bp.errorhandler(Problem)
def problem(error: Problem):
    db.session.rollback()
    return problem_response(error)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    db.session.rollback()
    return problem_response(http_problem(error))


@bp.errorhandler(Exception)
def crash(error: Exception):
    db.session.rollback()
    current_app.logger.exception("API request failed: %s %s", request.method, request.path)
    return problem_response(
        Problem(500, "Internal Server Error", "Something went wrong: nothing was stored.")
    )


# -- the account page: making and revoking tokens -------------------------------------


def _page(form=None, status: int = 200):
    return render_template(
        "api/tokens.html",
        tokens=tokens.tokens_of(current_user),
        form=form or CreateTokenForm(formdata=None),
        revoke_form=RevokeTokenForm(formdata=None),
        read_write=READ_WRITE,
    ), status


@account_bp.route("/account/api-tokens")
@signed_in
def index():
    return _page()


@account_bp.route("/account/api-tokens", methods=["POST"])
@signed_in
def create():
    form = CreateTokenForm()
    if not form.validate():
        return _page(form, 400)
    try:
        token, secret = tokens.create_token(current_user, form.name.data, form.scope.data)
    except tokens.TokenProblems as problems:
        db.session.rollback()
        for name, message in problems.problems:
            form[name].errors = [*list(form[name].errors or []), message]
        return _page(form, 400)
    db.session.commit()
    response = make_response(
        render_template("api/token_created.html", token=token, secret=secret, prefix=API_PREFIX)
    )
    # The page shows the secret once: keep it out of every cache and the history store.
    response.headers["Cache-Control"] = "no-store"
    return response


@account_bp.route("/account/api-tokens/<int:token_id>/revoke", methods=["POST"])
@signed_in
def revoke(token_id: int):
    form = RevokeTokenForm()
    if not form.validate():
        return _page(status=400)
    token = tokens.revoke_token(current_user, token_id)
    if token is None:
        abort(404)
    db.session.commit()
    flash(f"The token ‘{token.name}’ is revoked. Anything using it can no longer call the API.")
    return redirect(url_for(".index"))
