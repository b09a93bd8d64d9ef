"""What the programme evaluation may use: figures of consenting members, and the text
of consented entries (de-identified, through `lms_codable_texts`).

An entry's text is codable only while all of these hold: its author ticked consent for
that entry, the member's cohort-wide evaluation consent stands, the member is an active
trainee, and the entry is submitted. Withdrawing any of them removes the text from every
view at the next read: nothing is copied or cached elsewhere."""

from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import and_, select

from lms.contracts import CodableText, source_ids
from lms.core import consent, disclosure
from lms.core.clock import today
from lms.core.cohorts import schedule_of
from lms.core.curriculum_loader import programme
from lms.core.models import Cohort, Membership
from lms.extensions import db
from lms.plugins.reflections.models import Entry, Version
from lms.plugins.reflections.review import member_week_statuses, readable_by
from lms.plugins.reflections.services import REVIEWED, SUBMITTED_LATE, SUBMITTED_ON_TIME

ERASED = "[erased]"
SUBMITTED_STATUSES = {SUBMITTED_ON_TIME, SUBMITTED_LATE, REVIEWED}


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
    """Per week taught, among the people the evaluation is about: reflections submitted and
    reviewed. Read from `member_week_statuses`, the function behind the evaluation's own
    engagement tables (through `lms_member_week_statuses`), so the counts agree."""
    weeks = range(1, schedule_of(cohort).position(today()).week + 1)
    members = consent.evaluated_members(cohort)
    submitted, reviewed = Counter(), Counter()
    for (_, week), status in member_week_statuses(cohort, members, weeks).items():
        if status in SUBMITTED_STATUSES:
            submitted[week] += 1
        if status == REVIEWED:
            reviewed[week] += 1
    return [
        {
            "week": week,
            "trainees": len(members),
            "submitted": submitted[week],
            "reviewed": reviewed[week],
        }
        for week in weeks
        if submitted[week]
    ]


def evaluation_tables(cohort: Cohort) -> list[dict]:
    """Figures only, suppressed: free text goes through `codable_texts`."""
    minimum = disclosure.threshold()
    rows = []
    for c in weekly_counts(cohort):
        # Out of the trainees (a count other tables show) and out of the submitted: each
        # hidden with its complement, as the engagement tables do (core's rule 2).
        submitted = disclosure.shown_with_complement(c["submitted"], c["trainees"])
        reviewed = disclosure.shown_with_complement(c["reviewed"], c["submitted"])
        rows.append([c["week"], submitted, reviewed])
    return [
        {
            "key": "reflections-weekly",
            "section": "engagement",
            "title": "Reflections submitted and reviewed per course week",
            "description": (
                "Weekly reflective logs submitted by trainees who consented to evaluation "
                "use, and how many a tutor marked reviewed (on time or late: see the "
                "engagement tables)."
            ),
            "columns": ["Week", "Submitted", "Reviewed by a tutor"],
            "rows": rows,
            "count_columns": ["Submitted", "Reviewed by a tutor"],
            "chart": {
                "kind": "line",
                "x": "Week",
                "y": ["Submitted", "Reviewed by a tutor"],
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
