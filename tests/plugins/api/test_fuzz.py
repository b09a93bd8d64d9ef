"""Schemathesis fuzzes the API from its own OpenAPI document, with a token for each
role: no request may crash it (5xx), and every response must be documented (status,
media type, headers) and match its schema. Valid and invalid data are both generated;
invalid data must be refused with a 4xx.

Examples are kept few so the whole run takes a minute or two; raise
``LMS_FUZZ_EXAMPLES`` for a deeper run."""

from __future__ import annotations

import os
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from lms.extensions import db
from lms.plugins.initiatives import services as initiatives
from lms.plugins.reflections import services as reflections
from tests.plugins.surveys.conftest import add_response

EXAMPLES = int(os.environ.get("LMS_FUZZ_EXAMPLES", "10"))
# Not `positive_data_acceptance`: data the schema allows can still be refused, as on
# the pages (a closed survey, a stale version, a date in the future: 409 or 422).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def world(cohort, trainee, tutor, lead, make_membership, token_for):
    """A cohort with some of everything, and a read-write token per role."""
    entry = reflections.save(trainee, 1, {"starting_point": "First thoughts."}, 0).entry
    initiatives.save_initiative(
        trainee,
        initiatives.InitiativeDetails(
            title="Carers on panels", planned_start=date(2026, 9, 1), planned_end=date(2027, 6, 1)
        ),
    )
    for number in range(6):
        member = make_membership(cohort, "trainee", evaluation_consent=True, group="Group A")
        for wave, value in (("pre", 2), ("post", 2 + number % 3)):
            add_response(
                member, wave, dict.fromkeys(("explain_coproduction", "lead_change"), value)
            )
    db.session.commit()
    tokens = {
        role: token_for(m) for role, m in (("trainee", trainee), ("tutor", tutor), ("lead", lead))
    }
    return {
        "tokens": tokens,
        "real": {"slug": "autumn", "week": 1, "wave": "pre", "entry_id": entry.id},
    }


@pytest.mark.parametrize("role", ["trainee", "tutor", "lead"])
def test_fuzz_the_api_as_each_role(make_app, world, role):
    fuzz_app = make_app()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)
    headers = {"Authorization": f"Bearer {world['tokens'][role]}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 16
    for operation in operations:
        strategies = []
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategies.append(operation.as_strategy(generation_mode=mode))
            real = {
                name: value
                for name, value in world["real"].items()
                if f"{{{name}}}" in operation.path
            }
            if real:
                # Random slugs, weeks and ids mostly reach a 404: aim at real ones too.
                strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=real))

        @given(case=st.one_of(strategies))
        @settings(
            max_examples=EXAMPLES * len(strategies),
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()
