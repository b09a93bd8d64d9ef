"""Who sees what: own initiative only for trainees, own group for tutors, all for leads."""

from __future__ import annotations

from sqlalchemy import select

from lms.extensions import db
from lms.plugins.initiatives.models import Comment, Update


def test_a_trainee_cannot_see_another_trainees_initiative(client, start_initiative, sign_in, world):
    bobs = start_initiative(world.bob)
    start_initiative(world.alice)
    for path in (f"/{bobs.id}", f"/{bobs.id}/journey.svg", f"/{bobs.id + 1000}"):
        response = client.get(world.url(path))
        assert response.status_code == 404, path
        assert "Carers shaping" not in response.get_data(as_text=True)
    update = db.session.scalar(select(Update).where(Update.initiative_id == bobs.id))
    comment = world.url(f"/{bobs.id}/updates/{update.id}/comments")
    assert client.post(comment, data={"body": "Nosy"}).status_code == 403
    assert client.get(world.url("/board")).status_code == 403
    assert client.get(world.url("/overview")).status_code == 403


def test_a_trainee_of_another_cohort_gets_nothing(
    client, start_initiative, sign_in, world, make_cohort, make_membership
):
    alices = start_initiative(world.alice)
    outsider = make_membership(make_cohort(slug="south-2026"))
    sign_in(outsider.user)
    assert client.get(world.url(f"/{alices.id}")).status_code == 403
    assert client.get(f"/cohorts/south-2026/initiatives/{alices.id}").status_code == 404


def test_tutors_see_and_comment_on_their_own_group_only(client, start_initiative, sign_in, world):
    alices = start_initiative(world.alice)  # Group A
    carols = start_initiative(world.carol)  # Group B
    sign_in(world.tutor_a.user)
    board = client.get(world.url("/board")).get_data(as_text=True)
    assert "Alice" in board and "Bob" in board
    assert "Carol" not in board
    assert "No initiative recorded yet" in board  # Bob has none, and the plan was due
    page = client.get(world.url(f"/{alices.id}"))
    assert page.status_code == 200
    assert "Alice Example’s change initiative" in page.get_data(as_text=True)
    assert client.get(world.url(f"/{carols.id}")).status_code == 404
    assert client.get(world.url(f"/{carols.id}/journey.svg")).status_code == 404

    update = db.session.scalar(select(Update).where(Update.initiative_id == alices.id))
    url = world.url(f"/{alices.id}/updates/{update.id}/comments")
    assert client.post(url, data={"body": "Who else could sit on the group?"}).status_code == 302
    empty = client.post(url, data={"body": ""})
    assert empty.status_code == 302
    assert db.session.scalar(select(Comment.body)) == "Who else could sit on the group?"
    carols_update = db.session.scalar(select(Update).where(Update.initiative_id == carols.id))
    wrong = world.url(f"/{carols.id}/updates/{carols_update.id}/comments")
    assert client.post(wrong, data={"body": "Not my group"}).status_code == 404
    mixed = world.url(f"/{alices.id}/updates/{carols_update.id}/comments")
    assert client.post(mixed, data={"body": "Mixed ids"}).status_code == 404
    assert len(list(db.session.scalars(select(Comment)))) == 1

    sign_in(world.alice.user)
    page = client.get(world.url(f"/{alices.id}")).get_data(as_text=True)
    assert "Who else could sit on the group?" in page
    assert "Comment on this update" not in page  # trainees read comments, do not write them


def test_the_lead_sees_every_initiative_and_the_overview(client, start_initiative, sign_in, world):
    alices = start_initiative(world.alice)
    carols = start_initiative(world.carol)
    sign_in(world.lead.user)
    board = client.get(world.url("/board")).get_data(as_text=True)
    assert "Alice" in board and "Carol" in board
    for initiative in (alices, carols):
        assert client.get(world.url(f"/{initiative.id}")).status_code == 200
    assert client.get(world.url("/")).headers["Location"].endswith("/overview")
    assert client.get(world.url("/mine")).status_code == 403  # leads have no initiative


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    response = client.get(world.url("/board"))
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
