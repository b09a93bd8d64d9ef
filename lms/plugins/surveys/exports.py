"""Downloads for leads: paired results (CSV) and pseudonymous responses (CSV, XLSX)."""

from __future__ import annotations

from dataclasses import dataclass

from lms.core import disclosure
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
    if tutor_group_id is not None:
        rows = _group_rows(cohort, instrument, wave_from, wave_to, tutor_group_id)
        group_answers = services.submitted_answers(
            cohort, instrument, (wave_from, wave_to), tutor_group_id
        )
        hidden = {row.item_id for row in rows if row.result.suppressed}
        return Results(
            rows=rows,
            breakdown=[],
            charts=_charts(group_answers, instrument, wave_from, wave_to, hidden),
        )
    answers = services.submitted_answers(cohort, instrument, (wave_from, wave_to))
    rows = _rows(answers, instrument, wave_from, wave_to)
    hidden = {row.item_id for row in rows if row.result.suppressed}
    return Results(
        rows=rows,
        breakdown=_rows(answers, instrument, wave_from, wave_to, by, with_items=False)
        if by
        else [],
        charts=_charts(answers, instrument, wave_from, wave_to, hidden),
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
    if tutor_group_id is not None:
        return _group_rows(cohort, instrument, wave_from, wave_to, tutor_group_id)
    answers = services.submitted_answers(cohort, instrument, (wave_from, wave_to))
    return _rows(answers, instrument, wave_from, wave_to, by)


def _group_rows(cohort, instrument, wave_from, wave_to, tutor_group_id: int):
    """One tutor group's rows, as the cohort-wide breakdown by tutor group decides them:
    a group shown to its tutor is a cell the lead's pages show too, never one that could
    be subtracted from them."""
    from lms.core.models import TutorGroup
    from lms.extensions import db

    name = db.session.get(TutorGroup, tutor_group_id).name
    answers = services.submitted_answers(cohort, instrument, (wave_from, wave_to))
    rows = _rows(answers, instrument, wave_from, wave_to, "tutor_group")
    return [
        analysis.ResultRow("all", "all", row.item_id, row.result)
        for row in rows
        if row.group == name
    ]


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
        releasable=disclosure.releasable,
    )


def _charts(answers, instrument, wave_from, wave_to, hidden=frozenset()):
    """A diverging bar chart per Likert item, over the members paired in both waves
    (suppressed below the configured cell size, and wherever the item's row is)."""
    found = []
    for item in instrument.items:
        if item.type != "likert":
            continue
        low, high = services.item_range(item)
        labels = item.labels or [str(level) for level in range(low, high + 1)]
        before, after, _ = answers.paired(item.id, wave_from, wave_to)
        if item.id in hidden:
            before, after = before[:0], after[:0]  # no figures: drawn as suppressed
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
