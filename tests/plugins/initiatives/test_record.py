"""The initiative record and its milestones: saving, bad input, overdue milestones."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from lms.extensions import db
from lms.plugins.initiatives.models import Initiative, Milestone
from tests.plugins.initiatives.conftest import day, record_data


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_trainee_records_their_initiative(client, sign_in, world):
    sign_in(world.alice.user)
    start = client.get(world.url("/mine"))
    assert "Record your initiative" in start.get_data(as_text=True)
    form = client.get(world.url("/mine/edit")).get_data(as_text=True)
    assert "do not write the names of service users or" in form
    response = client.post(world.url("/mine/edit"), data=record_data())
    assert response.status_code == 302
    initiative = db.session.scalar(select(Initiative))
    assert initiative.membership_id == world.alice.id
    assert (initiative.carers, initiative.planned_end) == (4, date(2027, 6, 30))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Carers shaping respite booking" in page
    assert "3 service users, 4 carers, 2 staff, 1 partners" in page
    assert "Record your baseline" in page
    assert client.get(world.url("/mine")).status_code == 302  # now goes to the page


def test_changing_the_record_keeps_one_initiative(client, start_initiative, world):
    start_initiative(baseline=False)
    response = client.post(world.url("/mine/edit"), data=record_data(title="A better title"))
    assert response.status_code == 302
    assert count(Initiative) == 1
    assert db.session.scalar(select(Initiative.title)) == "A better title"


def test_bad_record_input_shows_field_errors_and_stores_nothing(client, sign_in, world):
    sign_in(world.alice.user)
    cases = [
        (
            {"planned_end": day(date(2026, 9, 1))},
            "The planned end must be on or after the planned start",
        ),
        ({"title": ""}, "Enter a title for your initiative"),
        ({"title": "x" * 201}, "Must be 200 characters or fewer"),
        ({"problem": "x" * 5001}, "Must be 5,000 characters or fewer"),
        ({"planned_start": ["31", "2", "2026"]}, "The planned start must be a real date"),
        ({"planned_start": ["", "", ""]}, "Enter the planned start"),
        ({"planned_start": "2026-10-01"}, "as a day, month and year"),
        ({"carers": "-1"}, "Enter a number between 0 and 100,000"),
        ({"staff": "lots"}, "Enter the number of staff as a whole number, like 3"),
        ({"staff": ""}, "Enter the number of staff, or 0"),
    ]
    for overrides, message in cases:
        response = client.post(world.url("/mine/edit"), data=record_data(**overrides))
        page = response.get_data(as_text=True)
        assert response.status_code == 400, overrides
        assert "There is a problem" in page
        assert message in page, (overrides, message)
        assert "govuk-error-message" in page
    assert count(Initiative) == 0


def test_milestones_show_due_done_and_overdue(client, start_initiative, world):
    initiative = start_initiative(baseline=False)
    for title, due in (("Recruit carers", date(2026, 11, 1)), ("Pilot", date(2027, 3, 1))):
        response = client.post(
            world.url("/mine/milestones/new"), data={"title": title, "due_on": day(due)}
        )
        assert response.status_code == 302
    page = client.get(world.url(f"/{initiative.id}")).get_data(as_text=True)
    assert "Overdue" in page  # Recruit carers was due before today (14 December 2026)
    milestone = db.session.scalar(select(Milestone).where(Milestone.title == "Recruit carers"))
    done = world.url(f"/mine/milestones/{milestone.id}/done")
    future = client.post(done, data={"done_on": day(date(2027, 1, 1))})
    assert future.status_code == 400
    assert "cannot be in the future" in future.get_data(as_text=True)
    assert client.post(done, data={"done_on": day(date(2026, 11, 3))}).status_code == 302
    db.session.refresh(milestone)
    assert milestone.done_on == date(2026, 11, 3)
    page = client.get(world.url(f"/{initiative.id}")).get_data(as_text=True)
    assert "Overdue" not in page
    assert "Done</strong> 3 November 2026" in page


def test_a_milestone_due_before_the_start_is_refused(client, start_initiative, world):
    start_initiative(baseline=False)
    response = client.post(
        world.url("/mine/milestones/new"),
        data={"title": "Too early", "due_on": day(date(2026, 9, 1))},
    )
    assert response.status_code == 400
    assert "must be on or after the initiative starts (1 October 2026)" in response.get_data(
        as_text=True
    )
    assert count(Milestone) == 0


def test_the_start_cannot_move_after_a_milestone(client, start_initiative, world):
    start_initiative(baseline=False)
    client.post(
        world.url("/mine/milestones/new"),
        data={"title": "Recruit", "due_on": day(date(2026, 10, 5))},
    )
    response = client.post(
        world.url("/mine/edit"), data=record_data(planned_start=day(date(2026, 11, 1)))
    )
    assert response.status_code == 400
    assert "The milestone ‘Recruit’ is due on 5 October 2026" in response.get_data(as_text=True)
    assert db.session.scalar(select(Initiative.planned_start)) == date(2026, 10, 1)


def test_another_trainees_milestone_cannot_be_marked_done(client, start_initiative, world):
    start_initiative(world.bob, baseline=False)
    client.post(
        world.url("/mine/milestones/new"), data={"title": "Bob's", "due_on": day(date(2026, 11, 1))}
    )
    bobs = db.session.scalar(select(Milestone))
    start_initiative(world.alice, baseline=False)
    url = world.url(f"/mine/milestones/{bobs.id}/done")
    assert client.get(url).status_code == 404
    assert client.post(url, data={"done_on": day(date(2026, 11, 2))}).status_code == 404
    db.session.refresh(bobs)
    assert bobs.done_on is None
