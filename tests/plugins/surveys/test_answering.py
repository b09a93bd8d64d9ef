"""Answering a survey: save, return, submit, locked; bad input; closed waves; privacy."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.extensions import db
from lms.plugins.surveys.models import SurveyAnswer, SurveyResponse
from tests.plugins.surveys.conftest import START, full_answers


def _stored():
    return db.session.scalar(select(func.count()).select_from(SurveyResponse)), db.session.scalar(
        select(func.count()).select_from(SurveyAnswer)
    )


def test_save_return_submit_and_then_locked(make_cohort, make_membership, login_as, in_week):
    cohort = make_cohort()
    member = make_membership(cohort)
    client = login_as(member.user)
    in_week(2)
    url = f"/cohorts/{cohort.slug}/surveys/pre"

    page = client.get(url).get_data(as_text=True)
    assert "Confidence in co-production" in page
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">' in page
    assert "1. How confident are you to explain what co-production is" in page
    assert 'type="radio"' in page and "govuk-radios--inline" in page and "<textarea" in page

    saved = client.post(
        url, data={"explain_coproduction": "2", "helps_most": "My manager", "action": "save"}
    )
    assert saved.status_code == 302 and saved.headers["Location"].endswith(url)
    response = db.session.scalar(select(SurveyResponse))
    assert response.submitted_at is None and response.membership_id == member.id

    again = client.get(url).get_data(as_text=True)
    assert "Your answers are saved" in again
    assert 'value="2" checked' in again and "My manager</textarea>" in again

    submitted = client.post(url, data={**full_answers(4), "helps_most": "", "action": "submit"})
    assert submitted.status_code == 302
    db.session.expire_all()
    response = db.session.scalar(select(SurveyResponse))
    assert response.submitted_at is not None
    assert {a.item_id: a.value for a in response.answers}["explain_coproduction"] == 4
    assert "helps_most" not in {a.item_id for a in response.answers}  # blanked: removed
    shown = client.get(submitted.headers["Location"]).get_data(as_text=True)
    assert "Your answers: start of the programme" in shown
    assert "Very confident" in shown and "cannot be changed" in shown

    # Locked: the form redirects to the answers, and a post changes nothing.
    assert client.get(url).status_code == 302
    client.post(url, data={**full_answers(1), "action": "submit"})
    db.session.expire_all()
    assert {a.value for a in db.session.scalar(select(SurveyResponse)).answers} == {4, 6}
    assert _stored()[0] == 1


def test_one_response_per_member_and_wave(make_cohort, make_membership, login_as, in_week):
    cohort = make_cohort()
    member = make_membership(cohort)
    client = login_as(member.user)
    in_week(1)
    url = f"/cohorts/{cohort.slug}/surveys/pre"
    for value in ("1", "2", "3"):
        client.post(url, data={"explain_coproduction": value, "action": "save"})
    responses = db.session.scalars(select(SurveyResponse)).all()
    assert len(responses) == 1
    assert [(a.item_id, a.value) for a in responses[0].answers] == [("explain_coproduction", 3)]


def test_missing_answers_on_submit_are_field_errors_and_nothing_is_stored(
    make_cohort, make_membership, login_as, in_week
):
    cohort = make_cohort()
    client = login_as(make_membership(cohort).user)
    in_week(3)
    answers = full_answers()
    del answers["challenge_practice"]
    page = client.post(f"/cohorts/{cohort.slug}/surveys/pre", data={**answers, "action": "submit"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "There is a problem" in html and "<title>Error:" in html
    assert 'href="#challenge_practice"' in html and "Select an answer to question 4" in html
    assert 'id="challenge_practice-error"' in html
    assert _stored() == (0, 0)


def test_bad_values_unknown_items_and_huge_text_are_refused(
    make_cohort, make_membership, login_as, in_week
):
    cohort = make_cohort()
    client = login_as(make_membership(cohort).user)
    in_week(2)
    url = f"/cohorts/{cohort.slug}/surveys/pre"
    cases = [
        ({"explain_coproduction": "6"}, "Question 1: select one of the answers given"),
        ({"explain_coproduction": "0"}, "Question 1: select one of the answers given"),
        ({"overall_rating": "11"}, "Question 12: select one of the answers given"),
        ({"overall_rating": "seven"}, "Question 12: select one of the answers given"),
        ({"not_a_question": "3"}, "not in this survey"),
        ({"helps_most": "x" * 2001}, "Answer 13 must be 2,000 characters or fewer"),
    ]
    for bad, message in cases:
        for action in ("save", "submit"):
            page = client.post(url, data={**full_answers(), **bad, "action": action})
            assert page.status_code == 400, bad
            assert message in page.get_data(as_text=True)
    assert _stored() == (0, 0)


def test_closed_and_not_yet_open_waves_take_no_answers(
    make_cohort, make_membership, login_as, in_week, add_response
):
    cohort = make_cohort()
    member = make_membership(cohort)
    client = login_as(member.user)
    url = f"/cohorts/{cohort.slug}/surveys/pre"
    in_week(4)
    page = client.get(url).get_data(as_text=True)
    assert "This survey has closed" in page and "weeks 1 to 3" in page
    refused = client.post(url, data={**full_answers(), "action": "submit"})
    assert refused.status_code == 409
    in_week(10)
    page = client.get(f"/cohorts/{cohort.slug}/surveys/post").get_data(as_text=True)
    assert "This survey is not open yet" in page and "opens in week 35" in page
    assert (
        client.post(
            f"/cohorts/{cohort.slug}/surveys/post", data={**full_answers(), "action": "save"}
        ).status_code
        == 409
    )
    assert _stored() == (0, 0)
    # A draft left in a closed wave stays a draft: it cannot be submitted late.
    add_response(member, "pre", 3, submitted=False)
    in_week(5)
    client.post(url, data={**full_answers(), "action": "submit"})
    db.session.expire_all()
    assert db.session.scalar(select(SurveyResponse)).submitted_at is None


def test_a_break_keeps_an_open_wave_open_until_sessions_resume(
    app, make_cohort, make_membership, login_as
):
    from datetime import timedelta

    # The break is the calendar week after week 3, the last week of the pre wave.
    cohort = make_cohort(breaks=[START + timedelta(weeks=3)])
    client = login_as(make_membership(cohort).user)
    app.config["TODAY"] = (START + timedelta(weeks=3, days=2)).isoformat()
    assert "Submit your answers" in client.get(f"/cohorts/{cohort.slug}/surveys/pre").get_data(
        as_text=True
    )
    app.config["TODAY"] = (START + timedelta(weeks=4, days=2)).isoformat()  # week 4
    assert "This survey has closed" in client.get(f"/cohorts/{cohort.slug}/surveys/pre").get_data(
        as_text=True
    )


def test_unknown_waves_are_404(make_cohort, make_membership, login_as, in_week):
    cohort = make_cohort()
    client = login_as(make_membership(cohort).user)
    in_week(2)
    assert client.get(f"/cohorts/{cohort.slug}/surveys/later").status_code == 404
    assert client.get("/cohorts/no-such-cohort/surveys/pre").status_code == 404


def test_no_one_else_sees_a_response(
    make_cohort, make_membership, client_for, in_week, add_response
):
    cohort = make_cohort()
    owner = make_membership(cohort)
    other = make_membership(cohort)
    response = add_response(owner, "pre", 5, text="A secret about my manager")
    url = f"/cohorts/{cohort.slug}/surveys/responses/{response.id}"
    in_week(2)

    client = client_for(other.user)
    page = client.get(url)
    assert page.status_code == 404
    assert "secret" not in page.get_data(as_text=True)
    # Their own form is empty, not the owner's answers.
    form = client.get(f"/cohorts/{cohort.slug}/surveys/pre").get_data(as_text=True)
    assert "checked" not in form
    assert client.get(f"/cohorts/{cohort.slug}/surveys/responses/99999").status_code == 404

    for role in ("tutor", "lead"):
        staff = make_membership(cohort, role=role, group="Group A")
        client = client_for(staff.user)
        assert client.get(url).status_code in (403, 404)
        assert "secret" not in client.get(url).get_data(as_text=True)

    client = client_for(owner.user)
    assert "A secret about my manager" in client.get(url).get_data(as_text=True)


def test_members_of_another_cohort_are_refused(make_cohort, make_membership, login_as, in_week):
    cohort, elsewhere = make_cohort(), make_cohort()
    client = login_as(make_membership(elsewhere).user)
    in_week(2)
    assert client.get(f"/cohorts/{cohort.slug}/surveys/pre").status_code == 403


def test_week_tasks_show_the_wave_and_its_status(
    app, make_cohort, make_membership, in_week, add_response
):
    cohort = make_cohort()
    member = make_membership(cohort)

    def tasks(week):
        # This plugin's own hook (other plugins add their tasks to the combined list).
        from lms.plugins.surveys import lms_week_tasks

        with app.test_request_context():
            return lms_week_tasks(membership=member, week=week)

    in_week(1)
    assert [(t.title, t.status) for t in tasks(1)] == [
        ("Confidence in co-production: start of the programme", "to do")
    ]
    assert tasks(1)[0].href == f"/cohorts/{cohort.slug}/surveys/pre"
    assert tasks(5) == []
    assert tasks(35)[0].status == "not yet open"
    add_response(member, "pre", 3, submitted=False)
    assert tasks(2)[0].status == "in progress"
    in_week(4)
    assert tasks(2)[0].status == "closed"
    db.session.scalar(select(SurveyResponse)).submitted_at = db.func.now()
    db.session.commit()
    assert tasks(2)[0].status == "done"


def test_the_surveys_page_lists_the_waves(make_cohort, make_membership, login_as, in_week):
    cohort = make_cohort()
    client = login_as(make_membership(cohort).user)
    in_week(2)
    page = client.get(f"/cohorts/{cohort.slug}/surveys/").get_data(as_text=True)
    assert "Start of the programme (weeks 1 to 3)" in page
    assert "To do" in page and "Not yet open" in page
    assert f'href="/cohorts/{cohort.slug}/surveys/pre"' in page
    assert f'href="/cohorts/{cohort.slug}/surveys/post"' not in page
