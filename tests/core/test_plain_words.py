"""Pages say what is true for the person reading them (issue 20's words pass)."""

from __future__ import annotations


def test_an_admin_outside_every_cohort_is_told_what_they_can_do(client, login_as, make_user):
    login_as(make_user(admin=True))
    response = client.get("/dashboard")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "You are an administrator" in page
    assert "Your programme lead will add you" not in page
    assert 'href="/admin/audit' in page


def test_the_cohort_list_names_the_programme_not_its_folder(
    client, login_as, make_cohort, make_membership
):
    cohort = make_cohort(name="Belfast 2026")
    login_as(make_membership(cohort, role="lead").user)
    response = client.get("/cohorts/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<td class="govuk-table__cell">Involving People</td>' in page
    assert ">involving-people<" not in page
