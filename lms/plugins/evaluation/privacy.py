"""What the evaluation holds about a person: the codings they made as a coder, with
their memos.

Codings are about other people's words, so a coder's download lists where and with
which themes they coded, not the words themselves (those belong to their authors and
may have been withdrawn since). Erasure keeps the codings, part of the cohort's
analysis, without the coder; their memos are their own words and are removed."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from lms.core.models import Cohort, User
from lms.extensions import db
from lms.plugins.evaluation.models import Coding


def personal_data(user: User) -> list[dict]:
    codings = db.session.scalars(
        select(
            Coding,
        )
        .where(Coding.coder_id == user.id)
        .options(selectinload(Coding.themes))
        .order_by(Coding.id)
    ).all()
    slugs = dict(
        db.session.execute(
            select(Cohort.id, Cohort.slug).where(Cohort.id.in_({c.cohort_id for c in codings}))
        ).all()
    )
    return [
        {
            "cohort": slugs.get(c.cohort_id),
            "source": c.source,
            "start": c.start,
            "end": c.end,
            "themes": [t.name for t in c.themes],
            "memo": c.memo,
            "coded_at": c.created_at.isoformat(timespec="seconds"),
        }
        for c in codings
    ]


def erase_personal_data(user: User) -> None:
    # The memo is the coder's own writing: it goes; the coding stays without its coder.
    db.session.execute(
        update(Coding).where(Coding.coder_id == user.id).values(coder_id=None, memo="")
    )
