"""A starter codebook from the published evaluation of Involving People (see DESIGN.md):
barriers, what helped, and what the training changed. Idempotent."""

from __future__ import annotations

from sqlalchemy import select

from lms.extensions import db
from lms.plugins.evaluation.models import Theme

STARTER_CODEBOOK = [
    (
        "Organisational structures",
        "How the organisation's hierarchy, processes and rules help or hold back co-production.",
        "Every change has to go through three committees before we can try it.",
        [
            (
                "Silo working",
                "Teams, services or sectors working apart and not sharing.",
                "Housing and health never sit at the same table.",
            )
        ],
    ),
    (
        "Collective leadership",
        "Leadership for co-production shared across roles and levels, not held by one person.",
        "Our manager let the group decide the agenda, not just the senior staff.",
        [],
    ),
    (
        "Shared language",
        "A common understanding of what co-production means and the words used for it.",
        "We realised we each meant something different by 'involvement'.",
        [],
    ),
    (
        "Confidence to challenge practice",
        "Confidence to champion service-user involvement, persuade colleagues and "
        "challenge practice where co-production is not happening.",
        "I spoke up in the team meeting when the plan had been written without anyone "
        "who uses the service.",
        [],
    ),
    (
        "Equal and reciprocal relationships",
        "Professionals, people who use services and their families working as equal "
        "partners, each giving and gaining.",
        "The carers on the panel set the questions with us, and we paid them for their time.",
        [],
    ),
]


def add_starter_codebook(cohort) -> None:
    existing = {
        (parent, name.lower())
        for parent, name in db.session.execute(
            select(Theme.parent_id, Theme.name).where(Theme.cohort_id == cohort.id)
        )
    }
    ids = dict(
        db.session.execute(
            select(Theme.name, Theme.id).where(
                Theme.cohort_id == cohort.id, Theme.parent_id.is_(None)
            )
        ).all()
    )
    for name, definition, example, subthemes in STARTER_CODEBOOK:
        if (None, name.lower()) not in existing:
            theme = Theme(cohort_id=cohort.id, name=name, definition=definition, example=example)
            db.session.add(theme)
            db.session.flush()
            ids[name] = theme.id
        for sub, sub_definition, sub_example in subthemes:
            if (ids[name], sub.lower()) not in existing:
                db.session.add(
                    Theme(
                        cohort_id=cohort.id,
                        parent_id=ids[name],
                        name=sub,
                        definition=sub_definition,
                        example=sub_example,
                    )
                )
    db.session.flush()
