"""The one writer for every CSV and XLSX the product produces.

A cell that starts with = + - @, a tab or a carriage return would run as a formula
when a lead opens the file in a spreadsheet (CSV/formula injection), so every text cell
is neutralised here with a leading apostrophe, as OWASP recommends. Plain numbers
(such as "-0.25") are left alone: they are data, not formulas.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


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


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    """An XLSX workbook of `sheets` in order, every cell neutralised."""
    from openpyxl import Workbook  # imported on use: it slows the app's start
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.title)
        for row in sheet.rows:
            worksheet.append([safe_cell(cell) for cell in row])
        for index, size in sheet.bold.items():
            for cell in worksheet[index + 1]:
                cell.font = Font(bold=True, size=size) if size else Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
