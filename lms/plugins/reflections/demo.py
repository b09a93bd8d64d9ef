"""Demo reflections: a realistic spread for the weeks the demo cohort has already had.

Deterministic (seeded per member and week) and idempotent: a member's week that already
has an entry is left alone."""

from __future__ import annotations

import json
import random
from datetime import datetime, time, timedelta

from sqlalchemy import select

from lms.core.clock import today
from lms.core.cohorts import active_members, schedule_of
from lms.core.curriculum_loader import programme
from lms.core.models import Cohort
from lms.extensions import db
from lms.plugins.reflections.models import DRAFT, SUBMITTED, Entry, Feedback, Version
from lms.plugins.reflections.services import week_dates

OPENINGS = [
    "In this week's session we worked through {topic} in small groups.",
    "At work this week I tried to bring what we discussed about {topic} into a team meeting.",
    "I met two people who use our service to talk about {topic} and what it means for them.",
    "A carer on our reference group challenged how we had written up {topic}.",
]
FEELINGS = [
    "I felt nervous at first, because I was not sure I had the right words.",
    "Honestly I felt defensive when a colleague said we already do this.",
    "I was energised: it felt like the first time people were listened to as equals.",
    "I felt uncomfortable noticing how much of the power sits with us as staff.",
]
EVALUATIONS = [
    "What went well was giving people time to speak before we made any decision.",
    "It did not go so well when the meeting slipped back into a consultation.",
    "The practical arrangements (travel costs, a quiet room) made a real difference.",
    "Our paperwork still assumes that staff decide and service users are told.",
]
ANALYSES = [
    "Thinking about Arnstein's ladder, we are still closer to consultation than partnership.",
    "Organisational structures and silo working keep getting in the way of shared decisions.",
    "A shared language matters: 'involvement' meant something different to each of us.",
    "Leadership support was the enabler: without it the idea would have stalled.",
]
NEXT_STEPS = [
    "Next week I will ask the reference group to co-chair the planning meeting.",
    "I will agree a budget line for paying people for their time and expertise.",
    "I will share this reflection's main point with my manager and ask for an hour a week.",
    "I want to try the jigsaw self-assessment with my team and compare our answers.",
]
TUTOR_FEEDBACK = [
    "Thank you: a thoughtful reflection. What would it take to move one rung up the ladder?",
    "You describe the feelings really honestly. How might you use that next time?",
    "Good link to this week's reading. Could you say more about who holds the budget?",
    "A clear action plan. Let us talk about the structural barrier in our next tutorial.",
]
REPLIES = [
    "Thanks, that is helpful. I will bring it to the tutorial.",
    "Good question: I think the budget holder is the key. I will find out.",
]


def _answer(rng: random.Random, position: int, count: int, topic: str) -> str:
    if position == 0:
        bank = OPENINGS
    elif position == count - 1:
        bank = NEXT_STEPS
    else:
        bank = [FEELINGS, EVALUATIONS, ANALYSES][position % 3]
    first, second = rng.sample(bank, 2)
    return f"{first.format(topic=topic.lower())} {second.format(topic=topic.lower())}"


def add_demo_reflections(cohort: Cohort) -> None:
    """Entries for every past week: mostly submitted (some late), some drafts, some
    missing; many with tutor feedback, a few with the trainee's reply."""
    course = programme(cohort.programme)
    schedule = schedule_of(cohort)
    on = today()
    trainees = active_members(cohort, role="trainee")
    tutors = {m.tutor_group_id: m.user for m in active_members(cohort, role="tutor")}
    existing = set(
        db.session.execute(
            select(Entry.membership_id, Entry.week).where(
                Entry.membership_id.in_([m.id for m in trainees])
            )
        ).all()
    )
    for member in trainees:
        for week in course.weeks:
            dates = week_dates(cohort, week.number, schedule)
            if dates.opens > on or (member.id, week.number) in existing:
                continue
            # Seeded for a stable demo, not for secrecy.
            rng = random.Random(f"{cohort.slug}:{member.user.email}:{week.number}")  # noqa: S311
            roll = rng.random()
            current = on <= dates.due
            if roll < (0.4 if current else 0.08):
                continue  # missing
            answers = {
                prompt.id: _answer(rng, index, len(week.prompts), week.title)
                for index, prompt in enumerate(week.prompts)
            }
            submitted = roll >= (0.8 if current else 0.18)
            late = submitted and not current and roll > 0.9
            day = dates.due + timedelta(days=rng.randint(1, 4)) if late else dates.opens
            day = day + timedelta(days=0 if late else rng.randint(1, 5))
            day = min(day, on)
            moment = datetime.combine(day, time(20 + rng.randint(0, 2), rng.randint(0, 59)))
            entry = Entry(
                membership_id=member.id,
                week=week.number,
                current_version=2 if submitted else 1,
                shared=rng.random() > 0.1,
                evaluation_consent=member.evaluation_consent and rng.random() < 0.7,
                late=late,
                created_at=moment - timedelta(hours=1),
                updated_at=moment,
            )
            first_draft = {key: text.split(". ")[0] for key, text in answers.items()}
            entry.versions = [
                Version(
                    number=1,
                    kind=DRAFT,
                    answers_json=json.dumps(first_draft if submitted else answers),
                    created_at=moment - timedelta(hours=1),
                )
            ]
            if submitted:
                entry.versions.append(
                    Version(
                        number=2,
                        kind=SUBMITTED,
                        answers_json=json.dumps(answers),
                        created_at=moment,
                    )
                )
                entry.submitted_version = 2
                entry.first_submitted_at = entry.submitted_at = moment
                tutor = tutors.get(member.tutor_group_id)
                if tutor is not None and entry.shared and not current and rng.random() < 0.6:
                    reviewed = moment + timedelta(days=rng.randint(1, 3))
                    entry.reviewed_at, entry.reviewed_by_id = reviewed, tutor.id
                    entry.feedback = [
                        Feedback(
                            author_id=tutor.id,
                            author_role="tutor",
                            version_number=2,
                            body=rng.choice(TUTOR_FEEDBACK),
                            created_at=reviewed,
                        )
                    ]
                    if rng.random() < 0.3:
                        entry.feedback.append(
                            Feedback(
                                author_id=member.user_id,
                                author_role="trainee",
                                version_number=2,
                                body=rng.choice(REPLIES),
                                created_at=reviewed + timedelta(hours=5),
                            )
                        )
            db.session.add(entry)
    db.session.flush()
    _recent_news(trainees, on)


def _recent_news(trainees, on) -> None:
    """The last fortnight's feedback and replies, as the notifications they made."""
    from flask import current_app, has_request_context

    from lms.core.notification_models import Notification
    from lms.plugins.reflections import notices

    ids = [m.id for m in trainees]
    if db.session.scalar(select(Notification.id).where(Notification.membership_id.in_(ids))):
        return  # told already: the demo is built once, however often it is asked
    since = datetime.combine(on - timedelta(days=14), time())
    recent = db.session.scalars(
        select(Feedback)
        .join(Entry)
        .where(Entry.membership_id.in_(ids), Feedback.created_at >= since)
        .order_by(Feedback.created_at)
    )
    context = None if has_request_context() else current_app.test_request_context()
    if context is not None:
        context.push()
    try:
        for message in recent:
            emit = notices.feedback_left if message.author_role == "tutor" else notices.reply_posted
            for note in emit(message.entry):
                # Dated when it happened in the demo's story, not when it was built.
                note.created_at = message.created_at
    finally:
        if context is not None:
            context.pop()
