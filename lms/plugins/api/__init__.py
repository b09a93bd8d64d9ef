"""The JSON API: /api/v1 with personal access tokens, OpenAPI 3.1 and problem details.

Hook implementations only. The machinery is in `framework` (tokens, scopes, rate
limits, validation, errors) and `openapi`; the endpoints come from every enabled
plugin through `lms_api_endpoints` (core ones, over core models only, are here in
`core_endpoints`). Tokens are made and revoked on /account/api-tokens.
"""

from __future__ import annotations

from lms.contracts import NavItem
from lms.plugins import hookimpl


@hookimpl
def lms_blueprints():
    from lms.plugins.api.views import account_bp, bp

    return [bp, account_bp]


@hookimpl
def lms_models():
    from lms.plugins.api import models

    return [models]


@hookimpl
def lms_account_links(user):
    return [NavItem("API tokens, for programs that read your data", "api_tokens.index", 90)]


@hookimpl
def lms_api_endpoints():
    from lms.plugins.api.core_endpoints import endpoints

    return endpoints()


@hookimpl
def lms_personal_data(user):
    from lms.plugins.api.tokens import personal_data

    return {"api_tokens": personal_data(user)}


@hookimpl
def lms_erase_personal_data(user):
    from lms.plugins.api.tokens import erase_personal_data

    erase_personal_data(user)
