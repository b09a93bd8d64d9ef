"""The surveys plugin's part in completion: a survey wave answered."""

from __future__ import annotations

from sqlalchemy import select

from lms.contracts import CriterionProgress
from lms.core.curriculum_loader import programme
from lms.extensions import db
from lms.plugins.surveys.models import SurveyResponse


def progress(cohort, members, criteria, week) -> dict:
    wanted = [c for c in criteria if c.kind == "survey"]
    if not wanted or not members:
        return {}
    course = programme(cohort.programme)
    answered = set(
        db.session.execute(
            select(SurveyResponse.membership_id, SurveyResponse.wave).where(
                SurveyResponse.membership_id.in_([m.id for m in members]),
                SurveyResponse.submitted_at.is_not(None),
            )
        ).all()
    )
    found = {}
    for criterion in wanted:
        closes = max(
            (w.closes_week for w in course.survey_waves if w.wave == criterion.wave), default=0
        )
        for member in members:
            met = (member.id, criterion.wave) in answered
            found[(member.id, criterion.id)] = CriterionProgress(
                value=1 if met else 0,
                target=1,
                met=met,
                possible=met or week <= closes,
                on_pace=met or week <= closes,
                text="Answered" if met else "Not answered yet",
            )
    return found
