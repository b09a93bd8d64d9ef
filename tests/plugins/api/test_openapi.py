"""The OpenAPI 3.1 document: valid, generated from the endpoints, complete; and the
human-readable docs page."""

from __future__ import annotations

import re

import jsonschema_rs
from schemathesis.specs.openapi.definitions import OPENAPI_31


def _document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def test_document_is_valid_openapi_31(client):
    document = _document(client)
    assert document["openapi"] == "3.1.0"
    errors = [str(e) for e in jsonschema_rs.validator_for(OPENAPI_31).iter_errors(document)]
    assert errors == []
    # Every schema is itself valid JSON Schema 2020-12 (the dialect of OpenAPI 3.1).
    for name, schema in document["components"]["schemas"].items():
        assert jsonschema_rs.meta.is_valid(
            {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
        ), name


def test_every_api_route_is_documented(app, client):
    document = _document(client)
    documented = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    routed = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routed.add((method, path))
    assert routed == documented
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if operation["tags"] == ["documentation"]:
                continue
            responses = operation["responses"]
            assert {"401", "403", "429"} <= set(responses), (method, path)
            assert operation["security"] == [{"bearerAuth": []}]
            if "{" in path:
                assert "404" in responses
            if "requestBody" in operation:
                assert {"400", "415", "422"} <= set(responses)
                assert operation["x-token-scope"] == "read-write"


def test_schemas_come_from_the_validating_models(client):
    schemas = _document(client)["components"]["schemas"]
    save = schemas["SaveReflection"]
    assert save["additionalProperties"] is False
    assert set(save["required"]) == {"answers", "based_on_version"}
    assert save["properties"]["based_on_version"]["minimum"] == 0
    update = schemas["NewUpdate"]
    assert update["properties"]["rag"]["enum"] == ["green", "amber", "red"]
    assert schemas["Problem"]["required"] == ["type", "title", "status"]


def test_docs_page_lists_every_operation_without_scripts(client):
    document = _document(client)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<h1 class="govuk-heading-l">Involving People LMS API</h1>' in html
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if operation["tags"] != ["documentation"]:
                assert f"{method.upper()} {path}" in html
                assert f'id="{operation["operationId"]}"' in html
    assert 'id="problem-stale-version"' in html
    assert "<script>" not in html and " style=" not in html
    assert "cdn" not in html.lower()
