"""The one writer for every CSV and XLSX the product produces.

A cell that starts with = + - @, a tab or a carriage return would run as a formula
when a lead opens the file in a spreadsheet (CSV/formula injection), so every text cell
is neutralised here with a leading apostrophe, as OWASP recommends. Plain numbers
(such as "-0.25") are left alone: they are data, not formulas.

In a workbook, numbers stay numbers: a column given a format (`Sheet.formats`, named as
in `lms.core.numbers.FORMATS`) stores its figures as numbers with a number format, so a
lead can sort and sum them; only text (such as "fewer than 5") stays text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
# Excel number formats of `lms.core.numbers.FORMATS`; percentages are kept as 0-100.
NUMBER_FORMATS = {
    "count": "0",
    "decimal1": "0.0",
    "decimal2": "0.00",
    "percent": '0.0"%"',
    "p": "0.000000",
}


def safe_cell(cell):
    """The cell as a spreadsheet will show it, never as a formula it would run."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START) and not _NUMBER.match(cell):
        return "'" + cell
    return cell


def csv_text(rows: Iterable[Iterable], lineterminator: str = "\r\n") -> str:
    """Rows (the header first, if any) as CSV text, every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=lineterminator)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


@dataclass
class Sheet:
    """One worksheet: its title, its rows, and which rows (0-based) are bold."""

    title: str
    rows: list[list] = field(default_factory=list)
    bold: dict[int, int | None] = field(default_factory=dict)  # row -> font size or None
    # Column (0-based) -> format name, for the rows from `data_from` (0-based) on.
    formats: dict[int, str] = field(default_factory=dict)
    data_from: int = 0
    freeze: str | None = None  # the top-left cell of the scrolling part, e.g. "A3"
    widths: dict[int, float] = field(default_factory=dict)  # column (0-based) -> width


def numeric(cell):
    """A number written as text ("3.10", "6") as the number; anything else unchanged."""
    if isinstance(cell, str) and _NUMBER.match(cell.strip()):
        text = cell.strip()
        return int(text) if text.lstrip("+-").isdigit() else float(text)
    return cell


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    """An XLSX workbook of `sheets` in order, every cell neutralised."""
    from openpyxl import Workbook  # imported on use: it slows the app's start
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.title)
        for number, row in enumerate(sheet.rows):
            if number >= sheet.data_from and sheet.formats:
                row = [numeric(cell) if i in sheet.formats else cell for i, cell in enumerate(row)]
            worksheet.append([safe_cell(cell) for cell in row])
            if number >= sheet.data_from:
                for i, name in sheet.formats.items():
                    cell = worksheet.cell(number + 1, i + 1)
                    if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                        cell.number_format = NUMBER_FORMATS[name]
        for index, size in sheet.bold.items():
            for cell in worksheet[index + 1]:
                cell.font = Font(bold=True, size=size) if size else Font(bold=True)
        if sheet.freeze:
            worksheet.freeze_panes = sheet.freeze
        for i, width in sheet.widths.items():
            worksheet.column_dimensions[get_column_letter(i + 1)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
