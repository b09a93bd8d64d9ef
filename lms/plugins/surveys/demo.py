"""Demo responses: the demo cohort is about ten weeks in, so the pre wave has closed."""

from __future__ import annotations

import random

from sqlalchemy import select

from lms.core.models import Cohort, Membership, utcnow
from lms.extensions import db
from lms.plugins.surveys import services
from lms.plugins.surveys.models import SurveyAnswer, SurveyResponse

HELPS = [
    "Having time protected to meet the people who use our service.",
    "A manager who backs the idea and gives it time.",
    "Hearing how other organisations in the group did it.",
    "",
]
GETS_IN_THE_WAY = [
    "Silo working between teams, and no shared language for it.",
    "Targets that leave no time to involve people properly.",
    "Organisational structures: decisions are made above us.",
    "",
]


def add_demo_responses(cohort: Cohort) -> None:
    """Submitted answers for the waves already closed, from 16 of the 18 trainees.

    Idempotent: members who already have a response for a wave are skipped. Answers are
    seeded from the membership id, so a rerun gives the same data."""
    trainees = list(
        db.session.scalars(
            select(Membership)
            .where(Membership.cohort_id == cohort.id, Membership.role == "trainee")
            .order_by(Membership.id)
        )
    )
    for wave in services.waves(cohort):
        if services.wave_state(cohort, wave) != services.CLOSED:
            continue
        instrument = services.instrument_of(cohort, wave)
        for index, member in enumerate(trainees):
            if index % 9 == 8 or services.response_of(member, wave) is not None:
                continue  # two people never answered: response rates are not 100%
            rng = random.Random(f"{member.id}-{wave.wave}")  # noqa: S311 - demo data, not secrets
            # The same starting point in every wave, so each person's answers pair up.
            baseline = random.Random(member.id).choice([2, 2, 3, 3, 3, 4])  # noqa: S311
            # Confidence rises over the programme; a little noise per item.
            lift = {"pre": 0, "mid": 1, "post": 1}[wave.wave] + (rng.random() < 0.4)
            response = SurveyResponse(
                cohort_id=cohort.id,
                membership=member,
                instrument=instrument.id,
                wave=wave.wave,
                submitted_at=utcnow(),
            )
            for item in instrument.items:
                low, high = services.item_range(item)
                if item.type == "text":
                    text = rng.choice(HELPS if item.id == "helps_most" else GETS_IN_THE_WAY)
                    if text:
                        response.answers.append(SurveyAnswer(item_id=item.id, text=text))
                    continue
                if item.type == "scale":
                    value = 2 * (baseline + lift) - 1 + rng.choice([-1, 0, 1])
                else:
                    value = baseline + lift + rng.choice([-1, 0, 0, 0, 1])
                response.answers.append(
                    SurveyAnswer(item_id=item.id, value=max(low, min(high, value)))
                )
            db.session.add(response)
    db.session.flush()
