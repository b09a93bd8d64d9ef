"""Criteria on other plugins' data are judged by those plugins (hook
`lms_completion_progress`), from records made through their own services."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lms.core.demo import PAST_SLUG, create_demo
from lms.core.models import Cohort
from lms.extensions import db
from lms.plugins.sessions import completion

AFTER_WEEK_34 = date(2027, 5, 1)  # the `cohort` fixture's week 34 is Monday 26 April 2027


def test_a_progress_update_from_week_33_is_the_final_review(cohort, trainees):
    from lms.plugins.initiatives import services as initiatives

    member = trainees[0]
    initiative = initiatives.save_initiative(
        member,
        initiatives.InitiativeDetails(
            "Co-designed discharge letters", date(2026, 9, 14), date(2027, 4, 30)
        ),
    )

    def update(day):
        initiatives.add_update(
            initiative,
            initiatives.UpdateDetails(
                recorded_on=day,
                rag="green",
                rag_reason="On track",
                rung=6,
                scores={"culture": 3, "practice": 3, "structure": 2, "review": 2},
            ),
            AFTER_WEEK_34,
        )
        db.session.commit()

    def final_review():
        standing = next(
            s for s in completion.standings(cohort, AFTER_WEEK_34) if s.membership.id == member.id
        )
        return standing.progress["final-review"]

    update(date(2026, 10, 5))  # week 5: not the final review
    assert (final_review().met, final_review().text) == (False, "Due from week 33")
    assert final_review().on_pace is False  # week 34 has come: behind
    update(date(2027, 4, 27))  # week 34
    assert (final_review().met, final_review().text) == (True, "Recorded")


def test_reflections_and_the_post_survey_are_judged_from_their_own_records(app):
    from lms.plugins.reflections.models import Entry
    from lms.plugins.surveys.models import SurveyResponse

    create_demo(date(2026, 11, 18))
    db.session.commit()
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == PAST_SLUG))
    standings = completion.standings(cohort, date(2026, 11, 18))
    assert len(standings) == 18
    for standing in standings:
        member = standing.membership
        submitted = len(
            db.session.scalars(
                select(Entry).where(
                    Entry.membership_id == member.id, Entry.submitted_version.is_not(None)
                )
            ).all()
        )
        answered = db.session.scalar(
            select(SurveyResponse.id).where(
                SurveyResponse.membership_id == member.id,
                SurveyResponse.wave == "post",
                SurveyResponse.submitted_at.is_not(None),
            )
        )
        assert standing.progress["reflections"].value == submitted
        assert standing.progress["reflections"].met == (submitted >= 30)
        assert standing.progress["post-survey"].met == (answered is not None)
    # The lead's exceptions of the demo: only for those whose one gap is the final review.
    for standing in standings:
        if standing.status == completion.BY_EXCEPTION:
            unmet = [k for k, p in standing.progress.items() if not p.met]
            assert unmet == ["final-review"]
    assert any(s.status == completion.BY_EXCEPTION for s in standings)
