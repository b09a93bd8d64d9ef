"""Attendance in the evaluation's participation section: counts of consenting trainees
per session, suppressed by the one rule in `lms.core.disclosure`."""

from __future__ import annotations

from lms.core import disclosure
from lms.core.models import Cohort
from lms.plugins.sessions import register


def tables(cohort: Cohort) -> list[dict]:
    by_week = register.counts_by_week(cohort, consenting_only=True)
    if not by_week:
        return []
    rows = []
    for week in sorted(by_week):
        counts = by_week[week]
        attended = counts["present"] + counts["late"]
        missed = counts["absent"] + counts["apologies"]
        total = attended + missed
        shown = disclosure.suppress_set([attended, counts["apologies"], counts["absent"]])
        # A rate beside a shown total would give back a hidden count: hide it with them.
        rate = disclosure.HIDDEN if any(map(disclosure.is_hidden, shown)) else None
        rows.append(
            [week, disclosure.shown(total), *shown, rate or disclosure.rate(attended, total)]
        )
    return [
        {
            "key": "sessions-attendance",
            "section": "participation",
            "title": "Session attendance by course week",
            "columns": [
                "Week",
                "Trainees on the register",
                "Attended (present or late)",
                "Sent apologies",
                "Absent",
                "Attendance rate (%)",
            ],
            "rows": rows,
            "count_columns": [
                "Trainees on the register",
                "Attended (present or late)",
                "Sent apologies",
                "Absent",
            ],
            "chart": {
                "kind": "line",
                "x": "Week",
                "y": ["Attendance rate (%)"],
                "y_label": "Attended (%)",
                "y_max": 100,
            },
            "suppressed": [disclosure.rule_text()],
            "description": "Consenting trainees marked on each session's register, from "
            "the attendance register (taken by tutors or imported from paper).",
        }
    ]
