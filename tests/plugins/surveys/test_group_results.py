"""A tutor's results for their own group: aggregates of that group only, suppressed
below the cell size, and shown only once the later wave has closed."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from lms.plugins.surveys.analysis import CSV_HEADER

GROUP_A = [(2, 4), (3, 4), (3, 3), (2, 3), (1, 3), (4, 5)]
GROUP_B = [(5, 1), (5, 1), (5, 2), (4, 1), (5, 1)]


@pytest.fixture
def groups(make_cohort, make_membership, add_response):
    cohort = make_cohort()
    people = {}
    for group, answers in (("Group A", GROUP_A), ("Group B", GROUP_B)):
        for pre, post in answers:
            member = make_membership(cohort, group=group, evaluation_consent=True)
            add_response(member, "pre", pre)
            add_response(member, "post", post)
            people.setdefault(group, []).append(member)
    tutor = make_membership(cohort, role="tutor", group="Group A")
    return cohort, tutor, people


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_a_tutor_sees_their_own_groups_figures_once_the_wave_closes(groups, client_for, in_week):
    cohort, tutor, people = groups
    client = client_for(tutor.user)
    in_week(40)  # the course has finished: every wave is closed
    page = client.get(f"/cohorts/{cohort.slug}/surveys/group-results")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Your group&#39;s survey results" in html.replace("'", "&#39;")
    assert "Group A" in html
    pre, post = np.array([a for a, _ in GROUP_A]), np.array([b for _, b in GROUP_A])
    assert f"{pre.mean():.2f}" in html and f"{post.mean():.2f}" in html
    assert f"{(post - pre).mean():.2f}" in html
    # Group B's very different answers are in no figure: the cohort mean would be.
    everyone = np.array([b - a for a, b in GROUP_A + GROUP_B])
    assert f"{everyone.mean():.2f}" not in html
    assert "How answers moved" in html and "<svg" in html
    # No individual rows, no pseudonyms, no breakdown by sector for a tutor.
    assert "responses.csv" not in html and "responses.xlsx" not in html
    assert "Break down by" not in html
    for member in people["Group A"]:
        assert member.user.email not in html

    rows = _csv(client.get(f"/cohorts/{cohort.slug}/surveys/group-results.csv"))
    assert tuple(rows[0]) == CSV_HEADER
    scale = next(row for row in rows[1:] if row[2] == "scale")
    assert scale[3] == "6" and float(scale[6]) == pytest.approx((post - pre).mean(), abs=1e-5)


def test_while_answers_still_arrive_a_tutor_sees_counts_but_no_figures(groups, client_for, in_week):
    cohort, tutor, _ = groups
    in_week(34)  # the end-of-programme survey is open
    client = client_for(tutor.user)
    html = client.get(f"/cohorts/{cohort.slug}/surveys/group-results").get_data(as_text=True)
    assert "appear when the end of the programme survey closes" in html
    assert "<svg" not in html and "Mean before" not in html
    pre = np.array([a for a, _ in GROUP_A])
    assert f"{pre.mean():.2f}" not in html
    assert client.get(f"/cohorts/{cohort.slug}/surveys/group-results.csv").status_code == 404


def test_a_group_of_four_is_suppressed_on_the_page_and_in_the_file(
    make_cohort, make_membership, add_response, client_for, in_week
):
    cohort = make_cohort()
    for pre, post in GROUP_A[:4]:
        member = make_membership(cohort, group="Small", evaluation_consent=True)
        add_response(member, "pre", pre)
        add_response(member, "post", post)
    tutor = make_membership(cohort, role="tutor", group="Small")
    in_week(40)
    client = client_for(tutor.user)
    html = client.get(f"/cohorts/{cohort.slug}/surveys/group-results").get_data(as_text=True)
    assert "Fewer than 5 responses" in html
    assert "<svg" not in html
    assert "2.50" not in html and "3.50" not in html  # the group's pre and post means
    rows = _csv(client.get(f"/cohorts/{cohort.slug}/surveys/group-results.csv"))
    assert all(row[-2] == "true" and set(row[3:-2]) == {""} for row in rows[1:])
    assert all("fewer than 5" in row[-1].lower() for row in rows[1:])  # and says why


def test_only_tutors_with_a_group_have_group_results(
    groups, make_membership, make_cohort, client_for, in_week
):
    cohort, tutor, people = groups
    in_week(40)
    path = f"/cohorts/{cohort.slug}/surveys/group-results"
    trainee = client_for(people["Group A"][0].user)
    assert trainee.get(path).status_code == 403
    assert trainee.get(path + ".csv").status_code == 403
    ungrouped = make_membership(cohort, role="tutor")
    assert client_for(ungrouped.user).get(path).status_code == 404
    elsewhere = make_membership(make_cohort(), role="tutor", group="Group A")
    assert client_for(elsewhere.user).get(path).status_code == 403
    # The tutor finds the page from the header; the lead keeps the whole-cohort page.
    home = client_for(tutor.user).get("/dashboard").get_data(as_text=True)
    assert f'href="{path}"' in home
