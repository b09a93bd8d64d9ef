"""Import responses collected on paper or in another tool (CSV), all or nothing.

Header: ``email,wave`` then one column per item id; a blank cell is not answered.
Every row is checked first and every problem reported with its line; only a clean
file is stored, as submitted responses. A member answering a wave twice (in the file,
or already in the app) is an error, never an overwrite."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import select

from lms.core.curriculum import SurveyInstrument
from lms.core.models import Cohort, Membership, User, normalise_email, utcnow
from lms.extensions import db
from lms.plugins.surveys import services
from lms.plugins.surveys.models import SurveyAnswer, SurveyResponse


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.line}: {self.field}: {self.message}"


def import_responses(cohort: Cohort, instrument: SurveyInstrument, text: str):
    """Check and store the file; return (number stored, []) or (0, errors)."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or [h.strip() for h in header[:2]] != ["email", "wave"]:
        return 0, [RowError(1, "header", "the first two columns must be email,wave")]
    columns = [h.strip() for h in header[2:]]
    errors = [
        RowError(1, column, f"{instrument.id} has no question with id {column}")
        for column in columns
        if column not in instrument.items_by_id
    ]
    if errors:
        return 0, errors
    waves = {w.wave for w in services.waves(cohort) if w.instrument == instrument.id}
    members = {
        user.email: member
        for member, user in db.session.execute(
            select(Membership, User)
            .join(Membership.user)
            .where(Membership.cohort_id == cohort.id, Membership.withdrawn_at.is_(None))
        )
    }
    taken = set(
        db.session.execute(
            select(SurveyResponse.membership_id, SurveyResponse.wave).where(
                SurveyResponse.cohort_id == cohort.id,
                SurveyResponse.instrument == instrument.id,
            )
        ).all()
    )
    accepted = []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        row = row + [""] * (len(header) - len(row))
        email, wave = normalise_email(row[0]), row[1].strip()
        member = members.get(email)
        if member is None:
            errors.append(RowError(line, "email", f"{email or '(blank)'} is not in the cohort"))
        if wave not in waves:
            errors.append(
                RowError(line, "wave", f"{wave or '(blank)'} is not a wave of {instrument.id}")
            )
        answers, problems = services.check_answers(
            instrument, dict(zip(columns, row[2:], strict=False)), submitting=False
        )
        errors += [RowError(line, field, message) for field, message in problems.items()]
        if member is not None and wave in waves:
            if (member.id, wave) in taken:
                errors.append(RowError(line, "wave", f"{email} has already answered {wave}"))
            taken.add((member.id, wave))
            accepted.append((member, wave, answers))
    if errors:
        return 0, errors
    for member, wave, answers in accepted:
        response = SurveyResponse(
            cohort_id=cohort.id,
            membership=member,
            instrument=instrument.id,
            wave=wave,
            submitted_at=utcnow(),
        )
        for item_id, value in answers.items():
            if value is None:
                continue
            text = value if isinstance(value, str) else None
            number = None if isinstance(value, str) else value
            response.answers.append(SurveyAnswer(item_id=item_id, value=number, text=text))
        db.session.add(response)
    db.session.flush()
    return len(accepted), []
