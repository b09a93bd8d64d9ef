"""How a figure is written for people to read, in one place for every output.

Spreadsheets and CSVs keep the raw number (a spreadsheet formats it with a number
format, see `spreadsheets.NUMBER_FORMATS`); pages and documents show `text_of`. A
column's format is one of `FORMATS`; a cell that is text (such as "fewer than 5") is
shown as it is.
"""

from __future__ import annotations

import math

FORMATS = ("count", "decimal1", "decimal2", "percent", "p")


def p_text(p: float) -> str:
    """A p-value: "<0.001" below 0.001, otherwise to three decimal places."""
    if p < 0.001:
        return "<0.001"
    return f"{p:.3f}"


def is_number(cell) -> bool:
    return isinstance(cell, int | float) and not isinstance(cell, bool) and math.isfinite(cell)


def text_of(cell, fmt: str | None = None) -> str:
    """`cell` as text for a page or document, in the column's format `fmt`."""
    if cell is None:
        return ""
    if not is_number(cell):
        return str(cell)
    if fmt == "p":
        return p_text(cell)
    if fmt == "decimal2":
        return f"{cell:.2f}"
    if fmt in ("decimal1", "percent"):
        return f"{cell:.1f}"
    if fmt == "count" and float(cell).is_integer():
        return str(int(cell))
    return str(cell)
