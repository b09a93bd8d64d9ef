"""Cohort figures for the lead and the evaluation, with small-cell suppression."""

from __future__ import annotations

from lms.plugins.initiatives.reports import (
    HIDDEN,
    cohort_summary,
    evaluation_tables,
    shown_mean,
    suppress_set,
)
from tests.plugins.initiatives.test_board import give_initiative

FEWER = "fewer than 5"
MEAN_HIDDEN = "not shown (fewer than 5)"


def test_counts_under_five_are_hidden_and_cannot_be_worked_out(app):
    assert suppress_set([("a", 7), ("b", 0), ("c", 12)]) == [("a", "7"), ("b", "0"), ("c", "12")]
    # One small cell: the next smallest is hidden too, so subtraction reveals nothing.
    assert suppress_set([("a", 7), ("b", 2), ("c", 12)]) == [
        ("a", HIDDEN),
        ("b", FEWER),
        ("c", "12"),
    ]
    # Two small cells already hide each other.
    assert suppress_set([("a", 1), ("b", 2), ("c", 12)]) == [
        ("a", FEWER),
        ("b", FEWER),
        ("c", "12"),
    ]
    assert shown_mean([1, 2, 3, 4]) == MEAN_HIDDEN
    assert shown_mean([1, 2, 3, 4, 5]) == "3.0"


def test_the_summary_counts_movement_means_and_tags(make_cohort, make_membership):
    cohort = make_cohort()
    for number in range(6):
        member = make_membership(cohort, group="Group A", evaluation_consent=number > 0)
        give_initiative(member, rags=("green", "green") if number else ("amber", "red"))
    summary = cohort_summary(cohort)
    assert (summary.trainees, summary.initiatives, summary.with_updates) == (6, 6, 6)
    assert summary.rag == [
        ("On track", HIDDEN),
        ("At risk", "0"),
        ("Off track", FEWER),
        ("No update yet", "0"),
    ]
    assert summary.movement[0] == ("Moved up the ladder", "6")
    assert summary.mean_rung == ("3.0", "4.0")
    assert ("Practice", "2.0", "2.0") in summary.jigsaw
    assert summary.barriers == [("Silo working", "6")]

    consented = cohort_summary(cohort, consented_only=True)
    assert consented.trainees == 5
    tables = evaluation_tables(cohort)
    assert [t["title"].split(":")[0] for t in tables] == [
        "Change initiatives",
        "Participation on Arnstein's ladder",
        "Initiatives on each rung of Arnstein's ladder",
        "Mean rung on Arnstein's ladder",
        "SCIE whole-system jigsaw",
        "Barriers and enablers",
        "Participation seen from both sides",
    ]
    by_key = {t["key"]: t for t in tables}
    assert by_key["initiatives-rag"]["rows"][0] == ["On track", "5"]
    assert ["Barrier", "Silo working", "5"] in by_key["initiatives-barriers-enablers"]["rows"]
    assert len(by_key) == len(tables)
    for table in tables:
        assert all(len(row) == len(table["columns"]) for row in table["rows"])
        # The evaluation contract's optional keys, consistent with the columns.
        assert table["section"] == "initiatives" and table["description"]
        assert set(table.get("count_columns", [])) <= set(table["columns"])
        chart = table.get("chart")
        if chart:
            assert chart["x"] in table["columns"] and set(chart["y"]) <= set(table["columns"])
    assert by_key["initiatives-rag"]["chart"]["kind"] == "bar"
    mean = by_key["initiatives-mean-rung"]
    assert mean["chart"]["kind"] == "slope" and mean["chart"]["y_max"] == 8
    assert mean["rows"] == [["Mean rung", *consented.mean_rung]]


def test_small_cohorts_show_no_means(make_cohort, make_membership):
    cohort = make_cohort()
    for _ in range(3):
        give_initiative(make_membership(cohort, evaluation_consent=True))
    summary = cohort_summary(cohort)
    assert summary.mean_rung == (MEAN_HIDDEN, MEAN_HIDDEN)
    assert all(base == MEAN_HIDDEN for _, base, _ in summary.jigsaw)
    assert summary.barriers == [("Silo working", FEWER)]


def test_the_lead_overview_explains_and_applies_the_rule(client, sign_in, world):
    give_initiative(world.alice, rags=("green", "red"))
    sign_in(world.lead.user)
    page = client.get(world.url("/overview")).get_data(as_text=True)
    assert "Initiatives across the cohort" in page
    assert "counts of 1 to 4 show as “fewer than 5”" in page
    assert FEWER in page
    assert "Silo working" in page
    assert "Alice" not in page  # aggregates only


def test_codable_texts_are_narratives_of_consenting_trainees(make_cohort, make_membership):
    from datetime import date

    from lms.core.models import utcnow
    from lms.extensions import db
    from lms.plugins import initiatives as plugin
    from lms.plugins.initiatives import services
    from lms.plugins.initiatives.privacy import erase_personal_data
    from tests.plugins.initiatives.conftest import TODAY

    cohort = make_cohort()
    consenting = make_membership(cohort, evaluation_consent=True)
    refused = make_membership(cohort, evaluation_consent=False)
    left = make_membership(cohort, evaluation_consent=True)
    for member in (consenting, refused, left):
        initiative = give_initiative(member, rags=("green",))
        services.add_update(
            initiative,
            services.UpdateDetails(
                recorded_on=date(2026, 11, 20),
                rag="amber",
                rag_reason="Because",
                rung=4,
                scores={"culture": 2, "practice": 2, "structure": 2, "review": 2},
                narrative=f"Carers joined the panel ({member.id})",
            ),
            TODAY,
        )
    left.withdrawn_at = utcnow()
    db.session.commit()

    [text] = plugin.lms_codable_texts(cohort=cohort, sources=None, reader=None)
    assert text.text == f"Carers joined the panel ({consenting.id})"
    assert text.kind == "initiative" and text.membership_id == consenting.id
    assert text.source.startswith("initiatives:") and text.source.endswith(":narrative")
    assert text.week == 11 and "week 11" in text.label
    assert consenting.user.given_name not in text.label
    assert plugin.lms_codable_texts(cohort=cohort, sources=[text.source], reader=None) == [text]
    assert (
        plugin.lms_codable_texts(cohort=cohort, sources=["surveys:1:helps_most"], reader=None) == []
    )

    erase_personal_data(consenting.user)
    db.session.commit()
    assert plugin.lms_codable_texts(cohort=cohort, sources=None, reader=None) == []
