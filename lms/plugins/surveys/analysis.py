"""Paired analysis of survey waves: pure functions over plain numbers, no database.

Figures follow the issue exactly: the Wilcoxon signed-rank test is SciPy's
``wilcoxon(post, pre, zero_method="wilcox", correction=False, alternative="two-sided",
method="auto")``; the confidence interval of the mean change uses the t distribution.
Small-cell suppression lives here too, so pages, charts and exports share one rule.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy


def _stats():
    # scipy takes about a second to import: load it on the first analysis, not at start.
    from scipy import stats

    return stats


def _numpy():
    import numpy

    return numpy


def _special():
    from scipy import special

    return special


MIN_CELL_SIZE = 5
"""Default smallest group a figure may describe (config `MIN_CELL_SIZE`)."""
SCALE_MIN_ANSWERED = 0.8
"""A scale score counts only if the member answered at least this share of its items."""
SCALE_ID = "scale"
CHANGE_DECIMALS = 9
"""Changes are rounded to this many decimal places before they are ranked: scale scores
are means (e.g. 12/11 and 13/11), so the same change computed from different scores can
differ in the last bit, and Wilcoxon's ranks would then treat a tie as no tie."""

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
    return paired_stats_many([(pre, post)])[0]


def paired_stats_many(groups: Sequence[tuple[Sequence[float], Sequence[float]]]) -> list[Paired]:
    """`paired_stats` for many groups at once (a breakdown), sharing SciPy's work."""
    np = _numpy()
    arrays = []
    for pre, post in groups:
        if len(pre) != len(post):
            raise ValueError("pre and post must have the same length")
        arrays.append((np.asarray(pre, dtype=float), np.asarray(post, dtype=float)))
    tests = _wilcoxon_many([_changes(a, b) for a, b in arrays])
    return [_paired(a, b, test) for (a, b), test in zip(arrays, tests, strict=True)]


def _paired(a: numpy.ndarray, b: numpy.ndarray, test: tuple[float, float] | None) -> Paired:
    n = len(a)
    if n == 0:
        return Paired(n_paired=0, notes=("No one answered both waves.",))
    diffs = _changes(a, b)
    # Plain reductions: numpy's mean/median/std wrappers cost more than the arithmetic
    # for a tutor group's twenty pairs, and a breakdown computes thousands of them.
    mean_change = float(diffs.sum()) / n
    figures = dict(
        n_paired=n,
        pre_mean=float(a.sum()) / n,
        post_mean=float(b.sum()) / n,
        mean_change=mean_change,
        pre_median=_median(a),
        post_median=_median(b),
        rank_biserial=rank_biserial(diffs),
        proportion_improved=int((diffs > 0).sum()) / n,
    )
    notes: list[str] = []
    if n >= 2:
        sd = math.sqrt(float(((diffs - mean_change) ** 2).sum()) / (n - 1))
        # stdtrit/stdtr are what stats.t.ppf/.sf compute, without their per-call overhead.
        half = float(_special().stdtrit(n - 1, 0.975)) * sd / math.sqrt(n)
        figures.update(ci95_low=mean_change - half, ci95_high=mean_change + half)
        if sd > 0:
            t = mean_change / (sd / math.sqrt(n))
            figures.update(
                t_statistic=t,
                t_p_value=float(2 * _special().stdtr(n - 1, -abs(t))),
                cohens_dz=mean_change / sd,
            )
        else:
            notes.append("Every change was the same, so the t-test and effect size are blank.")
    else:
        notes.append("One pair only: no confidence interval or tests.")
    if test is not None:
        figures.update(wilcoxon_statistic=test[0], p_value=test[1])
    else:
        notes.append("Fewer than 2 members changed: the Wilcoxon test is not computed.")
    return Paired(**figures, notes=tuple(notes))


def _changes(before: numpy.ndarray, after: numpy.ndarray) -> numpy.ndarray:
    return _numpy().round(after - before, CHANGE_DECIMALS)


def _median(values: numpy.ndarray) -> float:
    ordered = _numpy().sort(values)
    middle = len(ordered) // 2
    return float(ordered[middle] + ordered[(len(ordered) - 1) // 2]) / 2


def _wilcoxon_many(diffs: Sequence[numpy.ndarray]) -> list[tuple[float, float] | None]:
    """(statistic, p) of `scipy.stats.wilcoxon(post, pre, zero_method="wilcox",
    correction=False, alternative="two-sided", method="auto")` for each group of
    changes; None where fewer than 2 changed.

    SciPy's "auto" uses the normal approximation for more than 50 pairs, or more than 13
    with a zero or a tie. Zeros are dropped under "wilcox", so those groups are padded
    with zeros into one array and tested in one vectorised call (the same figures, at a
    fraction of the cost for a breakdown by tutor group). Up to 13 pairs with a zero or
    a tie, "auto" runs an exact permutation test over every sign pattern; SciPy calls
    Python once per pattern (about a tenth of a second per group), so `_sign_flip_test`
    enumerates the same patterns as one matrix product. Groups without ties or zeros
    use SciPy's exact distribution, one call each. All are tested against SciPy.
    """
    np = _numpy()
    wilcoxon = _stats().wilcoxon
    options = dict(zero_method="wilcox", correction=False, alternative="two-sided")
    found: list[tuple[float, float] | None] = [None] * len(diffs)
    batch: list[int] = []
    for index, d in enumerate(diffs):
        nonzero = d[d != 0]
        if len(nonzero) < 2:
            continue
        tied = len(nonzero) < len(d) or len(np.unique(np.abs(nonzero))) < len(nonzero)
        if len(d) > 50 or (len(d) > 13 and tied):
            batch.append(index)
        elif tied:
            found[index] = _sign_flip_test(d)
        else:
            test = wilcoxon(d, method="auto", **options)
            found[index] = (float(test.statistic), float(test.pvalue))
    if batch:
        padded = np.zeros((len(batch), max(51, *(len(diffs[i]) for i in batch))))
        for row, index in enumerate(batch):
            padded[row, : len(diffs[index])] = diffs[index]
        tests = wilcoxon(padded, method="asymptotic", axis=-1, **options)
        for row, index in enumerate(batch):
            found[index] = (float(tests.statistic[row]), float(tests.pvalue[row]))
    return found


def _sign_flip_test(d: numpy.ndarray) -> tuple[float, float]:
    """SciPy's exact permutation Wilcoxon test (`PermutationMethod`, all 2**n signs)."""
    np = _numpy()
    ranks = _signed_rank_magnitudes(d)
    observed = float(ranks[d > 0].sum())
    total = float(ranks.sum())
    # Every way of choosing which changes are positive: T+ under each sign pattern.
    patterns = (np.arange(2 ** len(d))[:, None] >> np.arange(len(d))) & 1
    null = patterns @ ranks
    gamma = abs(np.finfo(float).eps * 100 * observed)  # SciPy's tolerance for ties
    less = np.count_nonzero(null <= observed + gamma) / len(null)
    greater = np.count_nonzero(null >= observed - gamma) / len(null)
    return min(observed, total - observed), float(min(1.0, 2 * min(less, greater)))


def _signed_rank_magnitudes(d: numpy.ndarray) -> numpy.ndarray:
    """Average ranks of |d| among the non-zero changes (ties share the mean of their
    positions, as rankdata gives); 0 for no change."""
    np = _numpy()
    magnitude = np.abs(d)
    ordered = np.sort(magnitude[d != 0])
    below = np.searchsorted(ordered, magnitude, side="left")
    upto = np.searchsorted(ordered, magnitude, side="right")
    return np.where(d != 0, (below + upto + 1) / 2, 0.0)


def rank_biserial(diffs: Sequence[float]) -> float:
    """Matched-pairs rank-biserial correlation (T+ − T−)/(T+ + T−); 0 if no change."""
    np = _numpy()
    d = np.asarray(diffs, dtype=float)
    nonzero = d[d != 0]
    if nonzero.size == 0:
        return 0.0
    ranks = _signed_rank_magnitudes(nonzero)
    plus = float(ranks[nonzero > 0].sum())
    minus = float(ranks[nonzero < 0].sum())
    return (plus - minus) / (plus + minus)


SUPPRESSED = Paired(suppressed=True)
"""A row with every figure blank, notes too (they could reveal n)."""


@dataclass(frozen=True)
class Record:
    """One member's submitted answers in one wave, with the groups they belong to."""

    key: str  # links a member's waves (never shown)
    wave: str
    values: dict[str, float]
    groups: dict[str, str] = field(default_factory=dict)


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


@dataclass(frozen=True)
class Answers:
    """Submitted responses as columns, so pairing and grouping are array operations.

    Row r is one response: `member[r]` links a member's waves (an integer code, never
    shown), `wave[r]` its wave, `values[r, j]` the answer to `items[j]` (NaN when not
    answered) and `groups[by][r]` the member's group for a breakdown."""

    member: numpy.ndarray
    wave: numpy.ndarray
    values: numpy.ndarray
    items: tuple[str, ...]
    groups: dict[str, numpy.ndarray]

    @classmethod
    def from_records(cls, records: Sequence[Record], items: Sequence[str]) -> Answers:
        np = _numpy()
        codes: dict[str, int] = {}
        member = [codes.setdefault(r.key, len(codes)) for r in records]
        names = sorted({name for r in records for name in r.groups})
        return cls(
            member=np.array(member, dtype=np.int64),
            wave=np.array([r.wave for r in records], dtype=object),
            values=np.array(
                [[r.values.get(item) for item in items] for r in records], dtype=float
            ).reshape(len(records), len(items)),
            items=tuple(items),
            groups={
                name: np.array([r.groups.get(name) for r in records], dtype=object)
                for name in names
            },
        )

    def column(self, item: str, scale_items: Sequence[str] = ()) -> numpy.ndarray:
        """Each response's value for `item`, or its scale score for `SCALE_ID`."""
        np = _numpy()
        if item != SCALE_ID:
            return self.values[:, self.items.index(item)]
        if not scale_items:
            return np.full(len(self.member), np.nan)
        block = self.values[:, [self.items.index(i) for i in scale_items]]
        answered = np.count_nonzero(~np.isnan(block), axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            score = np.nansum(block, axis=1) / answered
        return np.where(answered >= SCALE_MIN_ANSWERED * len(scale_items), score, np.nan)

    def paired(
        self, item: str, wave_from: str, wave_to: str, scale_items: Sequence[str] = ()
    ) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
        """(from values, to values, rows of the to-wave responses) for every member with
        a value for `item` in both waves."""
        np = _numpy()
        value = self.column(item, scale_items)
        has = ~np.isnan(value)
        rows_from = np.flatnonzero(has & (self.wave == wave_from))
        rows_to = np.flatnonzero(has & (self.wave == wave_to))
        _, i_from, i_to = np.intersect1d(
            self.member[rows_from], self.member[rows_to], return_indices=True
        )
        rows_from, rows_to = rows_from[i_from], rows_to[i_to]
        return value[rows_from], value[rows_to], rows_to


# The breakdowns whose cells are released together (most important first); a group a
# plugin adds to the answers comes after these.
BREAKDOWN_ORDER = ("sector", "area", "tutor_group")


def results(
    records: Sequence[Record] | Answers,
    items: Sequence[str],
    scale_items: Sequence[str],
    wave_from: str = "pre",
    wave_to: str = "post",
    by: str | None = None,
    min_cell: int = MIN_CELL_SIZE,
    *,
    with_items: bool = True,
    releasable=None,
) -> list[ResultRow]:
    """Paired results per item and for the scale, overall or broken down `by` a group.

    Which cells are shown is decided for every breakdown at once (`released_cells`), so
    every page and file shows the same safe set whichever breakdown it asks for.
    `with_items=False` gives the scale row(s) only. `releasable` is
    `lms.core.disclosure.releasable` (passed in: this module stays free of Flask)."""
    if isinstance(records, Answers):
        answers = records
    else:
        answers = Answers.from_records(records, list(dict.fromkeys([*items, *scale_items])))
    plan: list[tuple[str, dict, set]] = []
    pairs: list[tuple[numpy.ndarray, numpy.ndarray]] = []
    decided: dict[tuple, dict] = {}  # items with the same pairs share one decision
    for item in [*items, SCALE_ID] if with_items else [SCALE_ID]:
        before, after, rows_to = answers.paired(item, wave_from, wave_to, scale_items)
        cells = breakdown_cells(answers, rows_to)
        key = tuple((name, group, len(rows)) for (name, group), rows in cells.items())
        key += (tuple(answers.member[rows_to]),)
        if key not in decided:
            decided[key] = released_cells(answers, rows_to, cells, min_cell, releasable)
        shown = decided[key]
        split = {group: rows for (name, group), rows in cells.items() if name == (by or "all")}
        hidden = {group for group in split if not shown[(by or "all", group)]}
        plan.append((item, split, hidden))
        pairs += [(before[split[g]], after[split[g]]) for g in sorted(split) if g not in hidden]
    # Every item's groups in one call, so SciPy's tests run once, not once per item.
    figures = iter(paired_stats_many(pairs))
    rows: list[ResultRow] = []
    for item, split, hidden in plan:
        for group in sorted(split):
            result = SUPPRESSED if group in hidden else next(figures)
            rows.append(ResultRow(by or "all", str(group), item, result))
    return rows


def breakdown_cells(answers: Answers, rows_to) -> dict[tuple[str, str], numpy.ndarray]:
    """(breakdown, group) -> positions among the paired members, overall first."""
    np = _numpy()
    cells: dict[tuple[str, str], numpy.ndarray] = {("all", "all"): np.arange(len(rows_to))}
    names = sorted(answers.groups, key=lambda n: (n not in BREAKDOWN_ORDER, _order(n), n))
    for name in names:
        labels = answers.groups[name][rows_to]
        of_pair = np.array([label or "not recorded" for label in labels], dtype=object)
        for group in sorted(set(of_pair.tolist())):
            cells[(name, group)] = np.flatnonzero(of_pair == group)
    return cells


def _order(name: str) -> int:
    return BREAKDOWN_ORDER.index(name) if name in BREAKDOWN_ORDER else len(BREAKDOWN_ORDER)


def released_cells(answers, rows_to, cells, min_cell: int, releasable=None) -> dict:
    """Whether each cell may be shown. With `releasable` (core's disclosure control), the
    cells of every breakdown are decided together: overall first, then each breakdown in
    BREAKDOWN_ORDER, larger groups before smaller. Without it, one breakdown at a time
    (the rule of `groups_to_suppress`), for callers outside the app."""
    if releasable is None:
        shown = {}
        for name in {name for name, _ in cells}:
            sizes = {g: len(rows) for (n, g), rows in cells.items() if n == name}
            hidden = groups_to_suppress(sizes, min_cell)
            shown.update({(name, g): g not in hidden for g in sizes})
        return shown
    members = answers.member[rows_to]
    order = sorted(
        cells, key=lambda cell: (cell[0] != "all", _order(cell[0]), -len(cells[cell]), cell)
    )
    decisions = releasable([frozenset(members[cells[cell]].tolist()) for cell in order], min_cell)
    return dict(zip(order, decisions, strict=True))


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
    "suppressed_because",
)


def csv_cells(row: ResultRow, why_hidden: str = "") -> list[str]:
    """A results row as CSV text in `CSV_HEADER` order (blank for missing figures); a
    suppressed row says why."""
    cells = [row.group_by, row.group, row.item_id]
    for name in CSV_HEADER[3:-2]:
        cells.append(format_number(getattr(row.result, name)))
    cells.append("true" if row.result.suppressed else "false")
    cells.append(why_hidden if row.result.suppressed else "")
    return cells


def format_number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return f"{value:.6g}"
