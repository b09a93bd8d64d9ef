"""Issue 19, item 12: each cohort keeps its own codebook. A rename in this year's
cohort leaves last year's analysis as it was; a lead copies a codebook on purpose;
every change is in the audit log."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from lms.core.audit import AuditEvent
from lms.extensions import db
from lms.plugins.evaluation.models import Theme


def theme_in(slug: str, name: str) -> int:
    from lms.core.models import Cohort

    return db.session.scalar(
        select(Theme.id)
        .join(Cohort, Cohort.id == Theme.cohort_id)
        .where(Cohort.slug == slug, Theme.name == name)
    )


def test_a_rename_this_year_leaves_last_years_codebook_alone(
    make_cohort, make_membership, client_for
):
    last = make_cohort(slug="north-2025", name="North 2025", start=date(2025, 9, 1))
    this = make_cohort(slug="north-2026", name="North 2026", start=date(2026, 9, 7))
    lead = make_membership(last, "lead").user
    make_membership(this, "lead", user=lead)
    tutor = make_membership(this, "tutor", group="Group A").user
    as_lead, as_tutor = client_for(lead), client_for(tutor)

    added = as_lead.post(
        "/cohorts/north-2025/evaluation/codebook",
        data={"name": "Silo working", "definition": "Teams apart"},
    )
    assert added.status_code == 302
    assert "Silo working" not in as_tutor.get("/cohorts/north-2026/evaluation/codebook").text
    assert as_tutor.get("/cohorts/north-2026/evaluation/codebook/copy").status_code == 403
    copied = as_lead.post(
        "/cohorts/north-2026/evaluation/codebook/copy", data={"source": "north-2025"}
    )
    assert copied.status_code == 302
    assert "1 themes copied from North 2025" in as_lead.get(copied.headers["Location"]).text

    mine = theme_in("north-2026", "Silo working")
    renamed = as_tutor.post(
        f"/cohorts/north-2026/evaluation/codebook/{mine}",
        data={"name": "Working in silos", "definition": "Teams apart", "parent": ""},
    )
    assert renamed.status_code == 302
    this_year = as_lead.get("/cohorts/north-2026/evaluation/codebook").text
    last_year = as_lead.get("/cohorts/north-2025/evaluation/codebook")
    assert last_year.status_code == 200
    assert "Working in silos" in this_year and "Silo working" not in this_year
    assert "Silo working" in last_year.text and "Working in silos" not in last_year.text

    # Last year's theme cannot be reached through this year's pages either.
    theirs = theme_in("north-2025", "Silo working")
    refused = as_tutor.post(
        f"/cohorts/north-2026/evaluation/codebook/{theirs}", data={"name": "Gone", "parent": ""}
    )
    assert refused.status_code == 404
    db.session.expire_all()
    assert db.session.get(Theme, theirs).name == "Silo working"

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "codebook.changed").order_by(AuditEvent.id)
    ).all()
    details = [json.loads(e.details) for e in events]
    assert [(e.actor_id, d["change"]) for e, d in zip(events, details, strict=True)] == [
        (lead.id, "added"),
        (lead.id, "copied"),
        (tutor.id, "changed"),
    ]
    assert details[1]["source_cohort"] == "north-2025"
    assert (details[2]["before"]["name"], details[2]["after"]["name"]) == (
        "Silo working",
        "Working in silos",
    )


def test_the_copy_page_offers_only_cohorts_the_lead_leads(make_cohort, make_membership, client_for):
    mine = make_cohort(slug="north-2026", name="North 2026")
    other = make_cohort(slug="south-2026", name="South 2026")
    lead = make_membership(mine, "lead").user
    make_membership(other, "lead")
    client = client_for(lead)
    page = client.get("/cohorts/north-2026/evaluation/codebook/copy")
    assert page.status_code == 200
    assert "South 2026" not in page.text and "You lead no other cohort" in page.text
    refused = client.post(
        "/cohorts/north-2026/evaluation/codebook/copy", data={"source": "south-2026"}
    )
    assert refused.status_code == 400
    assert "Not a valid choice" in refused.text or "Choose the cohort" in refused.text
