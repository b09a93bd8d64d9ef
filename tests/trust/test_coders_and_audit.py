"""Issue 19, items 4 and 10: coders read only what their role reads elsewhere, and
reading others' words (review, coding pages) or downloading responses is audited."""

from __future__ import annotations

import json

from sqlalchemy import select

from lms.core.audit import AuditEvent
from lms.extensions import db
from tests.trust.conftest import SECRET_REFLECTION


def events(action: str) -> list[AuditEvent]:
    db.session.rollback()  # see what the requests committed
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def make_private_but_consented(world, client_for):
    """The victim keeps their submitted week 1 reflection to themselves, yet lets the
    evaluation use it: through the sharing form, as they would."""
    victim = client_for(world.victim.user)
    response = victim.post(
        f"/cohorts/{world.slug}/reflections/weeks/1/sharing",
        data={"sharing": "private", "evaluation_consent": "y"},
    )
    assert response.status_code == 302


def test_a_private_consented_reflection_is_coded_by_no_tutor(world, clients, client_for):
    make_private_but_consented(world, client_for)
    source = world.ids["victim_source"]
    for role in ("tutor", "tutor_other"):
        page = clients[role].get(f"/cohorts/{world.slug}/evaluation/texts/{source}")
        assert page.status_code == 404, role
        assert SECRET_REFLECTION not in page.get_data(as_text=True)
        listing = clients[role].get(f"/cohorts/{world.slug}/evaluation/texts")
        assert listing.status_code == 200
        assert source not in listing.get_data(as_text=True), role
        themes = clients[role].get(f"/cohorts/{world.slug}/evaluation/themes")
        assert themes.status_code == 200
        assert "quokka" not in themes.get_data(as_text=True), role
        # Nor can they code it by posting its words.
        coded = clients[role].post(
            f"/cohorts/{world.slug}/evaluation/texts/{source}",
            data={"excerpt": SECRET_REFLECTION, "themes": [str(world.ids["theme"])]},
        )
        assert coded.status_code == 404
    # The lead reads consented content: the evaluation may use it.
    lead = clients["lead"].get(f"/cohorts/{world.slug}/evaluation/texts/{source}")
    assert lead.status_code == 200 and SECRET_REFLECTION in lead.get_data(as_text=True)


def test_a_shared_consented_reflection_is_coded_by_its_group_tutor_only(world, clients):
    source = world.ids["victim_source"]
    own = clients["tutor"].get(f"/cohorts/{world.slug}/evaluation/texts/{source}")
    assert own.status_code == 200 and SECRET_REFLECTION in own.get_data(as_text=True)
    other = clients["tutor_other"].get(f"/cohorts/{world.slug}/evaluation/texts/{source}")
    assert other.status_code == 404 and SECRET_REFLECTION not in other.get_data(as_text=True)
    listing = clients["tutor_other"].get(f"/cohorts/{world.slug}/evaluation/texts")
    assert listing.status_code == 200 and source not in listing.get_data(as_text=True)
    themes = clients["tutor_other"].get(f"/cohorts/{world.slug}/evaluation/themes")
    assert themes.status_code == 200 and "quokka" not in themes.get_data(as_text=True)
    # The other tutor's group's texts are still theirs to code: the page is not empty.
    assert "Week" in listing.get_data(as_text=True)


def test_a_tutor_reading_a_reflection_in_review_is_audited(world, clients):
    entry = world.ids["victim_entry"]
    page = clients["tutor"].get(f"/cohorts/{world.slug}/reflections/review/{entry}")
    assert page.status_code == 200 and SECRET_REFLECTION in page.get_data(as_text=True)
    [event] = events("reflection.viewed")
    assert event.actor_id == world.users["tutor"].id
    assert event.subject_user_id == world.ids["victim_user"]
    assert json.loads(event.details)["entry"] == entry
    refused = clients["tutor_other"].get(f"/cohorts/{world.slug}/reflections/review/{entry}")
    assert refused.status_code == 404
    assert len(events("reflection.viewed")) == 1  # a refusal shows nothing to log


def test_coders_reading_texts_are_audited(world, clients):
    source = world.ids["victim_source"]
    assert clients["tutor"].get(f"/cohorts/{world.slug}/evaluation/texts").status_code == 200
    page = clients["tutor"].get(f"/cohorts/{world.slug}/evaluation/texts/{source}")
    assert page.status_code == 200
    assert clients["lead"].get(f"/cohorts/{world.slug}/evaluation/themes").status_code == 200
    found = [(e.actor_id, json.loads(e.details)["page"]) for e in events("evaluation_texts.viewed")]
    assert found == [
        (world.users["tutor"].id, "texts"),
        (world.users["tutor"].id, "text"),
        (world.users["lead"].id, "themes"),
    ]
    page = clients["admin"].get("/admin/audit")
    assert "Viewed others&#39; texts for thematic coding" in page.get_data(as_text=True)


def test_a_lead_downloading_survey_responses_is_audited(world, clients):
    for fmt in ("csv", "xlsx"):
        response = clients["lead"].get(f"/cohorts/{world.slug}/surveys/responses.{fmt}")
        assert response.status_code == 200
    found = [json.loads(e.details) for e in events("data.exported")]
    assert [(d["what"], d["format"]) for d in found] == [
        ("survey responses", "csv"),
        ("survey responses", "xlsx"),
    ]
    assert all(e.actor_id == world.users["lead"].id for e in events("data.exported"))


def test_search_next_text_and_memos_keep_to_what_a_tutor_reads(world, clients):
    """Finding texts and reading memos go through the same visibility: another group's
    tutor never finds, is sent to, or reads a memo on the victim's reflection."""
    source, slug = world.ids["victim_source"], world.slug
    texts = f"/cohorts/{slug}/evaluation/texts"
    memo = f"{texts}/{source}/codings/{world.ids['memo_coding']}/memo"
    saved = clients["tutor"].post(memo, data={"memo": "Quokka memo: compare week 2."})
    assert saved.status_code == 302
    theme = f"/cohorts/{slug}/evaluation/codebook/{world.ids['theme']}"
    own = clients["tutor"].get(theme)
    assert own.status_code == 200 and "Quokka memo: compare week 2." in own.text
    other = clients["tutor_other"]
    found = other.get(f"{texts}?q=quokka")
    assert found.status_code == 200
    assert source not in found.text and "No texts match these filters." in found.text
    # Following "next" round every text they may code never reaches the victim's.
    seen, after = set(), ""
    for _ in range(100):
        response = other.get(f"{texts}/next?after={after}")
        assert response.status_code == 302
        location = response.headers["Location"]
        assert source not in location
        after = location.rsplit("/", 1)[1] if location.startswith(f"{texts}/") else ""
        if not after or after in seen:
            break
        seen.add(after)
    assert seen  # their own group's texts are found
    page = other.get(theme)
    assert page.status_code == 200
    assert "Quokka memo" not in page.text and "quokka" not in page.text
