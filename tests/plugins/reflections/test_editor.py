"""Writing a reflection: drafts with and without JavaScript, submission, versions,
stale-version conflicts and bad input. Nothing typed is lost."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms.extensions import db
from lms.plugins.reflections.models import Entry, Version
from tests.plugins.reflections.conftest import (
    GIBBS,
    answers,
    based_on,
    editor,
    week_statuses,
)


def versions(membership, week=4):
    return list(
        db.session.scalars(
            select(Version)
            .join(Entry)
            .where(Entry.membership_id == membership.id, Entry.week == week)
            .order_by(Version.number)
        )
    )


def test_the_editor_shows_the_weeks_prompts_with_character_counts(client_for, cohort, trainee):
    page = client_for(trainee.user).get(editor(cohort)).get_data(as_text=True)
    assert "Your week 4 reflection" in page
    assert "What were you thinking and feeling?" in page
    assert page.count('data-module="govuk-character-count"') == len(GIBBS)
    assert 'data-maxlength="50000"' in page
    assert "autosave.js" in page


def test_save_draft_without_javascript_keeps_a_version(client_for, cohort, trainee):
    browser = client_for(trainee.user)
    data = answers(feelings="", what_happened="We met the carers' group.")
    response = browser.post(editor(cohort), data={**data, "based_on": "0", "save_draft": "Save"})
    assert response.status_code == 302
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Draft saved at" in page
    assert "We met the carers&#39; group." in page
    assert based_on(page) == "1"
    [version] = versions(trainee)
    assert (
        version.kind == "draft" and version.answers["what_happened"] == "We met the carers' group."
    )
    assert version.answers["feelings"] == ""  # a draft may be incomplete


def test_autosave_returns_json_and_the_editor_continues_from_it(client_for, cohort, trainee):
    browser = client_for(trainee.user)
    url = editor(cohort) + "/autosave"
    headers = {"X-Requested-With": "XMLHttpRequest"}
    first = browser.post(url, data={**answers(), "based_on": "0"}, headers=headers)
    assert first.status_code == 200
    assert first.json["version"] == 1 and first.json["saved_at"]
    second = browser.post(
        url, data={**answers(analysis="More thought."), "based_on": "1"}, headers=headers
    )
    assert second.json["version"] == 2
    # Unchanged text adds no version.
    same = browser.post(
        url, data={**answers(analysis="More thought."), "based_on": "2"}, headers=headers
    )
    assert same.json["version"] == 2
    assert [v.number for v in versions(trainee)] == [1, 2]
    page = browser.get(editor(cohort)).get_data(as_text=True)
    assert "More thought." in page and based_on(page) == "2"


def test_a_save_from_a_stale_tab_is_refused_and_both_texts_are_shown(client_for, cohort, trainee):
    browser = client_for(trainee.user)
    browser.post(
        editor(cohort),
        data={**answers(what_happened="Tab one text"), "based_on": "0", "save_draft": "Save"},
    )
    browser.post(
        editor(cohort),
        data={**answers(what_happened="Tab one, later"), "based_on": "1", "save_draft": "Save"},
    )
    # Tab two opened at version 1 and now saves.
    response = browser.post(
        editor(cohort),
        data={**answers(what_happened="Tab two text"), "based_on": "1", "save_draft": "Save"},
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Your changes were not saved" in page
    assert "Tab two text" in page  # yours, in the form
    assert "Tab one, later" in page  # the saved one, beside it
    assert based_on(page) == "2"  # saving again is now a deliberate choice
    assert [v.answers["what_happened"] for v in versions(trainee)] == [
        "Tab one text",
        "Tab one, later",
    ]


def test_a_stale_background_save_answers_409_with_the_saved_text(client_for, cohort, trainee):
    browser = client_for(trainee.user)
    url = editor(cohort) + "/autosave"
    browser.post(url, data={**answers(feelings="first"), "based_on": "0"})
    browser.post(url, data={**answers(feelings="second"), "based_on": "1"})
    stale = browser.post(url, data={**answers(feelings="old tab"), "based_on": "1"})
    assert stale.status_code == 409
    assert "another tab" in stale.json["error"]
    assert stale.json["version"] == 2 and stale.json["saved_answers"]["feelings"] == "second"
    assert [v.answers["feelings"] for v in versions(trainee)] == ["first", "second"]


def test_submitting_needs_every_answer_and_says_which_are_missing(client_for, cohort, trainee):
    browser = client_for(trainee.user)
    data = answers(feelings="  ", action_plan="", analysis="Kept analysis")
    response = browser.post(
        editor(cohort), data={**data, "based_on": "0", "submit_entry": "Submit"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Answer ‘What were you thinking and feeling?’ before you submit" in page
    assert "Answer ‘What will you do next time?’ before you submit" in page
    assert "Kept analysis" in page
    assert versions(trainee) == []


def test_submission_and_revision_keep_every_version(client_for, cohort, trainee):
    browser = client_for(trainee.user)
    browser.post(editor(cohort), data={**answers(), "based_on": "0", "submit_entry": "Submit"})
    browser.post(
        editor(cohort),
        data={**answers(conclusion="Revised."), "based_on": "1", "submit_entry": "Submit"},
    )
    assert [(v.number, v.kind) for v in versions(trainee)] == [(1, "submitted"), (2, "submitted")]
    entry = db.session.scalar(select(Entry).where(Entry.membership_id == trainee.id))
    assert entry.submitted_version == 2 and not entry.late  # week 4 is due on 4 October
    history = browser.get(editor(cohort) + "/history").get_data(as_text=True)
    assert "Version 2 (submitted)" in history and "Version 1 (submitted)" in history
    assert "Revised." in history and "My answer about conclusion." in history


def test_late_submissions_are_accepted_and_marked_late(client_for, cohort, trainee):
    browser = client_for(trainee.user)
    # Week 1 was due on 13 September; today is 1 October.
    week1 = browser.get(editor(cohort, 1)).get_data(as_text=True)
    fields = {name: "Late but here." for name in set(re.findall(r'name="(answer_\w+)"', week1))}
    browser.post(editor(cohort, 1), data={**fields, "based_on": "0", "submit_entry": "Submit"})
    entry = db.session.scalar(select(Entry).where(Entry.membership_id == trainee.id))
    assert entry.late and entry.submitted_version == 1
    page = browser.get(f"/cohorts/{cohort.slug}/reflections/").get_data(as_text=True)
    assert week_statuses(page)[0] == "Submitted late"


def test_fifty_thousand_characters_are_accepted_and_more_are_refused_but_kept(
    client_for, cohort, trainee
):
    browser = client_for(trainee.user)
    long_text = "word " * 10_000  # exactly 50,000 characters
    ok = browser.post(
        editor(cohort), data={**answers(analysis=long_text), "based_on": "0", "save_draft": "Save"}
    )
    assert ok.status_code == 302
    assert len(versions(trainee)[0].answers["analysis"]) == 50_000
    too_long = long_text + "extra words at the very end"
    response = browser.post(
        editor(cohort), data={**answers(analysis=too_long), "based_on": "1", "save_draft": "Save"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "must be 50,000 characters or fewer: it has 50,027" in page
    assert "extra words at the very end" in page  # the text stays in the form
    assert len(versions(trainee)) == 1


def test_html_in_answers_is_shown_as_text_never_run(client_for, cohort, trainee):
    browser = client_for(trainee.user)
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    browser.post(
        editor(cohort), data={**answers(feelings=attack), "based_on": "0", "submit_entry": "Submit"}
    )
    for url in (editor(cohort), editor(cohort) + "/history"):
        page = browser.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;" in page


def test_weeks_outside_the_course_are_not_found(client_for, cohort, trainee):
    browser = client_for(trainee.user)
    for week in (0, 36, 999):
        assert browser.get(editor(cohort, week)).status_code == 404
        assert browser.post(editor(cohort, week), data={"based_on": "0"}).status_code == 404


def test_a_week_not_yet_open_cannot_be_written(client_for, cohort, trainee):
    browser = client_for(trainee.user)
    page = browser.get(editor(cohort, 10)).get_data(as_text=True)
    assert "This reflection is not open yet" in page and "<textarea" not in page
    response = browser.post(
        editor(cohort, 10), data={**answers(), "based_on": "0", "save_draft": "Save"}
    )
    assert response.status_code == 400
    assert db.session.scalar(select(Entry)) is None


def test_the_weeks_list_shows_a_status_for_each_course_week(client_for, cohort, trainee):
    browser = client_for(trainee.user)
    browser.post(editor(cohort, 4), data={**answers(), "based_on": "0", "save_draft": "Save"})
    browser.post(editor(cohort, 3), data={**answers(), "based_on": "0", "submit_entry": "Go"})
    page = browser.get(f"/cohorts/{cohort.slug}/reflections/").get_data(as_text=True)
    assert page.count('class="govuk-task-list__item') == 35
    assert "Week 35:" in page
    assert (
        week_statuses(page)
        == ["Overdue", "Overdue", "Submitted late", "Draft"] + ["Not yet open"] * 31
    )
    assert f'href="{editor(cohort, 4)}"' in page


def test_submitting_right_after_a_background_save_of_the_same_text_is_no_conflict(
    client_for, cohort, trainee
):
    browser = client_for(trainee.user)
    browser.post(editor(cohort) + "/autosave", data={**answers(), "based_on": "0"})
    # The page still said version 0 when the button was pressed.
    response = browser.post(
        editor(cohort), data={**answers(), "based_on": "0", "submit_entry": "Submit"}
    )
    assert response.status_code == 302
    assert [(v.number, v.kind) for v in versions(trainee)] == [(1, "draft"), (2, "submitted")]


def test_new_entries_follow_the_cohorts_sharing_default(client_for, make_cohort, make_membership):
    from datetime import date

    closed = make_cohort(slug="closed", start=date(2026, 9, 7), reflections_shared_by_default=False)
    member = make_membership(closed, "trainee", group="Group A")
    browser = client_for(member.user)
    page = browser.get(editor(closed)).get_data(as_text=True)
    assert 'value="private" checked' in page
    browser.post(editor(closed), data={**answers(), "based_on": "0", "submit_entry": "Go"})
    assert db.session.scalar(select(Entry)).shared is False
