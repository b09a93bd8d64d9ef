"""Roster import and export: the cohort's members as a spreadsheet-friendly CSV.

Import is all-or-nothing: the whole file is validated first and every bad row is
reported with its line number; only a clean file changes anything. Importing the same
file twice changes nothing (people are matched by email).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from lms.contracts import ROLES
from lms.core.models import SECTORS, Cohort, Membership, User, normalise_email
from lms.extensions import db

HEADER = (
    "email",
    "given_name",
    "family_name",
    "role",
    "sector",
    "organisation",
    "job_title",
    "area",
    "tutor_group",
    "lived_experience",
)
# Optional last column: consent collected on paper at induction. yes / no sets every
# purpose of the evaluation; blank means not recorded (an answer already given stays).
# Exports leave it out: the lead sees consent as counts, not person by person.
CONSENT_COLUMN = "evaluation_consent"
MAX_BYTES = 5 * 1024 * 1024  # about 20,000 rows: far above any real cohort
MAX_FIELD = 200
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class RosterRow:
    line: int
    email: str
    given_name: str
    family_name: str
    role: str
    sector: str
    organisation: str
    job_title: str
    area: str
    tutor_group: str
    lived_experience: bool
    evaluation_consent: bool | None = None  # None: not recorded in this file


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


@dataclass
class ImportResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    invited: list[User] = field(default_factory=list)
    consent_recorded: list[str] = field(default_factory=list)  # emails whose answer changed


class RosterInvalid(ValueError):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


def parse_roster(data: bytes) -> list[RosterRow]:
    """Validate a whole roster file; raise `RosterInvalid` listing every problem."""
    if len(data) > MAX_BYTES:
        raise RosterInvalid(
            [RowError(0, "", f"the file is larger than {MAX_BYTES // 1_048_576} MB")]
        )
    try:
        text = data.decode("utf-8-sig")  # spreadsheet programs often add a BOM
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RosterInvalid(
            [RowError(line, "", "the file is not UTF-8 text: save it as 'CSV UTF-8' and try again")]
        ) from None
    if not text.strip():
        raise RosterInvalid([RowError(0, "", "the file is empty")])
    if "\x00" in text:
        raise RosterInvalid([RowError(0, "", "the file contains binary data, not CSV text")])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except csv.Error as error:
        raise RosterInvalid([RowError(1, "", f"the header cannot be read: {error}")]) from None
    columns = tuple(header)
    if columns not in (HEADER, (*HEADER, CONSENT_COLUMN)):
        raise RosterInvalid(
            [
                RowError(
                    1,
                    "",
                    "the header must be exactly: "
                    + ",".join(HEADER)
                    + f" (optionally followed by ,{CONSENT_COLUMN})",
                )
            ]
        )
    rows: list[RosterRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            row, row_errors = _parse_row(line, cells, columns)
            errors.extend(row_errors)
            if row is None:
                continue
            if row.email in seen:
                errors.append(
                    RowError(line, "email", f"{row.email} is also on line {seen[row.email]}")
                )
                continue
            seen[row.email] = line
            rows.append(row)
    except csv.Error as error:
        errors.append(RowError(reader.line_num, "", f"the CSV cannot be read: {error}"))
    if not rows and not errors:
        errors.append(RowError(0, "", "the file has a header but no people"))
    if errors:
        raise RosterInvalid(errors)
    return rows


def _parse_row(
    line: int, cells: list[str], columns: tuple[str, ...] = HEADER
) -> tuple[RosterRow | None, list[RowError]]:
    errors: list[RowError] = []
    if len(cells) != len(columns):
        return None, [RowError(line, "", f"expected {len(columns)} columns, found {len(cells)}")]
    values = dict(zip(columns, (cell.strip() for cell in cells), strict=True))
    for name, value in values.items():
        if len(value) > MAX_FIELD:
            errors.append(RowError(line, name, f"longer than {MAX_FIELD} characters"))
        if any(ord(ch) < 32 for ch in value):
            errors.append(RowError(line, name, "contains control characters"))
        if value.startswith(("=", "+", "@")):
            # Spreadsheet formulas would run when a lead opens the export in Excel.
            errors.append(RowError(line, name, "must not start with =, + or @"))
    # Imported on use: email_validator compiles large regular expressions at import.
    from email_validator import EmailNotValidError, validate_email

    try:
        email = normalise_email(
            validate_email(values["email"], check_deliverability=False).normalized
        )
    except EmailNotValidError as error:
        errors.append(RowError(line, "email", f"{values['email']!r} is not a valid email: {error}"))
        email = ""
    role = values["role"].lower()
    if role not in ROLES:
        errors.append(
            RowError(line, "role", f"{values['role']!r} is not one of {', '.join(ROLES)}")
        )
    sector = values["sector"].lower() or "other"
    if sector not in SECTORS:
        errors.append(
            RowError(line, "sector", f"{values['sector']!r} is not one of {', '.join(SECTORS)}")
        )
    lived = values["lived_experience"].lower()
    if lived not in YES | NO:
        errors.append(
            RowError(line, "lived_experience", f"{values['lived_experience']!r} is not yes or no")
        )
    consent = values.get(CONSENT_COLUMN, "").lower()
    if consent and consent not in YES | NO:
        errors.append(
            RowError(
                line,
                CONSENT_COLUMN,
                f"{values[CONSENT_COLUMN]!r} is not yes, no or blank (blank: not recorded)",
            )
        )
    if not values["given_name"]:
        errors.append(RowError(line, "given_name", "is empty"))
    if errors:
        return None, errors
    return RosterRow(
        line=line,
        email=email,
        given_name=values["given_name"],
        family_name=values["family_name"],
        role=role,
        sector=sector,
        organisation=values["organisation"],
        job_title=values["job_title"],
        area=values["area"],
        tutor_group=values["tutor_group"],
        lived_experience=lived in YES,
        evaluation_consent=(consent in YES) if consent else None,
    ), []


def apply_roster(
    cohort: Cohort,
    rows: list[RosterRow],
    progress: Callable[[int], None] | None = None,
    by: User | None = None,
) -> ImportResult:
    """Add or update every row's user and membership, and record consent given on paper
    (through the consent service, as `by`: the lead, or None from the CLI). The caller
    commits."""
    from lms.core import consent
    from lms.core.cohorts import group_by_name

    result = ImportResult()
    emails = [row.email for row in rows]
    users = {
        user.email: user for user in db.session.scalars(select(User).where(User.email.in_(emails)))
    }
    memberships = {
        m.user_id: m
        for m in db.session.scalars(select(Membership).where(Membership.cohort_id == cohort.id))
    }
    for row in rows:
        user = users.get(row.email)
        if user is None:
            user = User(email=row.email, given_name=row.given_name, family_name=row.family_name)
            db.session.add(user)
            db.session.flush()
            users[row.email] = user
            result.invited.append(user)
        group = group_by_name(cohort, row.tutor_group) if row.tutor_group else None
        wanted = {
            "role": row.role,
            "sector": row.sector,
            "organisation": row.organisation,
            "job_title": row.job_title,
            "area": row.area,
            "tutor_group": group,
            "lived_experience": row.lived_experience,
        }
        membership = memberships.get(user.id)
        if membership is None:
            membership = Membership(user=user, cohort=cohort, **wanted)
            db.session.add(membership)
            memberships[user.id] = membership
            result.added.append(row.email)
        elif any(getattr(membership, key) != value for key, value in wanted.items()):
            for key, value in wanted.items():
                setattr(membership, key, value)
            result.updated.append(row.email)
        else:
            result.unchanged.append(row.email)
        if row.evaluation_consent is not None:
            db.session.flush()
            if consent.record_for_every_purpose(
                membership, row.evaluation_consent, by=by, source=consent.ROSTER
            ):
                result.consent_recorded.append(row.email)
        if progress:
            progress(1)
    db.session.flush()
    return result


def export_roster(cohort: Cohort, members: Iterable[Membership]) -> str:
    """The roster in the import format, so an export can be edited and imported back."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for m in members:
        writer.writerow(
            [
                m.user.email,
                m.user.given_name,
                m.user.family_name,
                m.role,
                m.sector,
                m.organisation,
                m.job_title,
                m.area,
                m.tutor_group.name if m.tutor_group else "",
                "yes" if m.lived_experience else "no",
            ]
        )
    return buffer.getvalue()
