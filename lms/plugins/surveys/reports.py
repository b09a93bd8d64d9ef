"""The survey's headline tables for the evaluation report (hook `lms_evaluation_tables`)."""

from __future__ import annotations

from lms.core.models import Cohort
from lms.plugins.surveys import analysis, exports, services


def _figure(value, places: int = 2) -> str:
    return "" if value is None else f"{value:.{places}f}"


def evaluation_tables(cohort: Cohort) -> list[dict]:
    """Paired pre → post change for the scale and each item, suppressed like the page."""
    names = [wave.wave for wave in services.waves(cohort)]
    if "pre" not in names or "post" not in names:
        return []
    instrument = services.instrument_of(cohort, services.find_wave(cohort, "pre"))
    hidden = f"Fewer than {services.min_cell_size()} responses"
    rows = []
    for row in exports.results_rows(cohort, instrument, "pre", "post"):
        r = row.result
        label = (
            "Confidence scale score"
            if row.item_id == analysis.SCALE_ID
            else instrument.items_by_id[row.item_id].wording
        )
        if r.suppressed:
            rows.append([label, hidden, "", "", "", ""])
            continue
        change = (
            f"{_figure(r.mean_change)} ({_figure(r.ci95_low)} to {_figure(r.ci95_high)})"
            if r.ci95_low is not None
            else _figure(r.mean_change)
        )
        rows.append(
            [
                label,
                str(r.n_paired),
                _figure(r.pre_mean),
                _figure(r.post_mean),
                change,
                _figure(r.p_value, 3),
            ]
        )
    rows.sort(key=lambda row: row[0] != "Confidence scale score")
    return [
        {
            "title": f"{instrument.title}: change from the start to the end (paired)",
            "columns": [
                "Measure",
                "People paired",
                "Mean at start",
                "Mean at end",
                "Mean change (95% CI)",
                "p (Wilcoxon)",
            ],
            "rows": rows,
        }
    ]
