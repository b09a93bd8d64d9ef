"""Downloads for leads: paired results (CSV) and pseudonymous responses (CSV, XLSX)."""

from __future__ import annotations

import csv
import io

from lms.core.curriculum import SurveyInstrument
from lms.core.models import Cohort
from lms.plugins.surveys import analysis, charts, services

RESPONSE_COLUMNS = ("respondent", "instrument", "wave", "submitted_on")


def results_rows(
    cohort: Cohort,
    instrument: SurveyInstrument,
    wave_from: str = "pre",
    wave_to: str = "post",
    by: str | None = None,
) -> list[analysis.ResultRow]:
    """Paired results for the cohort, suppressed below the configured cell size."""
    records = services.submitted_records(cohort, instrument.id)
    numeric = [item.id for item in instrument.items if item.type != "text"]
    return analysis.results(
        records,
        numeric,
        instrument.confidence_scale,
        wave_from,
        wave_to,
        by=by,
        min_cell=services.min_cell_size(),
    )


def chart_rows(
    cohort: Cohort, instrument: SurveyInstrument, wave_from: str = "pre", wave_to: str = "post"
) -> list[charts.DivergingChart]:
    """A diverging bar chart per Likert item, over the members paired in both waves.

    Suppressed below the configured cell size, like `results_rows`."""
    records = services.submitted_records(cohort, instrument.id)
    found = []
    for item in instrument.items:
        if item.type != "likert":
            continue
        low, high = services.item_range(item)
        labels = item.labels or [str(level) for level in range(low, high + 1)]
        paired = list(analysis.pairs(records, item.id, wave_from, wave_to).values())
        found.append(
            charts.diverging_chart(
                item.id,
                item.wording,
                labels,
                [before for before, _ in paired],
                [after for _, after in paired],
                services.WAVE_NAMES[wave_from],
                services.WAVE_NAMES[wave_to],
                services.min_cell_size(),
                first_level=low,
            )
        )
    return found


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
