"""`lms attendance import`: registers kept on paper, from a CSV of email,week,status.

All or nothing: every problem is reported with the file, line and field, and nothing is
saved unless the whole file is right."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from lms.core import audit
from lms.core.cohorts import schedule_of
from lms.core.models import Cohort, Membership, User, normalise_email
from lms.extensions import db
from lms.plugins.sessions import register
from lms.plugins.sessions.models import STATUSES

COLUMNS = ("email", "week", "status")


@dataclass(frozen=True)
class ImportProblem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f" {self.field}:" if self.field else ""
        return f"{self.file}:{self.line}:{where} {self.message}"


class AttendanceInvalid(ValueError):
    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def parse(cohort: Cohort, text: str, name: str) -> list[tuple[Membership, int, str]]:
    """The marks in the file, or AttendanceInvalid listing every problem."""
    problems: list[ImportProblem] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows = list(reader)
    if not rows:
        raise AttendanceInvalid([ImportProblem(name, 1, "", "the file is empty")])
    header = [cell.strip().lower() for cell in rows[0]]
    if tuple(header) != COLUMNS:
        raise AttendanceInvalid(
            [ImportProblem(name, 1, "", f"the first line must be: {','.join(COLUMNS)}")]
        )
    members = {
        email: member
        for email, member in db.session.execute(
            select(User.email, Membership)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.cohort_id == cohort.id,
                Membership.role == "trainee",
                Membership.withdrawn_at.is_(None),
            )
        )
    }
    weeks = schedule_of(cohort).number_of_weeks
    seen: dict[tuple[int, int], int] = {}
    marks = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 3:
            problems.append(ImportProblem(name, line, "", "expected 3 values: email,week,status"))
            continue
        email, week_text, status = (cell.strip() for cell in row)
        member = members.get(normalise_email(email))
        if member is None:
            problems.append(
                ImportProblem(name, line, "email", f"{email!r} is not a trainee of {cohort.name}")
            )
        try:
            week = int(week_text)
            if not 1 <= week <= weeks:
                raise ValueError
        except ValueError:
            problems.append(
                ImportProblem(name, line, "week", f"{week_text!r} is not a week from 1 to {weeks}")
            )
            week = None
        status = status.lower()
        if status not in STATUSES:
            problems.append(
                ImportProblem(
                    name, line, "status", f"{status!r} is not one of {', '.join(STATUSES)}"
                )
            )
        if member is not None and week is not None:
            if (member.id, week) in seen:
                problems.append(
                    ImportProblem(
                        name,
                        line,
                        "week",
                        f"week {week} for {email} is also on line {seen[(member.id, week)]}",
                    )
                )
            seen[(member.id, week)] = line
            if status in STATUSES:
                marks.append((member, week, status))
    if problems:
        raise AttendanceInvalid(problems)
    return marks


def import_file(cohort: Cohort, path: Path, by: User | None) -> int:
    """Apply the file's marks (replacing earlier marks of the same weeks); the number
    saved. The caller commits."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problem = ImportProblem(str(path), 1, "", "the file is not UTF-8 text")
        raise AttendanceInvalid([problem]) from None
    marks = parse(cohort, text, str(path))
    for member, week, status in marks:
        register.record(member, week, status, by, source="import")
    audit.record("attendance.imported", by, cohort=cohort, file=path.name, marks=len(marks))
    return len(marks)
