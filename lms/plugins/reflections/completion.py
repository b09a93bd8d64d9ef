"""The reflections plugin's part in completion: submitted weekly reflections."""

from __future__ import annotations

import math

from sqlalchemy import func, select

from lms.contracts import CriterionProgress
from lms.core.curriculum_loader import programme
from lms.extensions import db
from lms.plugins.reflections.models import Entry


def progress(cohort, members, criteria, week) -> dict:
    wanted = [c for c in criteria if c.kind == "reflections"]
    if not wanted or not members:
        return {}
    total = programme(cohort.programme).number_of_weeks
    counts = dict(
        db.session.execute(
            select(Entry.membership_id, func.count(Entry.id))
            .where(
                Entry.membership_id.in_([m.id for m in members]),
                Entry.submitted_version.is_not(None),
            )
            .group_by(Entry.membership_id)
        ).all()
    )
    found = {}
    for criterion in wanted:
        needed = criterion.min_submitted
        # On pace: as many as the rule asks for, pro rata, by the week reached (the
        # current week's reflection is not due yet, so it is not counted against them).
        expected = math.floor(needed * max(week - 1, 0) / total)
        for member in members:
            count = counts.get(member.id, 0)
            met = count >= needed
            found[(member.id, criterion.id)] = CriterionProgress(
                value=count,
                target=needed,
                met=met,
                possible=met or week < total,  # late entries are still accepted
                on_pace=count >= expected,
                text=f"{count} of {needed} submitted",
            )
    return found
