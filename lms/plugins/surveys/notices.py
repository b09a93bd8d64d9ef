"""What the surveys plugin tells people (through core's notifications service)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from lms.contracts import NotificationKind
from lms.core import notifications
from lms.core.cohorts import active_members
from lms.extensions import db
from lms.plugins.surveys import services
from lms.plugins.surveys.models import SurveyResponse

WAVE_OPENED = "surveys.wave_opened"

KINDS = [
    NotificationKind(WAVE_OPENED, "A survey is open for your answers", "immediately", ("trainee",)),
]


def waves_opened(on) -> None:
    """Tell each trainee of a running cohort once that a wave is open (scheduled)."""
    for cohort in notifications.running_cohorts(on):
        open_waves = [w for w in services.waves(cohort) if services.wave_state(cohort, w) == "open"]
        if not open_waves:
            continue
        trainees = active_members(cohort, role="trainee")
        for wave in open_waves:
            title = services.instrument_of(cohort, wave).title
            answered = set(
                db.session.scalars(
                    select(SurveyResponse.membership_id).where(
                        SurveyResponse.cohort_id == cohort.id,
                        SurveyResponse.instrument == wave.instrument,
                        SurveyResponse.wave == wave.wave,
                        SurveyResponse.submitted_at.is_not(None),
                    )
                )
            )
            notifications.notify_all(
                WAVE_OPENED,
                [t for t in trainees if t.id not in answered],
                f"{title} ({services.WAVE_NAMES[wave.wave].lower()}) is open until "
                f"week {wave.closes_week}: about 5 minutes",
                url_for("surveys.answer", slug=cohort.slug, wave_name=wave.wave),
                once=f"{WAVE_OPENED}:{wave.instrument}:{wave.wave}",
            )
