"""The machinery every API endpoint goes through: token, scope, rate limit, cohort
permission, request validation, the handler, the response, and problem details.

Feature plugins describe endpoints as plain dicts (hook `lms_api_endpoints`, see
`lms.hookspecs`); `Endpoint` is the checked form of one. The same descriptions make the
Flask routes here and the OpenAPI document in `openapi.py`, so the two cannot drift.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import wraps
from typing import Any

from flask import current_app, g, request
from flask.typing import ResponseReturnValue
from limits import parse as parse_limit
from pydantic import TypeAdapter, ValidationError
from werkzeug.exceptions import HTTPException

from lms.core.models import Cohort, Membership, User
from lms.core.permissions import AccessRule, can
from lms.extensions import db, limiter
from lms.plugins.api import tokens
from lms.plugins.api.models import READ_WRITE, ApiToken

API_PREFIX = "/api/v1"
PROBLEM_JSON = "application/problem+json"
DEFAULT_RATE_LIMIT = "300 per minute"
# Per address, failed token checks only: slows anyone guessing tokens.
FAILED_AUTH_LIMIT = "30 per minute"
MAX_DB_INT = 2**31 - 1
UNION_MEMBER = re.compile(
    r"^(int|str|float|bool|none|[a-z-]+\[.*\]|function-.*|[A-Z][A-Za-z0-9_]*)$"
)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
SCOPES = ("read", "write")
ACCESS_KIND = "api token"  # the AccessRule kind of API views
# Statuses any token-authenticated endpoint can answer, documented on every operation.
COMMON_ERRORS = {
    401: "No token, or an unknown or revoked one.",
    403: "The token's scope, or your role in the cohort, does not allow this.",
    429: "Too many requests with this token: wait for the number of seconds in Retry-After.",
}
# Problem types this API defines (`type` of a problem detail), explained on the docs page.
PROBLEM_TYPES = {
    "validation": "A field is missing, has the wrong type, is out of range or is not known. "
    "`errors` lists each field as a dotted path (such as `answers.aim`) with what is wrong. "
    "Nothing was stored.",
    "malformed-json": "The body could not be read as JSON. Nothing was stored.",
    "stale-version": "Someone (you, in another tab or program) saved a newer version since the "
    "one you started from. `current_version` says which is latest: read it, merge, and save "
    "again based on it. Nothing was stored.",
    "not-open": "The reflection week or survey is not open for answers now.",
    "insufficient-scope": "The token is read-only; changes need a read and write token.",
    "not-allowed": "Your role in the cohort does not allow this.",
    "rate-limited": "Too many requests with this token. Wait for the seconds in Retry-After.",
}
BODY_ERRORS = {
    400: "The body is not valid JSON.",
    415: "The body must be sent as application/json.",
    422: "A field is missing, has the wrong type or is not known; `errors` names each one.",
}


class Problem(Exception):
    """An RFC 9457 problem: raised anywhere in a request, answered as problem+json."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        *,
        type_: str = "about:blank",
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ):
        self.status, self.title, self.detail, self.type = status, title, detail, type_
        self.headers = headers or {}
        self.extensions = extensions
        super().__init__(detail or title)

    def body(self) -> dict:
        body = {"type": self.type, "title": self.title, "status": self.status}
        if self.detail:
            body["detail"] = self.detail
        body["instance"] = request.path
        body.update(self.extensions)
        return body


def problem_type(name: str) -> str:
    """The URI of a problem type this API defines: explained on the docs page."""
    return f"{API_PREFIX}/docs#problem-{name}"


def problem_response(problem: Problem) -> ResponseReturnValue:
    response = current_app.response_class(
        json.dumps(problem.body(), ensure_ascii=False),
        status=problem.status,
        mimetype=PROBLEM_JSON,
    )
    for name, value in problem.headers.items():
        response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response


def http_problem(error: HTTPException) -> Problem:
    """A werkzeug error (abort(404), MethodNotAllowed...) as a problem."""
    headers = {}
    if error.code == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
    detail = {
        404: "There is nothing at this address, or it is not yours to see.",
        405: "This address does not take that method: see the Allow header.",
    }.get(error.code or 500)
    return Problem(error.code or 500, error.name, detail, headers=headers)


def field_errors(errors: list[tuple[str, str]], detail: str | None = None) -> Problem:
    """422 naming each field (dotted path, e.g. ``answers.aim``) and what is wrong."""
    names = ", ".join(dict.fromkeys(name for name, _ in errors))
    return Problem(
        422,
        "The request has invalid fields",
        detail or f"Check these fields: {names}. Nothing was stored.",
        type_=problem_type("validation"),
        errors=[{"field": name, "message": message} for name, message in errors],
    )


# -- endpoint descriptions ------------------------------------------------------------


@dataclass
class Endpoint:
    """One endpoint as a plugin described it (see hook `lms_api_endpoints`)."""

    name: str
    method: str
    path: str
    handler: Callable
    summary: str
    scope: str = "read"
    capability: str | None = None
    description: str = ""
    path_params: dict[str, dict] = field(default_factory=dict)
    query: type | None = None
    body: Any = None
    response: Any = None
    status: int = 200
    errors: dict[int, str] = field(default_factory=dict)
    tag: str = "core"

    @classmethod
    def from_dict(cls, spec: dict, tag: str) -> Endpoint:
        known = set(cls.__dataclass_fields__) - {"tag"}
        unknown = set(spec) - known
        if unknown:
            raise ValueError(f"API endpoint {spec.get('name')!r}: unknown keys {sorted(unknown)}")
        endpoint = cls(**spec, tag=spec.get("tag", tag))
        if endpoint.method not in METHODS or endpoint.scope not in SCOPES:
            raise ValueError(f"API endpoint {endpoint.name!r}: bad method or scope")
        names = re.findall(r"{(\w+)}", endpoint.path)
        if "slug" in names and not endpoint.capability:
            raise ValueError(f"API endpoint {endpoint.name!r}: a cohort path needs a capability")
        for name in names:
            if name != "slug" and name not in endpoint.path_params:
                raise ValueError(f"API endpoint {endpoint.name!r}: describe path parameter {name}")
        return endpoint

    @property
    def flask_rule(self) -> str:
        def converter(match: re.Match) -> str:
            name = match.group(1)
            kind = self.path_params.get(name, {}).get("type")
            return f"<int:{name}>" if kind == "integer" else f"<{name}>"

        return re.sub(r"{(\w+)}", converter, self.path)

    @property
    def endpoint_name(self) -> str:
        return self.name.replace(".", "_")

    def documented_errors(self) -> dict[int, str]:
        errors = dict(COMMON_ERRORS)
        if "{" in self.path:
            errors[404] = "Nothing at this address is yours to see."
        if self.body is not None:
            errors.update(BODY_ERRORS)
        if self.query is not None:
            errors[422] = BODY_ERRORS[422]
        errors.update(self.errors)
        return dict(sorted(errors.items()))


@dataclass
class ApiCall:
    """What a handler gets: who is calling, the cohort, and the validated input."""

    user: User
    token: ApiToken
    params: dict[str, Any]
    cohort: Cohort | None = None
    membership: Membership | None = None
    query: Any = None
    body: Any = None

    def problem(self, status: int, title: str, detail: str | None = None, **extensions):
        """Stop with a problem (e.g. 409 with ``current_version=3``)."""
        kind = extensions.pop("type", None)
        raise Problem(
            status, title, detail, type_=problem_type(kind) if kind else "about:blank", **extensions
        )

    def not_found(self, detail: str | None = None):
        raise Problem(404, "Not Found", detail or "There is nothing here that is yours to see.")

    def invalid(self, errors: dict[str, str] | list[tuple[str, str]], detail: str | None = None):
        """Stop with a 422 naming each field: ``{"answers.aim": "Too long"}``."""
        items = list(errors.items()) if isinstance(errors, dict) else list(errors)
        raise field_errors(items, detail)


# -- authentication and rate limits ---------------------------------------------------


def _rate_limited(limit: str, *identifiers: str) -> None:
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    item = parse_limit(limit)
    strategy = limiter.limiter
    if not strategy.hit(item, "api", *identifiers):
        reset = strategy.get_window_stats(item, "api", *identifiers).reset_time
        wait = max(1, int(reset - time.time()) + 1)
        raise Problem(
            429,
            "Too Many Requests",
            f"This token has made more than {limit}. Try again in {wait} seconds.",
            type_=problem_type("rate-limited"),
            headers={"Retry-After": str(wait)},
        )


def _bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def authenticate(scope: str) -> ApiToken:
    """The token of this request, rate-limited and holding `scope`; else a problem.

    Cookies are never looked at: a browser session cannot call the API, which is also
    why the API needs no CSRF token."""
    secret = _bearer_secret()
    token = tokens.token_for(secret) if secret else None
    if token is None:
        _rate_limited(FAILED_AUTH_LIMIT, "failed", request.remote_addr or "unknown")
        if secret is None:
            raise Problem(
                401,
                "Unauthorized",
                "Send a personal access token: Authorization: Bearer <token>. Make one on "
                "your account's API tokens page.",
                headers={"WWW-Authenticate": 'Bearer realm="api"'},
            )
        raise Problem(
            401,
            "Unauthorized",
            "The token is not known or has been revoked.",
            headers={"WWW-Authenticate": 'Bearer realm="api", error="invalid_token"'},
        )
    if token in db.session.dirty:
        # Its last use is kept even if the call then fails (and rolls back).
        db.session.commit()
    limit = current_app.config.get("API_RATE_LIMIT") or DEFAULT_RATE_LIMIT
    _rate_limited(limit, "token", token.token_hash)
    if scope == "write" and token.scope != READ_WRITE:
        raise Problem(
            403,
            "Forbidden",
            "This token is read-only. Make a read and write token to change anything.",
            type_=problem_type("insufficient-scope"),
            headers={"WWW-Authenticate": 'Bearer realm="api", error="insufficient_scope"'},
        )
    return token


def api_token_required(scope: str) -> Callable[[Callable], Callable]:
    """Access rule for API views: a live personal access token holding `scope`.

    The view gets the token as its first argument. Marks the view like the decorators
    of `lms.core.permissions`, so the every-route check knows who may use it."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            g.api_token = authenticate(scope)
            return view(g.api_token, *args, **kwargs)

        wrapper.access_rule = AccessRule(ACCESS_KIND, scope)  # type: ignore[attr-defined]
        return wrapper

    return decorate


# -- input --------------------------------------------------------------------------


def _pydantic_errors(error: ValidationError, fallback: str) -> list[tuple[str, str]]:
    """Each error as (dotted field path, message); `fallback` names the whole input."""
    found: dict[str, list[str]] = {}
    for item in error.errors(include_url=False):
        # A union reports each member it tried ("answers.x.int", "answers.x.str"): the
        # field is what was sent, so leave out the member names.
        parts = [str(part) for part in item["loc"] if not UNION_MEMBER.match(str(part))]
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "This field is not known"
        messages = found.setdefault(".".join(parts) or fallback, [])
        if message not in messages:
            messages.append(message)
    return [(name, "; or ".join(messages)) for name, messages in found.items()]


def _bad_strings(value: Any, path: str) -> list[tuple[str, str]]:
    """Strings no database should store: NUL characters and lone surrogates."""
    found: list[tuple[str, str]] = []
    if isinstance(value, str):
        if "\x00" in value:
            found.append((path, "Must not contain NUL characters"))
        else:
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                found.append((path, "Must be valid Unicode text"))
    elif isinstance(value, dict):
        for key, item in value.items():
            found += _bad_strings(key, path or "body")
            found += _bad_strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _bad_strings(item, f"{path}.{index}" if path else str(index))
    return found


# No body of ours nests more than a few levels; the checks below and the validation
# recurse, so a deeper body is refused first (a RecursionError would be a 500).
MAX_JSON_DEPTH = 32


def _too_deep(value: Any) -> bool:
    """Whether arrays and objects nest deeper than MAX_JSON_DEPTH (walked without
    recursion)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                return True
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return False


def read_body(model: Any) -> Any:
    if not request.is_json:
        raise Problem(
            415,
            "Unsupported Media Type",
            "Send the body as JSON with Content-Type: application/json.",
        )
    raw = request.get_data(cache=True)
    too_deep = Problem(
        400,
        "Bad Request",
        f"The body nests more than {MAX_JSON_DEPTH} levels deep. Nothing was stored.",
        type_=problem_type("malformed-json"),
    )
    try:
        parsed = json.loads(raw)
    except RecursionError:
        raise too_deep from None
    except ValueError as error:
        raise Problem(
            400,
            "Bad Request",
            f"The body is not valid JSON: {error}. Nothing was stored.",
            type_=problem_type("malformed-json"),
        ) from None
    if _too_deep(parsed):
        raise too_deep
    bad = _bad_strings(parsed, "")
    if bad:
        raise field_errors(bad)
    try:
        return TypeAdapter(model).validate_json(raw, strict=True)
    except ValidationError as error:
        raise field_errors(_pydantic_errors(error, "body")) from None


def read_query(model: type) -> Any:
    values: dict[str, Any] = {}
    for name in request.args:
        items = request.args.getlist(name)
        values[name] = items if len(items) > 1 else items[0]
    bad = _bad_strings(values, "")
    if bad:
        raise field_errors(bad)
    try:
        # Query strings are text: lax mode turns "3" into 3 where the model says int.
        return model.model_validate(values)
    except ValidationError as error:
        raise field_errors(_pydantic_errors(error, "query")) from None


def _path_params(endpoint: Endpoint, values: dict[str, Any]) -> dict[str, Any]:
    """Path values a route matched but the description rules out are a 404."""
    for name, value in values.items():
        schema = endpoint.path_params.get(name, {})
        if isinstance(value, int) and not (
            schema.get("minimum", 0) <= value <= schema.get("maximum", MAX_DB_INT)
        ):
            raise Problem(404, "Not Found", f"There is no {name} {value}.")
        if isinstance(value, str):
            if name == "slug" and not SLUG.match(value):
                raise Problem(404, "Not Found", "There is no cohort at this address.")
            if "enum" in schema and value not in schema["enum"]:
                raise Problem(404, "Not Found", f"There is no {name} {value!r}.")
    return values


def _cohort_and_membership(user: User, slug: str, capability: str):
    """As `lms.core.permissions.requires`: unknown cohort 404, not allowed 403."""
    from sqlalchemy import select

    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == slug))
    if cohort is None:
        raise Problem(404, "Not Found", "There is no cohort at this address.")
    membership = db.session.scalar(
        select(Membership).where(
            Membership.cohort_id == cohort.id,
            Membership.user_id == user.id,
            Membership.withdrawn_at.is_(None),
        )
    )
    if not can(user, capability, membership):
        raise Problem(
            403,
            "Forbidden",
            "Your role in this cohort does not allow this.",
            type_=problem_type("not-allowed"),
        )
    return cohort, membership


def _json_value(value: Any) -> Any:
    """Dates as ISO 8601; times as RFC 3339, in UTC (the database keeps naive UTC)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def make_view(endpoint: Endpoint) -> Callable:
    """The Flask view for an endpoint: every check, then the handler, then the answer."""
    response_adapter = TypeAdapter(endpoint.response) if endpoint.response is not None else None

    def view(token: ApiToken, **values):
        params = _path_params(endpoint, values)
        call = ApiCall(user=token.user, token=token, params=params)
        if endpoint.capability:
            slug = params.get("slug")
            if slug is None:
                from lms.core.permissions import has_capability_anywhere

                if not has_capability_anywhere(call.user, endpoint.capability):
                    raise Problem(403, "Forbidden", "Your roles do not allow this.")
            else:
                call.cohort, call.membership = _cohort_and_membership(
                    call.user, slug, endpoint.capability
                )
        if endpoint.query is not None:
            call.query = read_query(endpoint.query)
        if endpoint.body is not None:
            call.body = read_body(endpoint.body)
        result = endpoint.handler(call)
        db.session.commit()  # the token's last use, and the handler's changes
        if response_adapter is None:
            return current_app.response_class(status=endpoint.status)
        data = response_adapter.dump_python(
            response_adapter.validate_python(result, from_attributes=True)
        )
        response = current_app.response_class(
            json.dumps(data, ensure_ascii=False, default=_json_value, allow_nan=False),
            status=endpoint.status,
            mimetype="application/json",
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    view.__name__ = endpoint.endpoint_name
    view.__qualname__ = endpoint.endpoint_name
    view.__doc__ = endpoint.summary
    return api_token_required(endpoint.scope)(view)
