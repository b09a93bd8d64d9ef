"""The OpenAPI 3.1 document, built with apispec from the endpoint descriptions.

Request and response schemas are the JSON Schemas of the pydantic models that validate
and shape the data (OpenAPI 3.1 uses JSON Schema 2020-12, as pydantic writes it), so
the document says exactly what the code accepts and answers."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from flask import current_app
from pydantic import BaseModel, TypeAdapter

from lms.plugins.api.framework import API_PREFIX, PROBLEM_JSON, Endpoint

if TYPE_CHECKING:
    from apispec import APISpec

REF = "#/components/schemas/{model}"
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An RFC 9457 problem detail.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "description": "A URI reference naming the problem type."},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string", "description": "The path that was called."},
        "errors": {
            "type": "array",
            "description": "For 422: each invalid field, as a dotted path, and what is wrong.",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
    "additionalProperties": True,
}
ERROR_HEADERS = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer challenge."}},
    429: {
        "Retry-After": {
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
            "description": "Seconds to wait before calling again.",
        }
    },
}
DESCRIPTION = """The Involving People LMS JSON API: your cohorts, reflections, change
initiative and surveys, and for programme leads the roster and survey results.

Authenticate with a personal access token from your account's API tokens page:
`Authorization: Bearer ipl_...`. Read tokens can call every GET; changes need a read and
write token. The same rules apply as on the web pages: you see what you could see there.
Errors are problem details (RFC 9457, `application/problem+json`)."""


class _Schemas:
    """Registers JSON Schemas of pydantic types as named components."""

    def __init__(self, spec: APISpec):
        self.spec = spec
        self.seen: dict[str, dict] = {}

    def add(self, name: str, schema: dict) -> None:
        if name in self.seen:
            if self.seen[name] != schema:
                raise ValueError(f"two different schemas are called {name}")
            return
        self.seen[name] = schema
        self.spec.components.schema(name, schema)

    def of(self, annotation: Any, mode: str) -> dict:
        """A schema (or a $ref to a component) for a pydantic model or type."""
        schema = TypeAdapter(annotation).json_schema(ref_template=REF, mode=mode)
        for name, definition in schema.pop("$defs", {}).items():
            self.add(name, definition)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            self.add(annotation.__name__, schema)
            return {"$ref": REF.format(model=annotation.__name__)}
        return schema


def _parameters(endpoint: Endpoint) -> list[dict]:
    parameters = []
    for name in _path_names(endpoint.path):
        schema = endpoint.path_params.get(name) or {
            "type": "string",
            "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$",
            "maxLength": 60,
            "description": "The cohort's short name, as in its web address.",
        }
        schema = dict(schema)
        description = schema.pop("description", "")
        parameters.append(
            {
                "name": name,
                "in": "path",
                "required": True,
                "description": description,
                "schema": schema,
            }
        )
    if endpoint.query is not None:
        query = endpoint.query.model_json_schema(ref_template=REF)
        required = set(query.get("required", []))
        for name, schema in query.get("properties", {}).items():
            schema = dict(schema)
            description = schema.pop("description", "")
            schema.pop("title", None)
            parameters.append(
                {
                    "name": name,
                    "in": "query",
                    "required": name in required,
                    "description": description,
                    "schema": schema,
                }
            )
    return parameters


def _path_names(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)


def _operation(endpoint: Endpoint, schemas: _Schemas) -> dict:
    success: dict[str, Any] = {"description": "Success."}
    if endpoint.response is not None:
        success["content"] = {
            "application/json": {"schema": schemas.of(endpoint.response, "serialization")}
        }
    responses: dict[str, Any] = {str(endpoint.status): success}
    for status, text in endpoint.documented_errors().items():
        response: dict[str, Any] = {
            "description": text,
            "content": {PROBLEM_JSON: {"schema": {"$ref": REF.format(model="Problem")}}},
        }
        if status in ERROR_HEADERS:
            response["headers"] = ERROR_HEADERS[status]
        responses[str(status)] = response
    operation: dict[str, Any] = {
        "operationId": endpoint.name,
        "summary": endpoint.summary,
        "description": _description(endpoint),
        "tags": [endpoint.tag],
        "security": [{"bearerAuth": []}],
        "x-token-scope": "read-write" if endpoint.scope == "write" else "read",
        "parameters": _parameters(endpoint),
        "responses": responses,
    }
    if endpoint.capability:
        operation["x-capability"] = endpoint.capability
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schemas.of(endpoint.body, "validation")}},
        }
    return operation


def _description(endpoint: Endpoint) -> str:
    needs = "a read and write token" if endpoint.scope == "write" else "any token"
    text = endpoint.description.strip()
    return f"{text}\n\nNeeds {needs}." if text else f"Needs {needs}."


def build_document(endpoints: list[Endpoint]) -> dict:
    """The whole OpenAPI 3.1 document for these endpoints."""
    from apispec import APISpec  # imported on use, like every library start-up can skip

    spec = APISpec(
        title="Involving People LMS API",
        version="1.0.0",
        openapi_version="3.1.0",
        info={"description": DESCRIPTION},
        servers=[{"url": "/"}],
        tags=[
            {"name": tag} for tag in dict.fromkeys([*(e.tag for e in endpoints), "documentation"])
        ],
    )
    spec.components.security_scheme(
        "bearerAuth",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token, made on your account's API tokens page.",
        },
    )
    schemas = _Schemas(spec)
    schemas.add("Problem", PROBLEM_SCHEMA)
    by_path: dict[str, dict] = {}
    for endpoint in endpoints:
        by_path.setdefault(API_PREFIX + endpoint.path, {})[endpoint.method.lower()] = _operation(
            endpoint, schemas
        )
    by_path[API_PREFIX + "/openapi.json"] = {
        "get": {
            "operationId": "api.openapi",
            "summary": "This document",
            "tags": ["documentation"],
            "security": [],
            "responses": {
                "200": {
                    "description": "The OpenAPI 3.1 document.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        }
    }
    by_path[API_PREFIX + "/docs"] = {
        "get": {
            "operationId": "api.docs",
            "summary": "Human-readable documentation",
            "tags": ["documentation"],
            "security": [],
            "responses": {
                "200": {
                    "description": "This document as a web page.",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                }
            },
        }
    }
    for path, operations in by_path.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def openapi_document() -> dict:
    """The current app's document, built once."""
    cached = current_app.extensions.get("lms_api_document")
    if cached is None:
        cached = build_document(current_app.extensions["lms_api_endpoints"])
        current_app.extensions["lms_api_document"] = cached
    return cached
