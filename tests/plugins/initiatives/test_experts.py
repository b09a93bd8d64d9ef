"""Co-evaluation: experts by experience review only the initiatives assigned to them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.contracts import ROLES
from lms.core.notification_models import Notification
from lms.core.roster import apply_roster, export_roster, parse_roster
from lms.extensions import db
from lms.plugins.initiatives.models import Comment, ExpertAssignment, ExpertRating, Update

RATING = {"culture": "3", "practice": "2", "structure": "1", "review": "4", "comment": "Good"}


@pytest.fixture
def expert(world, make_membership, make_user):
    return make_membership(
        world.cohort, "expert", user=make_user(given_name="Erin", family_name="Expert")
    )


@pytest.fixture
def assigned(client, sign_in, start_initiative, world, expert):
    """Alice's and Carol's initiatives; the lead assigns Alice's to the expert."""
    alices = start_initiative(world.alice)
    carols = start_initiative(world.carol)
    sign_in(world.lead.user)
    page = client.get(world.url(f"/{alices.id}")).get_data(as_text=True)
    assert "Experts by experience reviewing this initiative" in page and "Erin Expert" in page
    response = client.post(world.url(f"/{alices.id}/experts"), data={"experts": [str(expert.id)]})
    assert response.status_code == 302
    return alices, carols


def test_the_expert_role_holds_only_its_own_capability(app):
    assert "expert" in ROLES
    held = {
        name
        for name, capability in app.extensions["lms_capabilities"].items()
        if "expert" in capability.roles
    }
    assert held == {"initiatives.review"}
    # ...and no other role holds it.
    assert app.extensions["lms_capabilities"]["initiatives.review"].roles == ("expert",)


def test_the_lead_assigns_and_the_expert_sees_only_that(client, sign_in, world, expert, assigned):
    alices, carols = assigned
    assert db.session.scalar(select(ExpertAssignment.initiative_id)) == alices.id
    sign_in(expert.user)
    home = client.get("/dashboard").get_data(as_text=True)
    assert "Initiatives to review" in home and "Carers shaping respite booking" in home
    assert "an expert by experience" in home
    assert "Members and roster" not in home and "Trainees" not in home
    listing = client.get(world.url("/review")).get_data(as_text=True)
    assert f"/review/{alices.id}" in listing and f"/review/{carols.id}" not in listing

    page = client.get(world.url(f"/review/{alices.id}"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "A change initiative to review" in html and "Carers cannot book respite" in html
    assert "Alice" not in html  # not the trainee's name
    assert "Rate this initiative" in html
    assert client.get(world.url(f"/review/{alices.id}/journey.svg")).status_code == 200
    # Not assigned, or not there: 404, revealing nothing.
    for path in (f"/review/{carols.id}", f"/review/{carols.id}/journey.svg", "/review/9999"):
        response = client.get(world.url(path))
        assert response.status_code == 404 and "Carers" not in response.get_data(as_text=True)
    assert client.post(world.url(f"/review/{carols.id}"), data=RATING).status_code == 404
    # The ordinary initiative pages are not theirs either.
    for path in ("/", f"/{alices.id}", f"/{alices.id}/journey.svg", "/board", "/overview", "/mine"):
        assert client.get(world.url(path)).status_code == 403, path
    assert client.post(world.url(f"/{alices.id}/experts"), data={"experts": []}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(ExpertRating)) == 0


def test_tutors_comments_are_not_shown_to_the_expert(client, sign_in, world, expert, assigned):
    alices, _ = assigned
    update = db.session.scalar(select(Update).where(Update.initiative_id == alices.id))
    db.session.add(Comment(update_id=update.id, author_id=world.tutor_a.user.id, body="Tutor says"))
    db.session.commit()
    sign_in(expert.user)
    html = client.get(world.url(f"/review/{alices.id}")).get_data(as_text=True)
    assert "Tutor says" not in html and world.tutor_a.user.family_name not in html


def test_the_experts_rating_shows_beside_the_self_assessment(
    client, sign_in, world, expert, assigned
):
    alices, _ = assigned
    sign_in(expert.user)
    bad = client.post(world.url(f"/review/{alices.id}"), data={**RATING, "culture": "5"})
    assert bad.status_code == 400
    assert "Give culture a score from 1 to 4" in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ExpertRating)) == 0

    response = client.post(world.url(f"/review/{alices.id}"), data=RATING)
    assert response.status_code == 302
    # Rating again replaces the rating: one per expert and initiative.
    client.post(world.url(f"/review/{alices.id}"), data={**RATING, "comment": "Better now"})
    [rating] = db.session.scalars(select(ExpertRating)).all()
    assert (rating.culture, rating.review, rating.comment) == (3, 4, "Better now")
    mine = client.get(world.url(f"/review/{alices.id}")).get_data(as_text=True)
    assert "Change your rating" in mine and ">You (" in mine

    sign_in(world.alice.user)
    html = client.get(world.url(f"/{alices.id}")).get_data(as_text=True)
    assert "Ratings by experts by experience" in html
    assert "Self-assessment" in html and "Expert by experience 1" in html
    assert "3 established" in html and "Better now" in html
    assert "Erin" not in html  # experts are numbered, not named
    assert "Experts by experience reviewing this initiative" not in html  # lead only


def test_trainees_and_tutors_cannot_assign(client, sign_in, world, expert, start_initiative):
    alices = start_initiative(world.alice)
    for member in (world.alice, world.tutor_a):
        sign_in(member.user)
        response = client.post(
            world.url(f"/{alices.id}/experts"), data={"experts": [str(expert.id)]}
        )
        assert response.status_code == 403
    # The lead can only choose the cohort's experts.
    sign_in(world.lead.user)
    client.post(world.url(f"/{alices.id}/experts"), data={"experts": [str(world.bob.id)]})
    assert db.session.scalar(select(func.count()).select_from(ExpertAssignment)) == 0


def test_unassigning_stops_the_review_but_keeps_the_rating(
    client, sign_in, world, expert, assigned
):
    alices, _ = assigned
    sign_in(expert.user)
    client.post(world.url(f"/review/{alices.id}"), data=RATING)
    sign_in(world.lead.user)
    client.post(world.url(f"/{alices.id}/experts"), data={})
    assert db.session.scalar(select(func.count()).select_from(ExpertAssignment)) == 0
    assert "Expert by experience 1" in client.get(world.url(f"/{alices.id}")).get_data(as_text=True)
    sign_in(expert.user)
    assert client.get(world.url(f"/review/{alices.id}")).status_code == 404


def test_the_expert_reaches_nothing_else(client, sign_in, world, expert, assigned):
    """No reflections, no surveys, no evaluation, no members or groups."""
    sign_in(expert.user)
    slug = world.cohort.slug
    group = world.alice.tutor_group_id
    forbidden = [
        f"/cohorts/{slug}/",
        f"/cohorts/{slug}/weeks/1",
        f"/cohorts/{slug}/progress",
        f"/cohorts/{slug}/members",
        f"/cohorts/{slug}/members/{world.alice.id}",
        f"/cohorts/{slug}/groups",
        f"/cohorts/{slug}/groups/{group}",
        f"/cohorts/{slug}/roster",
        f"/cohorts/{slug}/roster.csv",
        f"/cohorts/{slug}/reflections/",
        f"/cohorts/{slug}/reflections/weeks/1",
        f"/cohorts/{slug}/reflections/review",
        f"/cohorts/{slug}/reflections/grid",
        f"/cohorts/{slug}/surveys/",
        f"/cohorts/{slug}/surveys/results",
        f"/cohorts/{slug}/surveys/results.csv",
        f"/cohorts/{slug}/evaluation",
        f"/cohorts/{slug}/evaluation/report",
        f"/cohorts/{slug}/evaluation/codebook",
        f"/cohorts/{slug}/evaluation/texts",
        "/evaluation/compare",
    ]
    for path in forbidden:
        response = client.get(path)
        # Every one is refused for the role, before anything is looked up.
        assert response.status_code == 403, path
        html = response.get_data(as_text=True)
        assert "Alice" not in html and "Bob" not in html, path
    nav = client.get("/dashboard").get_data(as_text=True)
    assert "Initiatives to review" in nav
    for item in ("Reflections", "Review queue", "Surveys", "Survey results", "Evaluation"):
        assert f">{item}<" not in nav, item


def test_personal_data_and_erasure_of_an_expert(app, client, sign_in, world, expert, assigned):
    alices, _ = assigned
    sign_in(expert.user)
    client.post(world.url(f"/review/{alices.id}"), data={**RATING, "comment": "My view"})
    plugin = app.extensions["lms"].get_plugin("initiatives")
    data = plugin.lms_personal_data(expert.user)
    assert data["initiatives_assigned_to_review"][0]["initiative"] == alices.title
    [given] = data["initiative_ratings_given"]
    assert given["comment"] == "My view" and given["culture"] == 3
    received = plugin.lms_personal_data(world.alice.user)["expert_ratings_received"]
    assert received[0]["comment"] == "My view" and "initiative" not in received[0]

    plugin.lms_erase_personal_data(expert.user)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ExpertAssignment)) == 0
    [rating] = db.session.scalars(select(ExpertRating)).all()
    assert rating.membership_id is None and "My view" not in rating.comment
    assert rating.culture == 3  # the scores stay beside the self-assessment
    after = plugin.lms_personal_data(expert.user)
    assert after["initiative_ratings_given"] == [] == after["initiatives_assigned_to_review"]


def test_erasing_the_trainee_removes_comments_about_their_initiative(
    app, client, sign_in, world, expert, assigned
):
    alices, _ = assigned
    sign_in(expert.user)
    client.post(world.url(f"/review/{alices.id}"), data={**RATING, "comment": "About Alice"})
    app.extensions["lms"].get_plugin("initiatives").lms_erase_personal_data(world.alice.user)
    db.session.commit()
    [rating] = db.session.scalars(select(ExpertRating)).all()
    assert "About Alice" not in rating.comment and rating.membership_id == expert.id


def test_a_withdrawn_expert_reaches_nothing(client, sign_in, world, expert, assigned):
    from lms.core.models import utcnow

    alices, _ = assigned
    expert.withdrawn_at = utcnow()
    db.session.commit()
    sign_in(expert.user)
    assert client.get(world.url(f"/review/{alices.id}")).status_code == 403


def test_roster_import_export_and_member_form_know_the_role(client, sign_in, world):
    header = (
        "email,given_name,family_name,role,sector,organisation,job_title,area,tutor_group,"
        "lived_experience\n"
    )
    rows = parse_roster((header + "sam@example.org,Sam,Carer,expert,other,,,,,yes\n").encode())
    apply_roster(world.cohort, rows)
    db.session.commit()
    from lms.core.cohorts import active_members

    [sam] = active_members(world.cohort, role="expert")
    exported = export_roster(world.cohort, [sam])
    assert ",expert," in exported
    assert parse_roster(exported.encode())[0].role == "expert"  # round trip

    sign_in(world.lead.user)
    form = client.get(f"/cohorts/{world.cohort.slug}/members/{sam.id}").get_data(as_text=True)
    assert "Expert by experience" in form and 'value="expert" checked' in form


def test_without_the_plugin_an_expert_holds_nothing(make_app, world, expert):
    from tests.conftest import PASSWORD

    app = make_app(DISABLED_PLUGINS=["initiatives"])
    assert not any("expert" in c.roles for c in app.extensions["lms_capabilities"].values())
    browser = app.test_client()
    browser.post("/sign-in", data={"email": expert.user.email, "password": PASSWORD})
    home = browser.get("/dashboard").get_data(as_text=True)
    assert "Initiatives to review" in home and "No change initiatives have been given" in home
    assert "Members and roster" not in home


def test_an_experts_rating_notifies_the_owner(client, sign_in, world, expert, assigned):
    alices, _ = assigned
    sign_in(expert.user)
    assert client.post(world.url(f"/review/{alices.id}"), data=RATING).status_code == 302
    (note,) = db.session.scalars(select(Notification)).all()
    assert note.membership_id == world.alice.id
    assert note.text == "An expert by experience rated your change initiative"
    sign_in(world.alice.user)
    assert "rated your change initiative" in client.get("/notifications").get_data(as_text=True)
