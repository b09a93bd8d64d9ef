"""What the evaluation reads from the surveys: the contract keys of the headline table,
and free-text answers of consenting members only (`lms_codable_texts`)."""

from __future__ import annotations

from sqlalchemy import event

from lms.core.models import utcnow
from lms.extensions import db
from lms.plugins import surveys as plugin
from tests.conftest import record_consent
from tests.plugins.surveys.test_results import cohort_with_results  # noqa: F401 - fixture


def test_the_headline_table_uses_the_evaluation_contract(app, cohort_with_results):  # noqa: F811
    cohort, _, _ = cohort_with_results
    [table] = plugin.lms_evaluation_tables(cohort)
    assert table["key"] == "confidence-change" and table["section"] == "confidence"
    assert table["count_columns"] == ["People paired"]
    assert set(table["count_columns"]) <= set(table["columns"])
    chart = table["chart"]
    assert chart["kind"] == "slope" and chart["x"] == "Measure"
    assert chart["y"] == ["Mean at start", "Mean at end"]
    assert set(chart["y"]) <= set(table["columns"])
    assert table["suppressed"] and table["description"]
    # Figures only: the free text "Named colleague Jo Bloggs" is never in a table.
    assert "Jo Bloggs" not in repr(table)


def test_codable_texts_are_consenting_members_free_text(
    app,
    make_cohort,
    make_membership,
    add_response,  # noqa: F811
):
    cohort = make_cohort()
    consenting = make_membership(cohort, evaluation_consent=True)
    refused = make_membership(cohort, evaluation_consent=False)
    left = make_membership(cohort, evaluation_consent=True)
    add_response(consenting, "pre", 3, text="Time protected to meet people")
    add_response(refused, "pre", 3, text="Not for the evaluation")
    add_response(left, "pre", 3, text="Said before leaving")
    add_response(consenting, "post", 4, submitted=False, text="A draft, not submitted")
    left.withdrawn_at = utcnow()
    db.session.commit()

    [text] = plugin.lms_codable_texts(cohort=cohort, sources=None, reader=None)
    assert text.text == "Time protected to meet people"
    assert text.kind == "survey" and text.membership_id == consenting.id
    assert text.source.startswith("surveys:") and text.source.endswith(":helps_most")
    assert " " not in text.source and "/" not in text.source
    # The label is the question, never a name.
    assert "help" in text.label.lower() and consenting.user.family_name not in text.label
    assert text.week == 1  # the pre wave opens in week 1

    # Asked for known sources, only those still codable come back.
    assert plugin.lms_codable_texts(cohort=cohort, sources=[text.source], reader=None) == [text]
    assert plugin.lms_codable_texts(cohort=cohort, sources=["reflections:1:x"], reader=None) == []
    record_consent(consenting, False)
    db.session.commit()
    assert plugin.lms_codable_texts(cohort=cohort, sources=[text.source], reader=None) == []
    assert plugin.lms_codable_texts(cohort=cohort, sources=None, reader=None) == []


def test_asking_for_sources_is_one_query(app, make_cohort, make_membership, add_response):  # noqa: F811
    cohort = make_cohort()
    sources = []
    for _ in range(6):
        member = make_membership(cohort, evaluation_consent=True)
        add_response(member, "pre", 3, text="Words")
    sources = [t.source for t in plugin.lms_codable_texts(cohort=cohort, sources=None, reader=None)]
    statements = []

    def listener(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        found = plugin.lms_codable_texts(cohort=cohort, sources=sources[:3], reader=None)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert [t.source for t in found] == sources[:3]
    assert len(statements) == 1


def test_erased_members_text_is_not_codable(app, make_cohort, make_membership, add_response):  # noqa: F811
    cohort = make_cohort()
    member = make_membership(cohort, evaluation_consent=True)
    add_response(member, "pre", 3, text="Mine to take back")
    add_response(member, "post", 4)
    assert plugin.lms_codable_texts(cohort=cohort, sources=None, reader=None)
    plugin.lms_erase_personal_data(member.user)
    db.session.commit()
    assert plugin.lms_codable_texts(cohort=cohort, sources=None, reader=None) == []
