"""No one sees what isn't theirs: trainees see only their own entries; tutors only the
submitted, shared entries of their own tutor group; leads no entry text at all."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.plugins.reflections import services
from lms.plugins.reflections.models import Entry
from tests.plugins.reflections.conftest import GIBBS, answers, editor

SECRET = "Something only I should read"


def write(membership, week=4, submit=True, text=SECRET):
    version = services.save(
        membership, week, {pid: f"{text} ({pid})" for pid in GIBBS}, 0, submit=submit
    )
    db.session.commit()
    return version.entry


@pytest.fixture
def other(cohort, make_membership, make_user):
    user = make_user(given_name="Olive", family_name="Other")
    return make_membership(cohort, "trainee", user=user, group="Group A")


def test_a_trainee_never_sees_another_trainees_entry(client_for, cohort, trainee, other):
    entry = write(other)
    browser = client_for(trainee.user)
    mine = browser.get(editor(cohort)).get_data(as_text=True)
    assert SECRET not in mine  # the same week is theirs alone
    listing = browser.get(f"/cohorts/{cohort.slug}/reflections/").get_data(as_text=True)
    assert SECRET not in listing and "Olive" not in listing
    history = browser.get(editor(cohort) + "/history").get_data(as_text=True)
    assert SECRET not in history
    export = browser.get(f"/cohorts/{cohort.slug}/reflections/portfolio.md").get_data(as_text=True)
    assert SECRET not in export
    # Guessing the entry's id on the tutor pages: refused, nothing revealed.
    for url in (
        f"/cohorts/{cohort.slug}/reflections/review/{entry.id}",
        f"/cohorts/{cohort.slug}/reflections/review",
        f"/cohorts/{cohort.slug}/reflections/grid",
    ):
        response = browser.get(url)
        assert response.status_code in (403, 404)
        assert SECRET not in response.get_data(as_text=True)
    assert browser.post(
        f"/cohorts/{cohort.slug}/reflections/review/{entry.id}", data={"body": "hi"}
    ).status_code in (403, 404)


def test_a_trainee_cannot_use_another_cohorts_reflections(
    client_for, make_cohort, make_membership, trainee
):
    elsewhere = make_cohort(slug="elsewhere", start=date(2026, 9, 7))
    stranger = make_membership(elsewhere, "trainee", group="Group A")
    write(stranger)
    browser = client_for(trainee.user)
    for url in (editor(elsewhere), f"/cohorts/{elsewhere.slug}/reflections/"):
        response = browser.get(url)
        assert response.status_code == 403
        assert SECRET not in response.get_data(as_text=True)
    posted = browser.post(editor(elsewhere), data={**answers(), "based_on": "0"})
    assert posted.status_code == 403
    assert db.session.scalars(select(Entry)).all() == [stranger_entry(stranger)]


def stranger_entry(membership):
    return db.session.scalar(select(Entry).where(Entry.membership_id == membership.id))


def test_a_tutor_sees_only_shared_submitted_entries_of_their_own_group(
    client_for, cohort, make_membership, make_user, trainee, other, tutor
):
    shared = write(trainee, text="Shared and submitted")
    private = write(other, text="Private entry")
    services.set_sharing(private, shared=False, consent=False)
    draft_only = write(trainee, week=3, submit=False, text="Only a draft")
    outsider = make_membership(cohort, "trainee", group="Group B")
    other_group = write(outsider, text="Group B entry")
    db.session.commit()

    browser = client_for(tutor.user)
    queue = browser.get(f"/cohorts/{cohort.slug}/reflections/review").get_data(as_text=True)
    assert "Tara Trainee" in queue
    assert "Olive" not in queue and outsider.user.full_name not in queue
    page = browser.get(f"/cohorts/{cohort.slug}/reflections/review/{shared.id}")
    assert page.status_code == 200 and "Shared and submitted" in page.get_data(as_text=True)
    for hidden in (private, draft_only, other_group):
        response = browser.get(f"/cohorts/{cohort.slug}/reflections/review/{hidden.id}")
        assert response.status_code == 404
        body = response.get_data(as_text=True)
        assert "Private entry" not in body and "Only a draft" not in body
        assert "Group B entry" not in body
    # The trainee's editor is theirs only: a tutor has no reflections to write.
    assert browser.get(editor(cohort)).status_code == 403


def test_making_an_entry_private_hides_it_from_the_tutor_at_once(
    client_for, cohort, trainee, tutor
):
    entry = write(trainee)
    tutor_browser = client_for(tutor.user)
    url = f"/cohorts/{cohort.slug}/reflections/review/{entry.id}"
    assert tutor_browser.get(url).status_code == 200
    trainee_browser = client_for(trainee.user)
    response = trainee_browser.post(editor(cohort) + "/sharing", data={"sharing": "private"})
    assert response.status_code == 302
    assert tutor_browser.get(url).status_code == 404


def test_leads_and_admins_read_no_entry_text(
    client_for, cohort, make_membership, make_user, trainee
):
    entry = write(trainee)
    lead = make_membership(cohort, "lead")
    admin = make_user(admin=True)
    for person in (lead.user, admin):
        browser = client_for(person)
        response = browser.get(f"/cohorts/{cohort.slug}/reflections/review/{entry.id}")
        assert response.status_code in (403, 404)
        assert SECRET not in response.get_data(as_text=True)
    grid = client_for(lead.user).get(f"/cohorts/{cohort.slug}/reflections/grid")
    assert grid.status_code == 200
    page = grid.get_data(as_text=True)
    assert "Tara Trainee" in page and SECRET not in page


def test_signed_out_visitors_are_sent_to_sign_in(client, cohort):
    response = client.get(editor(cohort))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
