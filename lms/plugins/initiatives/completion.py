"""The initiatives plugin's part in completion: the initiative's final review, a
progress update recorded in course week `from_week` or later."""

from __future__ import annotations

from sqlalchemy import select

from lms.contracts import CriterionProgress
from lms.core.curriculum_loader import programme
from lms.extensions import db
from lms.plugins.initiatives.models import Initiative, Update


def progress(cohort, members, criteria, week) -> dict:
    wanted = [c for c in criteria if c.kind == "initiative_review"]
    if not wanted or not members:
        return {}
    total = programme(cohort.programme).number_of_weeks
    weeks: dict[int, int] = {}
    for mid, update_week in db.session.execute(
        select(Initiative.membership_id, Update.week)
        .join(Update, Update.initiative_id == Initiative.id)
        .where(Initiative.membership_id.in_([m.id for m in members]), Update.week.is_not(None))
    ):
        weeks[mid] = max(weeks.get(mid, 0), update_week)
    found = {}
    for criterion in wanted:
        for member in members:
            last = weeks.get(member.id, 0)
            met = last >= criterion.from_week
            found[(member.id, criterion.id)] = CriterionProgress(
                value=1 if met else 0,
                target=1,
                met=met,
                possible=met or week < total,
                # Not due until week `from_week`; behind once that week has passed.
                on_pace=met or week <= criterion.from_week,
                text="Recorded" if met else f"Due from week {criterion.from_week}",
            )
    return found
