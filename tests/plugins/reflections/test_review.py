"""Tutor feedback: the review queue (oldest first), threads with replies, reviewed."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from lms.extensions import db
from lms.plugins.reflections import services
from lms.plugins.reflections.models import Entry, Feedback
from tests.plugins.reflections.conftest import answers, editor


def submit(membership, week=4, text="Reflection text", at=None):
    prompts = services.prompts_for(membership.cohort, week)
    version = services.save(membership, week, {p.id: text for p in prompts}, 0, submit=True)
    if at is not None:
        version.entry.submitted_at = at
    db.session.commit()
    return version.entry


def queue_names(page: str) -> list[str]:

    return re.findall(r'reflections/review/\d+">([^<]+)</a>', page)


def test_the_queue_lists_unreviewed_entries_oldest_first(
    client_for, cohort, make_membership, make_user, tutor
):
    people = [
        make_membership(
            cohort, "trainee", user=make_user(given_name=name, family_name="X"), group="Group A"
        )
        for name in ("Newest", "Oldest", "Middle")
    ]
    submit(people[0], at=datetime(2026, 9, 30, 21))
    submit(people[1], at=datetime(2026, 9, 28, 9))
    submit(people[2], at=datetime(2026, 9, 29, 12))
    reviewed = submit(people[2], week=3, at=datetime(2026, 9, 20, 8))
    reviewed.reviewed_at = datetime(2026, 9, 21)
    db.session.commit()
    page = client_for(tutor.user).get(f"/cohorts/{cohort.slug}/reflections/review")
    text = page.get_data(as_text=True)

    assert queue_names(text) == ["Oldest X", "Middle X", "Newest X"]
    assert "3 reflections to review, oldest first" in text


def test_feedback_thread_reply_and_reviewed(client_for, cohort, trainee, tutor):
    entry = submit(trainee, text="What I learned")
    tutor_browser = client_for(tutor.user)
    url = f"/cohorts/{cohort.slug}/reflections/review/{entry.id}"

    empty = tutor_browser.post(url, data={"body": "   "})
    assert empty.status_code == 400 and "Enter a message" in empty.get_data(as_text=True)
    assert db.session.scalar(select(Feedback)) is None

    sent = tutor_browser.post(url, data={"body": "Lovely work. What would you change?"})
    assert sent.status_code == 302
    trainee_browser = client_for(trainee.user)
    page = trainee_browser.get(editor(cohort)).get_data(as_text=True)
    assert "Lovely work. What would you change?" in page and "Reply to your tutor" in page

    replied = trainee_browser.post(editor(cohort) + "/reply", data={"body": "I would ask first."})
    assert replied.status_code == 302
    thread = tutor_browser.get(url).get_data(as_text=True)
    assert "Lovely work." in thread and "I would ask first." in thread
    assert [f.author_role for f in db.session.scalars(select(Feedback).order_by(Feedback.id))] == [
        "tutor",
        "trainee",
    ]

    done = tutor_browser.post(url + "/reviewed", data={})
    assert done.status_code == 302
    queue = tutor_browser.get(done.headers["Location"]).get_data(as_text=True)
    assert "marked as reviewed" in queue and "Nothing to review" in queue
    assert db.session.get(Entry, entry.id).reviewed_at is not None
    statuses = trainee_browser.get(f"/cohorts/{cohort.slug}/reflections/").get_data(as_text=True)
    assert "Reviewed" in statuses


def test_a_revised_submission_returns_to_the_queue(client_for, cohort, trainee, tutor):
    entry = submit(trainee, text="First go")
    entry.reviewed_at = datetime(2026, 9, 30)
    db.session.commit()
    browser = client_for(trainee.user)
    browser.post(editor(cohort), data={**answers(), "based_on": "1", "submit_entry": "Go"})
    queue = client_for(tutor.user).get(f"/cohorts/{cohort.slug}/reflections/review")
    assert queue_names(queue.get_data(as_text=True)) == ["Tara Trainee"]


def test_a_tutor_reads_the_submitted_version_not_later_drafts(client_for, cohort, trainee, tutor):
    entry = submit(trainee, text="Submitted words")
    browser = client_for(trainee.user)
    browser.post(
        editor(cohort),
        data={**answers(feelings="Unsubmitted draft words"), "based_on": "1", "save_draft": "Save"},
    )
    page = client_for(tutor.user).get(f"/cohorts/{cohort.slug}/reflections/review/{entry.id}")
    text = page.get_data(as_text=True)
    assert "Submitted words" in text and "Unsubmitted draft words" not in text


def test_the_grid_shows_each_members_status_per_week(client_for, cohort, trainee, tutor):
    submit(trainee, week=1)
    services.save(trainee, 4, {"feelings": "draft"}, 0)
    db.session.commit()
    page = client_for(tutor.user).get(f"/cohorts/{cohort.slug}/reflections/grid")
    text = " ".join(page.get_data(as_text=True).split())
    assert "Tara Trainee" in text
    row = text.split("Tara Trainee")[1].split("</tr>")[0]

    assert re.findall(r"govuk-tag[^>]*> ?([^<]+?) ?</strong>", row)[:5] == [
        "Submitted late",
        "Overdue",
        "Overdue",
        "Draft",
        "Not yet open",
    ]
