"""Roster import and export: the cohort's members as CSV or an Excel workbook.

Import is all-or-nothing: the whole file is validated first and every bad row is
reported with its line (CSV) or row (XLSX) number; only a clean file changes anything.
Importing the same file twice changes nothing (people are matched by email). The page,
the CLI and the "add one member" form all go through `parse_roster`/`parse_member` and
`apply_roster`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import insert, select, update

from lms.contracts import ROLES
from lms.core.accounts import EMAILABLE
from lms.core.models import SECTORS, Cohort, Membership, TutorGroup, User, new_session_token
from lms.core.spreadsheets import csv_text
from lms.core.validation import LIMITS, email_problem, text_problem
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
MAX_ROWS = 25_000  # a workbook is compressed: its rows are counted, not its bytes
XLSX_MAGIC = b"PK\x03\x04"  # a ZIP archive, as every .xlsx is
MAX_FIELD = 20  # role, sector and the yes/no column
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
    unit: str = "line"  # "row" in a workbook, as a spreadsheet numbers them

    def __str__(self) -> str:
        if self.unit == "row":
            where = f"row {self.line}" if self.line else "file"
            return (
                f"{where}, column {self.field}: {self.message}"
                if self.field
                else (f"{where}: {self.message}")
            )
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


class _Unreadable(Exception):
    def __init__(self, line: int, message: str):
        self.line, self.message = line, message


def is_workbook(data: bytes, filename: str = "") -> bool:
    return filename.lower().endswith(".xlsx") or data.startswith(XLSX_MAGIC)


def parse_roster(data: bytes, filename: str = "") -> list[RosterRow]:
    """Validate a whole roster file, CSV or XLSX (its first sheet); raise `RosterInvalid`
    listing every problem."""
    if len(data) > MAX_BYTES:
        raise RosterInvalid(
            [RowError(0, "", f"the file is larger than {MAX_BYTES // 1_048_576} MB")]
        )
    if is_workbook(data, filename):
        try:
            return _check_table(*_workbook_table(data))
        except RosterInvalid as invalid:
            raise RosterInvalid(
                [
                    replace(e, unit="row", message=e.message.replace("on line", "on row"))
                    for e in invalid.errors
                ]
            ) from None
    return _check_table(*_csv_table(data))


def _csv_table(data: bytes):
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
        header = next(reader)
    except csv.Error as error:
        raise RosterInvalid([RowError(1, "", f"the header cannot be read: {error}")]) from None

    def lines():
        try:
            for cells in reader:
                yield reader.line_num, cells
        except csv.Error as error:
            raise _Unreadable(reader.line_num, f"the CSV cannot be read: {error}") from None

    return header, lines()


def _cell_text(value) -> str:
    """A workbook cell as the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _workbook_table(data: bytes):
    """The first sheet's header and rows, read in streaming mode (a small file can
    unpack to a huge sheet: rows are counted as they come)."""
    from openpyxl import load_workbook  # imported on use: it slows the app's start

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable archive gets the same answer
        raise RosterInvalid(
            [
                RowError(
                    0,
                    "",
                    "the file is not an Excel workbook (.xlsx) that can be read: save it "
                    "as 'Excel Workbook (.xlsx)' or as 'CSV UTF-8' and try again",
                )
            ]
        ) from None
    try:
        rows = []
        # Columns past the consent column and one more are never read: a sheet can
        # claim to be 16,384 columns wide, and every row would be padded to that.
        sheet_rows = workbook.worksheets[0].iter_rows(max_col=len(HEADER) + 2, values_only=True)
        for number, values in enumerate(sheet_rows, 1):
            if number > MAX_ROWS + 1:
                raise RosterInvalid(
                    [RowError(0, "", f"the first sheet has more than {MAX_ROWS:,} rows")]
                )
            cells = [_cell_text(value) for value in values]
            while cells and not cells[-1].strip():
                cells.pop()  # a sheet pads every row to its widest
            rows.append((number, cells))
    finally:
        workbook.close()
    if not rows or not any(cells for _, cells in rows):
        raise RosterInvalid([RowError(0, "", "the first sheet is empty")])
    header_cells = rows[0][1]
    width = len(header_cells)
    body = [
        (n, cells + [""] * (width - len(cells)) if len(cells) < width else cells)
        for n, cells in rows[1:]
    ]
    return header_cells, iter(body)


def _check_table(header_cells: list[str], lines) -> list[RosterRow]:
    """Validate the header and every row; raise `RosterInvalid` listing every problem."""
    header = [cell.strip().lower() for cell in header_cells]
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
        for line, cells in lines:
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
    except _Unreadable as unreadable:
        errors.append(RowError(unreadable.line, "", unreadable.message))
    if not rows and not errors:
        errors.append(RowError(0, "", "the file has a header but no people"))
    if errors:
        raise RosterInvalid(errors)
    return rows


def parse_member(values: dict[str, str]) -> RosterRow:
    """One person typed into the "add a member" form, checked as a roster row would be
    (the same rules, the same words); raise `RosterInvalid` naming the fields."""
    cells = [values.get(name, "") for name in HEADER]
    row, errors = _parse_row(0, cells, HEADER)
    if errors:
        raise RosterInvalid(errors)
    return row


def _parse_row(
    line: int, cells: list[str], columns: tuple[str, ...] = HEADER
) -> tuple[RosterRow | None, list[RowError]]:
    errors: list[RowError] = []
    if len(cells) != len(columns):
        return None, [RowError(line, "", f"expected {len(columns)} columns, found {len(cells)}")]
    values = dict(zip(columns, (cell.strip() for cell in cells), strict=True))
    for name, value in values.items():
        problem = text_problem(value, LIMITS.get(name, MAX_FIELD))
        if problem:
            errors.append(RowError(line, name, problem))
    email, problem = email_problem(values["email"])
    if problem and not any(error.field == "email" for error in errors):
        errors.append(RowError(line, "email", problem))
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


@dataclass(frozen=True)
class Invitee:
    """What an invitation needs of a new user, read before the commit so that sending
    (after it) touches the database no more."""

    id: int
    email: str
    given_name: str
    session_token: str


CHUNK = 5000  # ids per IN (...): well inside SQLite's limit on bound parameters


def _chunks(items: list) -> Iterable[list]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _user_ids(emails: list[str]) -> dict[str, int]:
    found = {}
    for chunk in _chunks(emails):
        found.update(
            db.session.execute(select(User.email, User.id).where(User.email.in_(chunk))).all()
        )
    return found


def _group_ids(cohort: Cohort, names: set[str]) -> dict[str, int]:
    """The cohort's tutor groups by name; those named in the roster are created if new."""
    query = select(TutorGroup.name, TutorGroup.id).where(TutorGroup.cohort_id == cohort.id)
    existing = dict(db.session.execute(query).all())
    missing = sorted(names - existing.keys())
    if missing:
        db.session.execute(
            insert(TutorGroup), [{"cohort_id": cohort.id, "name": name} for name in missing]
        )
        return _group_ids(cohort, set())
    return existing


FIELDS = ("role", "sector", "organisation", "job_title", "area", "tutor_group_id")


def apply_roster(
    cohort: Cohort,
    rows: list[RosterRow],
    progress: Callable[[int], None] | None = None,
    by: User | None = None,
) -> ImportResult:
    """Add or update every row's user and membership. The caller commits.

    In bulk: a handful of statements per 5,000 rows, whatever the roster's size, so a
    national roster holds the write lock for a moment, not for minutes."""
    result = ImportResult()
    groups = _group_ids(cohort, {row.tutor_group for row in rows if row.tutor_group})
    users = _user_ids([row.email for row in rows])
    # People already known who never set a password: a new membership invites them
    # again, whichever cohort it is (else they never get in). Not deactivated ones.
    waiting = {}
    for chunk in _chunks(list(users.values())):
        waiting.update(
            (user_id, Invitee(user_id, email, given_name, token))
            for user_id, email, given_name, token in db.session.execute(
                select(User.id, User.email, User.given_name, User.session_token).where(
                    User.id.in_(chunk), User.password_hash.is_(None), EMAILABLE
                )
            )
        )
    new = [row for row in rows if row.email not in users]
    tokens = {row.email: new_session_token() for row in new}
    for chunk in _chunks(new):
        db.session.execute(
            insert(User),
            [
                {
                    "email": row.email,
                    "given_name": row.given_name,
                    "family_name": row.family_name,
                    "session_token": tokens[row.email],
                }
                for row in chunk
            ],
        )
    users.update(_user_ids([row.email for row in new]))
    result.invited = [
        Invitee(users[row.email], row.email, row.given_name, tokens[row.email]) for row in new
    ]
    columns = [getattr(Membership, name) for name in ("user_id", "id", *FIELDS)]
    columns.append(Membership.lived_experience)
    current = {
        user_id: (membership_id, tuple(values))
        for user_id, membership_id, *values in db.session.execute(
            select(*columns).where(Membership.cohort_id == cohort.id)
        )
    }
    to_add, to_update = [], []
    for row in rows:
        wanted = (
            row.role,
            row.sector,
            row.organisation,
            row.job_title,
            row.area,
            groups.get(row.tutor_group) if row.tutor_group else None,
            row.lived_experience,
        )
        values = dict(zip((*FIELDS, "lived_experience"), wanted, strict=True))
        user_id = users[row.email]
        if user_id not in current:
            to_add.append({"user_id": user_id, "cohort_id": cohort.id, **values})
            result.added.append(row.email)
            if user_id in waiting:
                result.invited.append(waiting[user_id])
        elif current[user_id][1] != wanted:
            to_update.append({"id": current[user_id][0], **values})
            result.updated.append(row.email)
        else:
            result.unchanged.append(row.email)
    for chunk in _chunks(to_add):
        db.session.execute(insert(Membership), chunk)
        if progress:
            progress(len(chunk))
    for chunk in _chunks(to_update):
        db.session.execute(update(Membership), chunk)
        if progress:
            progress(len(chunk))
    if progress:
        progress(len(result.unchanged))
    # Objects already loaded (the cohort's groups and members) must not hide the rows.
    db.session.expire_all()
    paper = {users[row.email]: row.evaluation_consent for row in rows}
    paper = {user_id: given for user_id, given in paper.items() if given is not None}
    if paper:
        result.consent_recorded = _record_paper_consent(cohort, paper, by)
    return result


def _record_paper_consent(cohort: Cohort, given: dict[int, bool], by: User | None) -> list[str]:
    """Consent from paper forms (the `evaluation_consent` column), through the consent
    service as the lead (`by`); the emails whose answers changed."""
    from sqlalchemy.orm import joinedload

    from lms.core import consent

    members = {
        m.id: m
        for m in db.session.scalars(
            select(Membership)
            .options(joinedload(Membership.user))
            .where(Membership.cohort_id == cohort.id, Membership.user_id.in_(list(given)))
        )
    }
    answers = {mid: given[m.user_id] for mid, m in members.items()}
    changed = consent.record_for_many(cohort, answers, by=by, source=consent.ROSTER)
    return sorted(members[mid].user.email for mid in changed)


def export_roster(cohort: Cohort, members: Iterable[Membership]) -> str:
    """The roster in the import format, so an export can be edited and imported back."""
    rows = (
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
        for m in members
    )
    return csv_text([HEADER, *rows])


def add_member(cohort: Cohort, row: RosterRow, by: User | None = None) -> ImportResult:
    """Add one person, as a one-row roster would; raise `RosterInvalid` if they are
    already in the cohort (editing them is done on their member page). The caller
    commits, then sends `result.invited`."""
    existing = db.session.scalar(
        select(Membership.withdrawn_at.is_not(None))
        .join(User, User.id == Membership.user_id)
        .where(Membership.cohort_id == cohort.id, User.email == row.email)
    )
    if existing is not None:
        state = "withdrawn from" if existing else "already a member of"
        raise RosterInvalid([RowError(0, "email", f"{row.email} is {state} this cohort")])
    return apply_roster(cohort, [row], by=by)
