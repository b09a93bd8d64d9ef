"""Each token has its own request budget; over it, 429 problem details."""

from __future__ import annotations

from tests.plugins.api.conftest import assert_problem


def test_a_token_over_its_limit_gets_429_others_do_not(make_app, token_for, trainee, lead):
    limited = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
    client = limited.test_client()
    busy, quiet = token_for(trainee, "read"), token_for(lead, "read")

    def me(token):
        return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert [me(busy).status_code for _ in range(3)] == [200, 200, 200]
    response = me(busy)
    body = assert_problem(response, 429)
    assert body["type"].endswith("#problem-rate-limited")
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert me(quiet).status_code == 200  # the limit is per token, not per address


def test_guessing_tokens_is_slowed_per_address(make_app):
    limited = make_app(RATELIMIT_ENABLED=True)
    client = limited.test_client()
    headers = {"Authorization": "Bearer ipl_guess"}
    statuses = [client.get("/api/v1/me", headers=headers).status_code for _ in range(31)]
    assert statuses[:30] == [401] * 30
    assert_problem(client.get("/api/v1/me", headers=headers), 429)
