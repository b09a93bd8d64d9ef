"""What the programme evaluation may use: figures of consenting members, and the text
of consented entries (de-identified, through `lms_codable_texts`).

An entry's text is codable only while all of these hold: its author ticked consent for
that entry, the member's cohort-wide evaluation consent stands, the member is an active
trainee, and the entry is submitted. Withdrawing any of them removes the text from every
view at the next read: nothing is copied or cached elsewhere."""

from __future__ import annotations

import json

from sqlalchemy import and_, case, func, select

from lms.contracts import CodableText, source_ids
from lms.core import consent, disclosure
from lms.core.curriculum_loader import programme
from lms.core.models import Cohort, Membership
from lms.extensions import db
from lms.plugins.reflections.models import Entry, Version
from lms.plugins.reflections.review import readable_by

ERASED = "[erased]"


def _consenting_member():
    return and_(
        Membership.evaluation_consent.is_(True),
        Membership.withdrawn_at.is_(None),
        Membership.role == "trainee",
    )


def _codable():
    # Excerpts are quotes: the member's "quotes" consent, and the entry shared for it.
    return and_(
        consent.given(consent.QUOTES),
        Membership.withdrawn_at.is_(None),
        Membership.role == "trainee",
        Entry.evaluation_consent.is_(True),
        Entry.submitted_version.is_not(None),
    )


def weekly_counts(cohort: Cohort) -> list[dict]:
    """Per week, among consenting members: submitted, on time, late, reviewed (one query)."""
    rows = db.session.execute(
        select(
            Entry.week,
            func.count(Entry.id),
            func.sum(case((Entry.late.is_(True), 1), else_=0)),
            func.sum(case((Entry.reviewed_at.is_not(None), 1), else_=0)),
        )
        .join(Entry.membership)
        .where(
            Membership.cohort_id == cohort.id,
            Entry.submitted_version.is_not(None),
            _consenting_member(),
        )
        .group_by(Entry.week)
        .order_by(Entry.week)
    )
    return [
        {
            "week": week,
            "submitted": submitted,
            "late": int(late or 0),
            "on_time": submitted - int(late or 0),
            "reviewed": int(reviewed or 0),
        }
        for week, submitted, late, reviewed in rows
    ]


def evaluation_tables(cohort: Cohort) -> list[dict]:
    """Figures only, suppressed: free text goes through `codable_texts`."""
    minimum = disclosure.threshold()
    rows = []
    for c in weekly_counts(cohort):
        # On time + late = submitted: with the total shown, hiding one alone would let
        # it be worked out from the other (core's rule 2).
        on_time, late = disclosure.suppress_set([c["on_time"], c["late"]])
        submitted = disclosure.shown(c["submitted"])
        rows.append([c["week"], submitted, on_time, late, disclosure.shown(c["reviewed"])])
    return [
        {
            "key": "reflections-weekly",
            "section": "engagement",
            "title": "Reflections submitted per course week",
            "description": (
                "Weekly reflective logs submitted by trainees who consented to evaluation "
                "use, on time or after the due date, and how many a tutor marked reviewed."
            ),
            "columns": ["Week", "Submitted", "On time", "Late", "Reviewed by a tutor"],
            "rows": rows,
            "count_columns": ["Submitted", "On time", "Late", "Reviewed by a tutor"],
            "chart": {
                "kind": "line",
                "x": "Week",
                "y": ["Submitted", "Late"],
                "y_label": "Reflections",
            },
            "suppressed": [
                f"Counts of 1 to {minimum - 1} are shown as '{disclosure.fewer()}', and the "
                f"count that would reveal them as '{disclosure.HIDDEN}'."
            ],
        }
    ]


def _source(version_id: int, prompt_id: str) -> str:
    # The submitted version's id, not the entry's: a revision is new text, so codings
    # of the old text drop out rather than silently applying to words they never saw.
    return f"reflections:{version_id}:{prompt_id}"


def codable_texts(cohort: Cohort, sources=None, reader: Membership | None = None):
    """Submitted answers of consented entries, without names (one query). A tutor
    `reader` gets only those they may read in review as well (`review.readable_by`)."""
    conditions = [Membership.cohort_id == cohort.id, _codable()]
    if reader is not None and not (reader.role == "lead" and reader.cohort_id == cohort.id):
        readable = readable_by(reader)
        if readable is None:
            return []
        conditions += readable
    query = (
        select(Entry.week, Entry.membership_id, Version.id, Version.answers_json)
        .join(Entry.membership)
        .join(
            Version,
            and_(Version.entry_id == Entry.id, Version.number == Entry.submitted_version),
        )
        .where(*conditions)
        .order_by(Entry.week, Version.id)
    )
    wanted = None
    if sources is not None:
        wanted = set(sources)
        ids = source_ids(wanted, "reflections")
        if not ids:
            return []
        query = query.where(Version.id.in_(ids))
    course = programme(cohort.programme)
    texts = []
    for week, membership_id, version_id, answers_json in db.session.execute(query):
        labels = {prompt.id: prompt.label for prompt in course.week(week).prompts}
        for prompt_id, text in json.loads(answers_json).items():
            source = _source(version_id, prompt_id)
            if not text.strip() or text == ERASED or (wanted is not None and source not in wanted):
                continue
            texts.append(
                CodableText(
                    source=source,
                    kind="reflection",
                    label=f"Week {week} reflection: {labels.get(prompt_id, prompt_id)}",
                    text=text,
                    membership_id=membership_id,
                    week=week,
                )
            )
    return texts
