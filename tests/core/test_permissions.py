"""Every route declares who may use it; the declarations are enforced."""

from __future__ import annotations

from lms.core.permissions import PUBLIC

# Routes anyone may use, signed in or not. Adding one here is a decision: review it.
PUBLIC_ROUTES = {
    "static",
    "pages.index",
    "pages.accessibility",
    "pages.privacy",
    "pages.healthz",  # load balancers: no personal data, only whether the database answers
    "auth.login",
    "auth.logout",
    "auth.accept_invitation",
    "auth.confirm_email",
    "auth.request_reset",
    "auth.reset_password",
    "calendar.feed",  # the secret link is the credential
    "reminders.unsubscribe",  # signed one-click link from an email
    "notifications.unsubscribe",  # signed one-click link (per person and kind) from an email
    "api.openapi",  # the API's description: no data (every endpoint needs a token)
    "api.docs",  # the same, as a web page
    "sessions.verify",  # a certificate's code: shows only name, programme and dates
    # An initiative partner's signed, single-use, expiring sign-in link is the credential;
    # a used or expired one may only ask for a new link to the same address.
    "initiatives.partner_sign_in",
    "initiatives.partner_new_link",
}


def undeclared_routes(app) -> list[str]:
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        if getattr(view, "access_rule", None) is None:
            missing.append(rule.endpoint)
    return missing


def test_every_route_declares_an_access_rule(app):
    assert undeclared_routes(app) == []


def test_only_the_allow_listed_routes_are_public(app):
    public = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and app.view_functions[rule.endpoint].access_rule.kind == PUBLIC
    }
    # Routes of a disabled plugin (LMS_DISABLED_PLUGINS) are simply absent.
    registered = {name for name in PUBLIC_ROUTES if name.split(".")[0] in app.blueprints}
    assert public == registered


def test_the_check_catches_a_route_without_a_rule(app):
    app.add_url_rule("/forgotten", "forgotten", lambda: "oops")
    assert undeclared_routes(app) == ["forgotten"]


def test_signed_in_routes_send_visitors_to_sign_in(client):
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/dashboard"


def test_every_capability_names_known_roles(app):
    from lms.contracts import ROLES

    for capability in app.extensions["lms_capabilities"].values():
        assert set(capability.roles) <= set(ROLES), capability
