"""Evaluation consent, portfolio export, personal data, demo data and the hooks."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from flask import current_app
from sqlalchemy import func, select

from lms.core.models import Membership
from lms.extensions import db
from lms.plugins.reflections import services
from lms.plugins.reflections.models import Entry, Feedback, Version
from tests.conftest import record_consent
from tests.plugins.reflections.conftest import TODAY, editor


def write(membership, week=4, text="Answer", submit=True):
    prompts = services.prompts_for(membership.cohort, week)
    version = services.save(membership, week, {p.id: text for p in prompts}, 0, submit=submit)
    db.session.commit()
    return version.entry


def codable(cohort, sources=None):
    from lms.plugins import reflections as plugin

    return plugin.lms_codable_texts(cohort=cohort, sources=sources, reader=None)


def weekly_table(cohort):
    from lms.plugins import reflections as plugin

    [table] = plugin.lms_evaluation_tables(cohort=cohort)
    return table


def test_withdrawing_consent_removes_the_entry_from_evaluation_views(client_for, cohort, trainee):
    record_consent(trainee, True)
    write(trainee, text="Consented words")
    browser = client_for(trainee.user)
    browser.post(editor(cohort) + "/sharing", data={"sharing": "tutors", "evaluation_consent": "y"})
    texts = codable(cohort)
    assert len(texts) == 6 and {t.text for t in texts} == {"Consented words"}
    assert texts[0].label.startswith("Week 4 reflection: ")
    assert "Tara" not in repr(texts)  # de-identified: a membership id, never a name
    keys = [t.source for t in texts]
    assert [t.source for t in codable(cohort, sources=keys[:2] + ["surveys:1:x"])] == keys[:2]

    page = browser.get(editor(cohort)).get_data(as_text=True)
    assert 'name="evaluation_consent" type="checkbox" value="y" checked' in page

    browser.post(editor(cohort) + "/sharing", data={"sharing": "tutors"})  # unticked
    assert codable(cohort) == []
    assert codable(cohort, sources=keys) == []
    assert db.session.scalar(select(Entry)).consent_changed_at is not None


def test_a_revision_is_new_text_with_new_source_keys(cohort, trainee):
    record_consent(trainee, True)
    entry = write(trainee, text="First")
    services.set_sharing(entry, shared=True, consent=True)
    db.session.commit()
    before = {t.source for t in codable(cohort)}
    prompts = services.prompts_for(cohort, 4)
    services.save(trainee, 4, {p.id: "Second" for p in prompts}, 1, submit=True)
    db.session.commit()
    assert codable(cohort, sources=before) == []
    assert {t.text for t in codable(cohort)} == {"Second"}


def test_cohort_wide_consent_and_submission_are_needed_too(cohort, trainee):
    entry = write(trainee, text="Not consented at cohort level")
    services.set_sharing(entry, shared=True, consent=True)
    db.session.commit()
    assert codable(cohort) == []  # the membership has not consented
    record_consent(trainee, True)
    draft = write(trainee, week=3, text="Draft only", submit=False)
    services.set_sharing(draft, shared=True, consent=True)
    db.session.commit()
    assert {t.text for t in codable(cohort)} == {"Not consented at cohort level"}


def test_evaluation_figures_count_consenting_members_and_suppress_small_cells(
    cohort, make_membership
):
    members = [make_membership(cohort, "trainee", evaluation_consent=True) for _ in range(7)]
    refuser = make_membership(cohort, "trainee", evaluation_consent=False)
    for member in members + [refuser]:
        write(member, week=4)  # on time
    for member in members[:2]:
        write(member, week=2)  # late
    table = weekly_table(cohort)
    assert "text" not in repr(table["rows"]).lower()
    assert table["rows"] == [
        # Two submitted, none reviewed: every part of a total below 5 is hidden.
        [2, "fewer than 5", "fewer than 5"],
        [4, 7, 0],  # the member without consent is not counted
    ]
    for member in members[2:]:
        write(member, week=2)
    for member in members[:6]:
        write(member, week=3)
    rows = {row[0]: row for row in weekly_table(cohort)["rows"]}
    assert rows[2] == [2, 7, 0]
    # 6 of the 7: the one who did not submit would show through the count.
    assert rows[3] == [3, "not shown", 0]


def test_portfolio_downloads_as_markdown_and_docx(client_for, cohort, trainee, tutor):
    entry = write(trainee, text="My portfolio answer")
    db.session.add(
        Feedback(
            entry_id=entry.id,
            author_id=tutor.user_id,
            author_role="tutor",
            version_number=1,
            body="Tutor says well done",
        )
    )
    db.session.commit()
    browser = client_for(trainee.user)
    markdown = browser.get(f"/cohorts/{cohort.slug}/reflections/portfolio.md")
    assert markdown.headers["Content-Disposition"].endswith('.md"')
    text = markdown.get_data(as_text=True)
    assert "# Reflective log: Tara Trainee" in text
    assert "## Week 4: Personal and Public Involvement in Northern Ireland" in text
    assert "My portfolio answer" in text and "**Tutor:** Tutor says well done" in text
    docx = browser.get(f"/cohorts/{cohort.slug}/reflections/portfolio.docx")
    document = Document(io.BytesIO(docx.data))
    paragraphs = [p.text for p in document.paragraphs]
    assert "My portfolio answer" in paragraphs
    assert "Week 4: Personal and Public Involvement in Northern Ireland" in paragraphs
    assert browser.get(f"/cohorts/{cohort.slug}/reflections/portfolio.pdf").status_code == 404


def test_personal_data_export_and_erasure_keep_counts(cohort, trainee, tutor):
    manager = current_app.extensions["lms"]
    entry = write(trainee, text="Personal words")
    db.session.add(
        Feedback(
            entry_id=entry.id,
            author_id=trainee.user_id,
            author_role="trainee",
            version_number=1,
            body="My reply",
        )
    )
    db.session.commit()
    [data] = [
        d for d in manager.results("lms_personal_data", user=trainee.user) if "reflections" in d
    ]
    [exported] = data["reflections"]["reflections"]
    assert exported["week"] == 4 and exported["versions"][0]["answers"]["feelings"] == (
        "Personal words"
    )
    assert exported["feedback"][0]["message"] == "My reply"

    manager.hook.lms_erase_personal_data(user=trainee.user)
    db.session.commit()
    assert db.session.scalar(select(func.count(Entry.id))) == 1
    assert db.session.scalar(select(func.count(Version.id))) == 1
    version = db.session.scalar(select(Version))
    assert set(version.answers.values()) == {"[erased]"}
    assert db.session.scalar(select(Feedback)).body == "[erased]"
    assert "Personal words" not in repr(manager.results("lms_personal_data", user=trainee.user))


def test_week_tasks_show_due_overdue_done_and_reviewed(app, cohort, trainee):
    from lms.plugins import reflections as plugin

    def task(week):
        with app.test_request_context():
            [result] = plugin.lms_week_tasks(membership=trainee, week=week)
        return result

    assert task(2).status == "overdue"
    assert task(4).status == "due" and task(4).due == date(2026, 10, 4)
    assert task(4).href == editor(cohort)
    assert task(10).status == "not yet open"
    write(trainee, week=2)
    assert task(2).status == "done" and task(2).hint == "Submitted late"
    entry = write(trainee, week=3)
    entry.reviewed_at = entry.submitted_at
    db.session.commit()
    assert task(3).status == "reviewed"


def test_navigation_offers_reflections_and_the_review_queue(client_for, cohort, trainee, tutor):
    trainee_page = client_for(trainee.user).get("/dashboard").get_data(as_text=True)
    assert f'href="/cohorts/{cohort.slug}/reflections/"' in trainee_page
    assert "Review queue" not in trainee_page
    tutor_page = client_for(tutor.user).get("/dashboard").get_data(as_text=True)
    assert f'href="/cohorts/{cohort.slug}/reflections/review"' in tutor_page


def test_demo_data_is_a_realistic_spread_and_idempotent(app):
    from lms.core.demo import create_demo

    cohort, _ = create_demo(today=TODAY)
    db.session.commit()
    entries = list(
        db.session.scalars(select(Entry).join(Membership).where(Membership.cohort_id == cohort.id))
    )
    count = db.session.scalar(select(func.count(Entry.id)))  # with last year's cohort too
    assert count > 100
    assert any(e.late for e in entries)
    assert any(not e.is_submitted for e in entries)
    assert any(e.reviewed_at for e in entries)
    assert db.session.scalar(select(func.count(Feedback.id))) > 10
    trainees = [m for m in cohort.memberships if m.role == "trainee"]
    assert len({e.membership_id for e in entries}) == len(trainees)
    app.extensions["lms"].hook.lms_demo_data(cohort=cohort)
    db.session.commit()
    assert db.session.scalar(select(func.count(Entry.id))) == count


def test_the_autosave_script_is_served_to_signed_in_people(client_for, client, cohort, trainee):
    url = f"/cohorts/{cohort.slug}/reflections/static/autosave.js"
    response = client_for(trainee.user).get(url)
    assert response.status_code == 200 and b"X-Requested-With" in response.data
    response.close()


def test_the_app_works_with_the_plugin_disabled(make_app, make_user):
    other = make_app(DISABLED_PLUGINS=["reflections"])
    assert not any(rule.endpoint.startswith("reflections.") for rule in other.url_map.iter_rules())
    with other.app_context():
        user = make_user()
        browser = other.test_client()
        browser.post("/sign-in", data={"email": user.email, "password": "correct horse battery"})
        page = browser.get("/dashboard").get_data(as_text=True)
    assert "Reflections" not in page
