"""Paired analysis of survey waves: pure functions over plain numbers, no database.

Figures follow the issue exactly: the Wilcoxon signed-rank test is SciPy's
``wilcoxon(post, pre, zero_method="wilcox", correction=False, alternative="two-sided",
method="auto")``; the confidence interval of the mean change uses the t distribution.
Small-cell suppression lives here too, so pages, charts and exports share one rule.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace


def _stats():
    # scipy takes about a second to import: load it on the first analysis, not at start.
    from scipy import stats

    return stats


MIN_CELL_SIZE = 5
"""Default smallest group a figure may describe (config `MIN_CELL_SIZE`)."""
SCALE_MIN_ANSWERED = 0.8
"""A scale score counts only if the member answered at least this share of its items."""
SCALE_ID = "scale"

FIGURES = (
    "n_paired",
    "pre_mean",
    "post_mean",
    "mean_change",
    "ci95_low",
    "ci95_high",
    "pre_median",
    "post_median",
    "wilcoxon_statistic",
    "p_value",
    "rank_biserial",
    "t_statistic",
    "t_p_value",
    "cohens_dz",
    "proportion_improved",
)


@dataclass(frozen=True)
class Paired:
    """Pre → post figures for one item (or the scale) over one group of members."""

    n_paired: int | None = None
    pre_mean: float | None = None
    post_mean: float | None = None
    mean_change: float | None = None
    ci95_low: float | None = None
    ci95_high: float | None = None
    pre_median: float | None = None
    post_median: float | None = None
    wilcoxon_statistic: float | None = None
    p_value: float | None = None
    rank_biserial: float | None = None
    t_statistic: float | None = None
    t_p_value: float | None = None
    cohens_dz: float | None = None
    proportion_improved: float | None = None
    suppressed: bool = False
    notes: tuple[str, ...] = ()


def paired_stats(pre: Sequence[float], post: Sequence[float]) -> Paired:
    """Every figure for paired values ``pre[i] → post[i]``; blank where undefined."""
    if len(pre) != len(post):
        raise ValueError("pre and post must have the same length")
    n = len(pre)
    if n == 0:
        return Paired(n_paired=0, notes=("No one answered both waves.",))
    diffs = [b - a for a, b in zip(pre, post, strict=True)]
    mean_change = statistics.fmean(diffs)
    result = Paired(
        n_paired=n,
        pre_mean=statistics.fmean(pre),
        post_mean=statistics.fmean(post),
        mean_change=mean_change,
        pre_median=float(statistics.median(pre)),
        post_median=float(statistics.median(post)),
        rank_biserial=rank_biserial(diffs),
        proportion_improved=sum(d > 0 for d in diffs) / n,
    )
    notes: list[str] = []
    if n >= 2:
        sd = statistics.stdev(diffs)
        half = _stats().t.ppf(0.975, n - 1) * sd / math.sqrt(n)
        result = replace(result, ci95_low=mean_change - half, ci95_high=mean_change + half)
        if sd > 0:
            t = mean_change / (sd / math.sqrt(n))
            result = replace(
                result,
                t_statistic=t,
                t_p_value=float(2 * _stats().t.sf(abs(t), n - 1)),
                cohens_dz=mean_change / sd,
            )
        else:
            notes.append("Every change was the same, so the t-test and effect size are blank.")
    else:
        notes.append("One pair only: no confidence interval or tests.")
    if sum(d != 0 for d in diffs) >= 2:
        test = _stats().wilcoxon(
            post,
            pre,
            zero_method="wilcox",
            correction=False,
            alternative="two-sided",
            method="auto",
        )
        result = replace(
            result, wilcoxon_statistic=float(test.statistic), p_value=float(test.pvalue)
        )
    else:
        notes.append("Fewer than 2 members changed: the Wilcoxon test is not computed.")
    return replace(result, notes=tuple(notes))


def rank_biserial(diffs: Sequence[float]) -> float:
    """Matched-pairs rank-biserial correlation (T+ − T−)/(T+ + T−); 0 if no change."""
    nonzero = [d for d in diffs if d != 0]
    if not nonzero:
        return 0.0
    ranks = _stats().rankdata([abs(d) for d in nonzero])
    plus = float(sum(r for r, d in zip(ranks, nonzero, strict=True) if d > 0))
    minus = float(sum(r for r, d in zip(ranks, nonzero, strict=True) if d < 0))
    return (plus - minus) / (plus + minus)


SUPPRESSED = Paired(suppressed=True)
"""A row with every figure blank, notes too (they could reveal n)."""


def scale_score(values: dict[str, float], scale_items: Sequence[str]) -> float | None:
    """Mean of the answered scale items, or None below the answered threshold."""
    answered = [values[item] for item in scale_items if values.get(item) is not None]
    if not scale_items or len(answered) < SCALE_MIN_ANSWERED * len(scale_items):
        return None
    return statistics.fmean(answered)


@dataclass(frozen=True)
class Record:
    """One member's submitted answers in one wave, with the groups they belong to."""

    key: str  # links a member's waves (never shown)
    wave: str
    values: dict[str, float]
    groups: dict[str, str] = field(default_factory=dict)


def pairs(
    records: Iterable[Record], item: str, wave_from: str, wave_to: str, scale_items=()
) -> dict[str, tuple[float, float]]:
    """``{key: (from, to)}`` for the members with a value for `item` in both waves."""
    found: dict[str, dict[str, float]] = {}
    for record in records:
        if record.wave not in (wave_from, wave_to):
            continue
        value = (
            scale_score(record.values, scale_items) if item == SCALE_ID else record.values.get(item)
        )
        if value is not None:
            found.setdefault(record.key, {})[record.wave] = value
    return {
        key: (waves[wave_from], waves[wave_to])
        for key, waves in found.items()
        if wave_from in waves and wave_to in waves
    }


def groups_to_suppress(sizes: dict[str, int], min_cell: int) -> set[str]:
    """Which groups of a breakdown to blank so that none smaller than `min_cell` shows.

    Primary: every group with 0 < n < min_cell. Secondary: while the suppressed groups
    together hold fewer than min_cell people, also blank the smallest shown group, so
    subtracting the shown groups from the total never reveals a small group."""
    hidden = {group for group, n in sizes.items() if n < min_cell}
    hidden_people = sum(sizes[group] for group in hidden)
    shown = sorted((n, group) for group, n in sizes.items() if group not in hidden)
    while 0 < hidden_people < min_cell and shown:
        n, group = shown.pop(0)
        hidden.add(group)
        hidden_people += n
    return hidden


@dataclass(frozen=True)
class ResultRow:
    group_by: str
    group: str
    item_id: str
    result: Paired


def results(
    records: Sequence[Record],
    items: Sequence[str],
    scale_items: Sequence[str],
    wave_from: str = "pre",
    wave_to: str = "post",
    by: str | None = None,
    min_cell: int = MIN_CELL_SIZE,
) -> list[ResultRow]:
    """Paired results per item and for the scale, overall or broken down `by` a group.

    Any row over fewer than `min_cell` members is suppressed; in a breakdown, groups are
    suppressed together (see `groups_to_suppress`)."""
    rows: list[ResultRow] = []
    for item in [*items, SCALE_ID]:
        paired = pairs(records, item, wave_from, wave_to, scale_items)
        if by is None:
            split = {"all": paired}
        else:
            group_of = {r.key: r.groups.get(by) or "not recorded" for r in records}
            split = {}
            for key, values in paired.items():
                split.setdefault(group_of[key], {})[key] = values
        hidden = groups_to_suppress({g: len(v) for g, v in split.items()}, min_cell)
        for group in sorted(split):
            values = list(split[group].values())
            if group in hidden:
                result = SUPPRESSED
            else:
                result = paired_stats([a for a, _ in values], [b for _, b in values])
            rows.append(ResultRow(by or "all", group, item, result))
    return rows


CSV_HEADER = (
    "group_by",
    "group",
    "item_id",
    "n_paired",
    "pre_mean",
    "post_mean",
    "mean_change",
    "ci95_low",
    "ci95_high",
    "pre_median",
    "post_median",
    "wilcoxon_statistic",
    "p_value",
    "rank_biserial",
    "suppressed",
)


def csv_cells(row: ResultRow) -> list[str]:
    """A results row as CSV text in `CSV_HEADER` order (blank for missing figures)."""
    cells = [row.group_by, row.group, row.item_id]
    for name in CSV_HEADER[3:-1]:
        cells.append(format_number(getattr(row.result, name)))
    cells.append("true" if row.result.suppressed else "false")
    return cells


def format_number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return f"{value:.6g}"
