"""Downloads for leads: paired results (CSV) and pseudonymous responses (CSV, XLSX)."""

from __future__ import annotations

import csv
import io

from lms.core.curriculum import SurveyInstrument
from lms.core.models import Cohort
from lms.plugins.surveys import analysis, services

RESPONSE_COLUMNS = ("respondent", "instrument", "wave", "submitted_on")


def results_rows(
    cohort: Cohort,
    instrument: SurveyInstrument,
    wave_from: str = "pre",
    wave_to: str = "post",
    by: str | None = None,
    *,
    with_items: bool = True,
) -> list[analysis.ResultRow]:
    """Paired results for the cohort, suppressed below the configured cell size
    (`with_items=False`: the scale score only)."""
    answers = services.submitted_answers(cohort, instrument, (wave_from, wave_to))
    numeric = [item.id for item in instrument.items if item.type != "text"]
    return analysis.results(
        answers,
        numeric,
        instrument.confidence_scale,
        wave_from,
        wave_to,
        by=by,
        min_cell=services.min_cell_size(),
        with_items=with_items,
    )


def results_csv(rows: list[analysis.ResultRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(analysis.CSV_HEADER)
    writer.writerows(analysis.csv_cells(row) for row in rows)
    return out.getvalue()


def response_table(cohort: Cohort, instrument: SurveyInstrument) -> list[list]:
    """One row per submitted response: pseudonym, wave, date, one column per item.

    No names, emails, sectors or groups: a small group could identify someone."""
    header = [*RESPONSE_COLUMNS, *(item.id for item in instrument.items)]
    rows: list[list] = [header]
    for response in services.submitted_responses(cohort, instrument.id):
        answers = services.answers_of(response)
        rows.append(
            [
                services.pseudonym(cohort.id, response),
                response.instrument,
                response.wave,
                response.submitted_at.date().isoformat(),
                *(answers.get(item.id, "") for item in instrument.items),
            ]
        )
    return rows


def responses_csv(table: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in table:
        writer.writerow([_no_formula(cell) for cell in row])
    return out.getvalue()


def responses_xlsx(table: list[list]) -> bytes:
    from openpyxl import Workbook  # imported on use: it slows the app's start

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Responses"
    for row in table:
        sheet.append([_no_formula(cell) for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _no_formula(cell):
    """Free text starting with = + - @ would run as a formula in a spreadsheet."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell
