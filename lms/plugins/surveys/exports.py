"""Downloads for leads: paired results (CSV) and pseudonymous responses (CSV, XLSX)."""

from __future__ import annotations

from dataclasses import dataclass

from lms.core.curriculum import SurveyInstrument
from lms.core.models import Cohort
from lms.core.spreadsheets import Sheet, csv_text, xlsx_bytes
from lms.plugins.surveys import analysis, charts, services

RESPONSE_COLUMNS = ("respondent", "instrument", "wave", "submitted_on")


@dataclass(frozen=True)
class Results:
    """Everything a results page shows, from one read of the answers."""

    rows: list[analysis.ResultRow]
    breakdown: list[analysis.ResultRow]
    charts: list[charts.DivergingChart]


def results(
    cohort: Cohort,
    instrument: SurveyInstrument,
    wave_from: str = "pre",
    wave_to: str = "post",
    by: str | None = None,
    tutor_group_id: int | None = None,
) -> Results:
    """Paired results per item, the scale score broken down `by` a group (if any) and a
    chart per Likert item; a tutor group's members only when `tutor_group_id` is given."""
    answers = services.submitted_answers(cohort, instrument, (wave_from, wave_to), tutor_group_id)
    return Results(
        rows=_rows(answers, instrument, wave_from, wave_to),
        breakdown=_rows(answers, instrument, wave_from, wave_to, by, with_items=False)
        if by
        else [],
        charts=_charts(answers, instrument, wave_from, wave_to),
    )


def results_rows(
    cohort: Cohort,
    instrument: SurveyInstrument,
    wave_from: str = "pre",
    wave_to: str = "post",
    by: str | None = None,
    tutor_group_id: int | None = None,
) -> list[analysis.ResultRow]:
    """Paired results per item and for the scale, as in the CSV download."""
    answers = services.submitted_answers(cohort, instrument, (wave_from, wave_to), tutor_group_id)
    return _rows(answers, instrument, wave_from, wave_to, by)


def _rows(answers, instrument, wave_from, wave_to, by=None, *, with_items=True):
    # Suppressed below the configured cell size, in totals and breakdowns alike.
    return analysis.results(
        answers,
        [item.id for item in instrument.items if item.type != "text"],
        instrument.confidence_scale,
        wave_from,
        wave_to,
        by=by,
        min_cell=services.min_cell_size(),
        with_items=with_items,
    )


def _charts(answers, instrument, wave_from, wave_to) -> list[charts.DivergingChart]:
    """A diverging bar chart per Likert item, over the members paired in both waves
    (suppressed below the configured cell size, like the rows)."""
    found = []
    for item in instrument.items:
        if item.type != "likert":
            continue
        low, high = services.item_range(item)
        labels = item.labels or [str(level) for level in range(low, high + 1)]
        before, after, _ = answers.paired(item.id, wave_from, wave_to)
        found.append(
            charts.diverging_chart(
                item.id,
                item.wording,
                labels,
                before.tolist(),
                after.tolist(),
                services.WAVE_NAMES[wave_from],
                services.WAVE_NAMES[wave_to],
                services.min_cell_size(),
                first_level=low,
            )
        )
    return found


def results_csv(rows: list[analysis.ResultRow], why_hidden: str = "") -> str:
    # Group labels are tutor-group and area names people typed: neutralised like all cells.
    return csv_text(
        [analysis.CSV_HEADER, *(analysis.csv_cells(row, why_hidden) for row in rows)], "\n"
    )


def why_hidden(cohort: Cohort) -> str:
    """Why a figure is not shown: too few consenting members, when that is the reason,
    else the small-cell rule."""
    from lms.core import consent

    reason = consent.suppression_reason(cohort) if services.consent_required() else None
    return reason or f"fewer than {services.min_cell_size()} people paired"


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
    return csv_text(table, "\n")


def responses_xlsx(table: list[list]) -> bytes:
    return xlsx_bytes([Sheet("Responses", table)])
