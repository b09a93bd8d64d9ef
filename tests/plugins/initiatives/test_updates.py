"""Progress updates: the baseline, append-only history, RAG "since", and bad input."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.plugins.initiatives.models import AppendOnlyError, Update, UpdateTag
from lms.plugins.initiatives.services import initiative_of
from tests.conftest import PASSWORD
from tests.plugins.initiatives.conftest import day, update_data


def updates() -> list[Update]:
    return list(db.session.scalars(select(Update).order_by(Update.id)))


def test_the_first_update_is_the_baseline_and_later_ones_append(client, start_initiative, world):
    initiative = start_initiative(baseline=False)
    form = client.get(world.url("/mine/updates/new")).get_data(as_text=True)
    assert "Record your baseline" in form
    # The ladder's rungs are explained in plain English, the jigsaw's prompts are shown.
    assert "Power is shared: planning and decisions are made jointly" in form
    assert "Do service users and carers feel valued and welcomed" in form
    assert 'type="checkbox"' in form and "Silo working" in form

    assert client.post(world.url("/mine/updates/new"), data=update_data()).status_code == 302
    second = update_data(
        recorded_on=day(date(2026, 12, 10)),
        rag="amber",
        rag_reason="Finance keeps sending it back.",
        rung="6",
        barriers=["silos"],
    )
    assert client.post(world.url("/mine/updates/new"), data=second).status_code == 302
    baseline, latest = updates()
    assert (baseline.rung, latest.rung) == (4, 6)
    assert (baseline.week, latest.week) == (12, 14)
    assert sorted(t.tag for t in baseline.tags) == ["silos", "sponsor", "structures"]
    page = client.get(world.url(f"/{initiative.id}")).get_data(as_text=True)
    assert "Baseline: 25 November 2026 (week 12)" in page
    assert "Progress update: 10 December 2026 (week 14)" in page
    assert "At risk since week 14" in page
    assert "Finance keeps sending it back." in page
    assert "Add a progress update" in page


def test_status_since_counts_from_the_first_update_of_the_run(client, start_initiative, world):
    initiative = start_initiative()  # green, week 12
    for when, rag in ((date(2026, 12, 1), "amber"), (date(2026, 12, 10), "amber")):
        data = update_data(recorded_on=day(when), rag=rag)
        assert client.post(world.url("/mine/updates/new"), data=data).status_code == 302
    page = client.get(world.url(f"/{initiative.id}")).get_data(as_text=True)
    assert "At risk since week 13" in page


def test_updates_cannot_be_changed_or_deleted(client, start_initiative, world):
    start_initiative()
    (baseline,) = updates()
    baseline.rung = 8
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    (baseline,) = updates()
    db.session.delete(baseline)
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    assert [u.rung for u in updates()] == [4]
    # And there is no page that edits one.
    rules = [r.rule for r in client.application.url_map.iter_rules()]
    # (A partner's page for an update edits the partner's own view of it, not the update.)
    assert not [
        r
        for r in rules
        if "updates/<" in r and not r.endswith("/comments") and "/partner/<" not in r
    ]


BAD_UPDATES = [
    ({"rung": "9"}, "Select a rung of the ladder from 1 to 8"),
    ({"rung": "0"}, "Select a rung of the ladder from 1 to 8"),
    ({"rung": ""}, "Select a rung of the ladder from 1 to 8"),
    ({"culture": "5"}, "Give culture a score from 1 to 4"),
    ({"review": "0"}, "Give review a score from 1 to 4"),
    ({"rag": "purple"}, "Select whether the initiative is on track, at risk or off track"),
    ({"rag_reason": ""}, "Say why you chose this status"),
    ({"rag_reason": "   "}, "Say why you chose this status"),
    ({"narrative": "x" * 10001}, "Must be 10,000 characters or fewer"),
    ({"barriers": ["silos", "aliens"]}, "Choose barriers from the list"),
    ({"recorded_on": day(date(2026, 12, 15))}, "The date of the update cannot be in the future"),
    ({"recorded_on": day(date(2026, 9, 1))}, "on or after the cohort started (7 September 2026)"),
    ({"recorded_on": ["30", "2", "2026"]}, "The date of the update must be a real date"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_UPDATES)
def test_bad_updates_show_a_field_error_and_store_nothing(
    client, start_initiative, world, overrides, message
):
    start_initiative(baseline=False)
    response = client.post(world.url("/mine/updates/new"), data=update_data(**overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert message in page
    assert updates() == []
    assert db.session.scalar(select(func.count()).select_from(UpdateTag)) == 0


def test_an_update_cannot_be_dated_before_the_last_one(client, start_initiative, world):
    start_initiative()  # baseline on 25 November
    data = update_data(recorded_on=day(date(2026, 11, 20)))
    response = client.post(world.url("/mine/updates/new"), data=data)
    assert response.status_code == 400
    assert "on or after your last update (25 November 2026)" in response.get_data(as_text=True)
    assert len(updates()) == 1


def test_an_update_needs_an_initiative_first(client, sign_in, world):
    sign_in(world.alice.user)
    assert client.get(world.url("/mine/updates/new")).status_code == 404
    assert client.post(world.url("/mine/updates/new"), data=update_data()).status_code == 404


def test_a_comment_posted_after_the_session_expired_comes_back_in_its_own_box(
    app, client, start_initiative, world
):
    initiative = start_initiative()
    response = client.post(
        world.url("/mine/updates/new"),
        data=update_data(recorded_on=day(date(2026, 12, 9)), narrative="Second update."),
    )
    assert response.status_code == 302
    first, second = sorted(initiative_of(world.alice).updates, key=lambda u: u.id)
    page = world.url(f"/{initiative.id}")
    tutor = app.test_client()
    tutor.post("/sign-in", data={"email": world.tutor_a.user.email, "password": PASSWORD})
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', tutor.get(page).get_data(as_text=True)
    )[1]
    with tutor.session_transaction() as session:
        session.clear()  # the session expired while the tutor wrote
    comment = "Who chairs the second meeting? Ask the carers."
    posted = tutor.post(
        world.url(f"/{initiative.id}/updates/{first.id}/comments"),
        data={"body": comment, "csrf_token": token},
    )
    assert posted.status_code == 302
    assert posted.headers["Location"] == f"/sign-in?next={page}"
    signed_in = tutor.post(
        posted.headers["Location"],
        data={"email": world.tutor_a.user.email, "password": PASSWORD},
    )
    assert signed_in.headers["Location"] == page
    landed = tutor.get(page)
    assert landed.status_code == 200  # the initiative page, not the POST-only address
    text = landed.get_data(as_text=True)
    assert re.search(rf'<textarea[^>]*id="body-{first.id}"[^>]*>\s*{re.escape(comment)}', text)
    assert re.search(rf'<textarea[^>]*id="body-{second.id}"[^>]*>\s*</textarea>', text)
    assert "this text was not saved" in text
