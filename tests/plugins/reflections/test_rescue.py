"""A session that expires while writing keeps every word: sign in, land on the entry,
find the text in the form."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms.core.rescue import RescuedForm
from lms.extensions import db
from lms.plugins.reflections.models import Feedback, Version
from tests.conftest import PASSWORD
from tests.plugins.reflections.conftest import answers, based_on, editor


def test_an_expired_session_keeps_the_text_through_signing_in(client_for, cohort, trainee):
    browser = client_for(trainee.user)
    page = browser.get(editor(cohort)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    long_text = "Late at night I finally understood the ladder. " * 800  # ~38,000 characters
    with browser.session_transaction() as session:
        session.clear()  # the session expired while they were writing

    response = browser.post(
        editor(cohort),
        data={
            **answers(analysis=long_text),
            "based_on": "0",
            "csrf_token": token,
            "submit_entry": "Submit",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    assert db.session.scalar(select(Version)) is None  # nothing saved while signed out

    signed_in = browser.post(
        response.headers["Location"], data={"email": trainee.user.email, "password": PASSWORD}
    )
    assert signed_in.headers["Location"] == editor(cohort)
    page = browser.get(signed_in.headers["Location"]).get_data(as_text=True)
    assert "Your session had expired, so this text was not saved" in page
    assert long_text.strip() in page
    assert "My answer about feelings." in page
    assert based_on(page) == "0"

    # Saving from the restored form works, and the text is kept only once.
    browser.post(
        editor(cohort),
        data={**answers(analysis=long_text), "based_on": "0", "submit_entry": "Submit"},
    )
    assert db.session.scalar(select(Version)).answers["analysis"] == long_text
    again = browser.get(editor(cohort)).get_data(as_text=True)
    assert "Your session had expired" not in again


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]


def _expire(browser) -> None:
    with browser.session_transaction() as session:
        session.clear()  # the session expired (its cookie is gone or past its age)


def _kept() -> list[RescuedForm]:
    db.session.rollback()  # see the requests' writes
    return list(db.session.scalars(select(RescuedForm)))


def test_signed_back_in_by_remember_me_the_text_comes_back_on_the_page(app, cohort, trainee):
    browser = app.test_client()
    browser.post(
        "/sign-in", data={"email": trainee.user.email, "password": PASSWORD, "remember": "y"}
    )
    token = _token(browser.get(editor(cohort)).get_data(as_text=True))
    _expire(browser)  # the remember-me cookie stays
    response = browser.post(
        editor(cohort),
        data={
            **answers(feelings="Typed before the session expired"),
            "based_on": "0",
            "csrf_token": token,
            "save_draft": "Save",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == editor(cohort)
    assert db.session.scalar(select(Version)) is None
    page = browser.get(editor(cohort))
    assert page.status_code == 200
    assert "Typed before the session expired" in page.get_data(as_text=True)


def test_a_form_token_that_names_no_one_keeps_nothing(client_for, cohort, trainee):
    browser = client_for(trainee.user)
    response = browser.post(
        editor(cohort),
        data={**answers(feelings="Forged"), "based_on": "0", "csrf_token": "stale"},
    )
    assert response.status_code == 302 and response.headers["Location"] == editor(cohort)
    page = browser.get(editor(cohort))
    assert page.status_code == 200
    assert "That form was from an earlier session, so nothing was saved" in page.get_data(
        as_text=True
    )
    assert "Forged" not in page.get_data(as_text=True)
    assert _kept() == []


def test_kept_text_is_offered_to_its_writer_only_not_the_next_person_on_the_browser(
    app, cohort, trainee, make_membership, make_user
):
    """Aisha's session expired while she wrote; Ben then signed in on that browser."""
    ben = make_membership(cohort, "trainee", user=make_user(given_name="Ben"), group="Group A")
    browser = app.test_client()
    browser.post("/sign-in", data={"email": trainee.user.email, "password": PASSWORD})
    token = _token(browser.get(editor(cohort)).get_data(as_text=True))
    _expire(browser)
    aisha_text = "Aisha writes privately about her manager"
    response = browser.post(
        editor(cohort),
        data={**answers(analysis=aisha_text), "based_on": "0", "csrf_token": token},
    )
    assert response.headers["Location"].startswith("/sign-in?next=")
    assert [row.user_id for row in _kept()] == [trainee.user_id]

    signed_in = browser.post(
        response.headers["Location"], data={"email": ben.user.email, "password": PASSWORD}
    )
    assert signed_in.headers["Location"] == editor(cohort)
    page = browser.get(editor(cohort))
    assert page.status_code == 200
    assert aisha_text not in page.get_data(as_text=True)
    assert "Your session had expired" not in page.get_data(as_text=True)
    assert len(_kept()) == 1  # still kept, for Aisha

    # Ben, on Aisha's old tab, posts again with her form: it is still hers, not his.
    again = browser.post(
        editor(cohort), data={**answers(analysis=aisha_text), "based_on": "0", "csrf_token": token}
    )
    assert again.status_code == 302
    assert aisha_text not in browser.get(editor(cohort)).get_data(as_text=True)
    assert [row.user_id for row in _kept()] == [trainee.user_id]

    aisha = app.test_client()
    aisha.post("/sign-in", data={"email": trainee.user.email, "password": PASSWORD})
    page = aisha.get(editor(cohort))
    assert page.status_code == 200 and aisha_text in page.get_data(as_text=True)
    assert _kept() == []


def test_a_post_that_carries_no_session_is_not_kept(app, cohort, trainee):
    stranger = app.test_client()
    token = _token(stranger.get("/sign-in").get_data(as_text=True))
    response = stranger.post(
        editor(cohort),
        data={**answers(analysis="filler " * 1000), "based_on": "0", "csrf_token": token},
    )
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert _kept() == []


def test_a_form_from_before_signing_out_is_not_kept(client_for, cohort, trainee):
    browser = client_for(trainee.user)
    token = _token(browser.get(editor(cohort)).get_data(as_text=True))
    browser.post("/sign-out", data={})
    response = browser.post(
        editor(cohort), data={**answers(), "based_on": "0", "csrf_token": token}
    )
    assert response.status_code == 302
    assert _kept() == []


def test_kept_text_is_capped_in_size_number_and_rate(make_app, cohort, trainee, monkeypatch):
    from lms.core import rescue
    from lms.extensions import limiter

    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    limiter.reset()
    browser = limited.test_client()
    browser.post("/sign-in", data={"email": trainee.user.email, "password": PASSWORD})
    token = _token(browser.get(editor(cohort)).get_data(as_text=True))
    _expire(browser)

    def post(week: int, **answered):
        response = browser.post(
            editor(cohort, week),
            data={**answers(**answered), "based_on": "0", "csrf_token": token},
        )
        assert response.status_code == 302

    monkeypatch.setattr(rescue, "MAX_KEPT_PER_PERSON", 2)
    monkeypatch.setattr(rescue, "RATE", "5 per hour")
    post(4, analysis="x" * (rescue.MAX_BYTES + 1))  # too large: refused, not counted
    assert _kept() == []
    for week in (1, 2, 3):
        post(week)
    assert sorted(row.action for row in _kept()) == [editor(cohort, 1), editor(cohort, 2)]
    post(2, feelings="Fourth post")  # a later post to the same form replaces the earlier
    post(1, feelings="Fifth post")
    post(1, feelings="Sixth post")  # over the rate: not kept
    fields = [row.fields for row in _kept()]
    assert len(fields) == 2
    assert any("Fourth post" in f for f in fields) and any("Fifth post" in f for f in fields)
    assert not any("Sixth post" in f for f in fields)


def _post_after_expiry_then_sign_in(app, user, page: str, action: str, fields: dict):
    """Open `page`, let the session expire, post `fields` to `action`; sign in again as
    `user` and follow where that leads. Returns (the post's answer, the page reached)."""
    browser = app.test_client()
    browser.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    token = _token(browser.get(page).get_data(as_text=True))
    _expire(browser)
    posted = browser.post(action, data={**fields, "csrf_token": token})
    assert posted.status_code == 302, posted.status_code
    signed_in = browser.post(
        posted.headers["Location"], data={"email": user.email, "password": PASSWORD}
    )
    return posted, browser.get(signed_in.headers["Location"])


def test_tutor_feedback_survives_an_expired_session(app, cohort, trainee, tutor):
    from tests.plugins.reflections.test_review import submit

    entry = submit(trainee)
    page = f"/cohorts/{cohort.slug}/reflections/review/{entry.id}"
    feedback = "Your analysis of the ladder is sharp; say more about the carers."
    _, landed = _post_after_expiry_then_sign_in(
        app, tutor.user, page, page, {"body": feedback, "send": "Send"}
    )
    assert landed.status_code == 200
    text = landed.get_data(as_text=True)
    assert re.search(r'<textarea[^>]*name="body"[^>]*>\s*' + re.escape(feedback), text)
    assert "this text was not saved" in text
    assert db.session.scalar(select(Feedback)) is None  # nothing sent while signed out


def test_a_trainee_reply_survives_an_expired_session_and_lands_on_a_page(
    app, cohort, trainee, tutor
):
    from lms.plugins.reflections import review
    from tests.plugins.reflections.test_review import submit

    review.add_feedback(submit(trainee), tutor.user, "tutor", "Well observed.")
    db.session.commit()
    reply = "Thank you, I will write about the carers next week."
    posted, landed = _post_after_expiry_then_sign_in(
        app, trainee.user, editor(cohort), editor(cohort) + "/reply", {"body": reply}
    )
    assert posted.headers["Location"] == f"/sign-in?next={editor(cohort)}"
    assert landed.status_code == 200  # the editor (GET), not the POST-only reply address
    text = landed.get_data(as_text=True)
    assert re.search(r'<textarea[^>]*name="body"[^>]*>\s*' + re.escape(reply), text)
