"""The app works without the api plugin, and the API works without a feature plugin."""

from __future__ import annotations


def test_app_works_with_the_api_disabled(make_app, trainee):
    other = make_app(DISABLED_PLUGINS=["api"])
    client = other.test_client()
    from tests.conftest import PASSWORD

    signed_in = client.post("/sign-in", data={"email": trainee.user.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    dashboard = client.get("/dashboard")
    assert dashboard.status_code == 200
    assert "Autumn 2026" in dashboard.get_data(as_text=True)
    assert not any(rule.rule.startswith("/api/") for rule in other.url_map.iter_rules())
    response = client.get("/api/v1/me")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert client.get("/account/api-tokens").status_code == 404


def test_api_without_a_feature_plugin_leaves_out_its_endpoints(make_app, token_for, trainee):
    other = make_app(DISABLED_PLUGINS=["reflections"])
    client = other.test_client()
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/me" in paths and "/api/v1/cohorts/{slug}/initiative" in paths
    assert not any("reflections" in path for path in paths)
    headers = {"Authorization": f"Bearer {token_for(trainee)}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    response = client.get("/api/v1/cohorts/autumn/reflections", headers=headers)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
