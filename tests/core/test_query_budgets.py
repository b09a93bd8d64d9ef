"""Core pages load in a fixed number of queries, whatever the cohort size."""

from __future__ import annotations

import pytest


@pytest.fixture
def app_config(app_config):
    return {**app_config, "TODAY": "2026-12-16"}


def cohort_of(size: int, make_cohort, make_membership):
    cohort = make_cohort()
    lead = make_membership(cohort, role="lead")
    tutor = make_membership(cohort, role="tutor", group="Group A")
    for _ in range(size):
        make_membership(cohort, role="trainee", group="Group A")
    return cohort, lead, tutor


PAGES = {
    "lead dashboard": ("lead", lambda c, t: "/dashboard"),
    "tutor dashboard": ("tutor", lambda c, t: "/dashboard"),
    "schedule": ("lead", lambda c, t: f"/cohorts/{c.slug}/"),
    "members": ("lead", lambda c, t: f"/cohorts/{c.slug}/members"),
    "groups": ("lead", lambda c, t: f"/cohorts/{c.slug}/groups"),
    "group grid": ("tutor", lambda c, t: f"/cohorts/{c.slug}/groups/{t.tutor_group_id}"),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_queries_do_not_grow_with_the_cohort(
    app, make_app, count_queries, make_cohort, make_membership, page
):
    role, path_of = PAGES[page]
    counts = []
    for size in (5, 50):
        cohort, lead, tutor = cohort_of(size, make_cohort, make_membership)
        client = app.test_client()
        client.post(
            "/sign-in",
            data={
                "email": (lead if role == "lead" else tutor).user.email,
                "password": "correct horse battery",
            },
        )
        path = path_of(cohort, tutor)
        with count_queries() as counter:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries for 5 members, {counts[1]} for 50"
