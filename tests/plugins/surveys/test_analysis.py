"""The statistics against hand-worked answers and independent NumPy/SciPy computations."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from lms.plugins.surveys.analysis import (
    SCALE_ID,
    Answers,
    Record,
    csv_cells,
    groups_to_suppress,
    paired_stats,
    rank_biserial,
    results,
)


def test_a_hand_worked_example_with_ties_and_a_zero():
    pre = [2, 3, 3, 4, 2, 3]
    post = [4, 4, 3, 5, 3, 5]  # changes 2, 1, 0, 1, 1, 2
    result = paired_stats(pre, post)

    sd = math.sqrt(2.8333333333 / 5)  # squared deviations of the changes from 7/6 sum to 2.8333
    assert result.n_paired == 6
    assert result.pre_mean == pytest.approx(17 / 6)
    assert result.post_mean == pytest.approx(24 / 6)
    assert result.mean_change == pytest.approx(7 / 6)
    half = 2.570582 * sd / math.sqrt(6)  # t(0.975, 5 df) from printed tables
    assert result.ci95_low == pytest.approx(7 / 6 - half, abs=1e-5)
    assert result.ci95_high == pytest.approx(7 / 6 + half, abs=1e-5)
    assert result.pre_median == 3 and result.post_median == 4
    assert result.t_statistic == pytest.approx((7 / 6) / (sd / math.sqrt(6)), rel=1e-6)
    assert result.cohens_dz == pytest.approx((7 / 6) / sd, rel=1e-6)
    assert result.proportion_improved == pytest.approx(5 / 6)
    # Wilcoxon: the zero is dropped; |changes| 1,1,1 share rank 2 and 2,2 share 4.5.
    # Every non-zero change is positive: T+ = 15, T- = 0, statistic = min = 0.
    assert result.wilcoxon_statistic == 0
    assert result.rank_biserial == 1
    # SciPy's "auto" (as the issue requires) drops the zero and, with 5 changes left,
    # uses the exact null distribution: only all-plus or all-minus signs reach T = 0.
    assert result.p_value == pytest.approx(2 / 32)


def test_exact_wilcoxon_p_value_by_enumerating_every_sign_pattern():
    pre = [3, 4, 1, 1, 0]
    post = [4, 2, 4, 5, 5]  # changes 1, -2, 3, 4, 5: no ties, no zeros, so exact
    result = paired_stats(pre, post)
    t_plus = 1 + 3 + 4 + 5
    extreme = sum(
        1
        for signs in itertools.product((0, 1), repeat=5)
        if (s := sum(rank for rank, sign in zip(range(1, 6), signs, strict=True) if sign))
        <= 15 - t_plus
        or s >= t_plus
    )
    assert result.wilcoxon_statistic == 2
    assert result.p_value == pytest.approx(extreme / 32)
    assert result.rank_biserial == pytest.approx((13 - 2) / 15)


@pytest.mark.parametrize(
    ("pre", "post"),
    [([], []), ([3], [4]), ([3, 3], [4, 3]), ([3, 3, 3], [3, 3, 3]), ([2, 2, 4], [3, 2, 4])],
)
def test_too_few_pairs_or_changes_give_blanks_and_a_note_not_a_crash(pre, post):
    result = paired_stats(pre, post)
    assert result.n_paired == len(pre)
    assert result.wilcoxon_statistic is None and result.p_value is None
    assert result.notes
    if len(pre) < 2:
        assert result.ci95_low is None and result.t_p_value is None


def test_identical_changes_have_a_zero_width_interval_and_no_t_test():
    result = paired_stats([2, 2, 3], [3, 3, 4])
    assert result.ci95_low == result.ci95_high == 1
    assert result.t_statistic is None and result.cohens_dz is None
    assert result.wilcoxon_statistic == 0  # three positive changes: the test runs


paired_data = st.integers(min_value=0, max_value=40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(1, 5), min_size=n, max_size=n),
        st.lists(st.integers(1, 5), min_size=n, max_size=n),
    )
)


@settings(max_examples=150, deadline=None)
@given(paired_data)
def test_every_figure_matches_numpy_and_scipy(data):
    pre, post = data
    result = paired_stats(pre, post)
    n = len(pre)
    assert result.n_paired == n
    if n == 0:
        assert result.pre_mean is None and result.mean_change is None
        return
    a, b = np.array(pre, float), np.array(post, float)
    d = b - a
    assert result.pre_mean == pytest.approx(a.mean())
    assert result.post_mean == pytest.approx(b.mean())
    assert result.mean_change == pytest.approx(d.mean())
    assert result.pre_median == pytest.approx(np.median(a))
    assert result.post_median == pytest.approx(np.median(b))
    assert result.proportion_improved == pytest.approx((d > 0).mean())
    if n >= 2:
        half = stats.t.ppf(0.975, n - 1) * d.std(ddof=1) / np.sqrt(n)
        assert result.ci95_low == pytest.approx(d.mean() - half)
        assert result.ci95_high == pytest.approx(d.mean() + half)
        if d.std() > 0:
            reference = stats.ttest_rel(b, a)
            assert result.t_statistic == pytest.approx(reference.statistic)
            assert result.t_p_value == pytest.approx(reference.pvalue)
            assert result.cohens_dz == pytest.approx(d.mean() / d.std(ddof=1))
    nonzero = d[d != 0]
    if len(nonzero) >= 2:
        reference = stats.wilcoxon(
            post,
            pre,
            zero_method="wilcox",
            correction=False,
            alternative="two-sided",
            method="auto",
        )
        assert result.wilcoxon_statistic == pytest.approx(reference.statistic)
        assert result.p_value == pytest.approx(reference.pvalue)
    else:
        assert result.wilcoxon_statistic is None and result.p_value is None
    # Rank-biserial from first principles: average ranks of |d|, signed sums.
    if len(nonzero) == 0:
        assert result.rank_biserial == 0
    else:
        magnitudes = np.abs(nonzero)
        ranks = [(np.sum(magnitudes < m) + 1 + np.sum(magnitudes <= m)) / 2 for m in magnitudes]
        plus = sum(r for r, x in zip(ranks, nonzero, strict=True) if x > 0)
        minus = sum(r for r, x in zip(ranks, nonzero, strict=True) if x < 0)
        assert result.rank_biserial == pytest.approx((plus - minus) / (plus + minus))


def test_rank_biserial_is_zero_without_change():
    assert rank_biserial([0, 0, 0]) == 0


def test_scale_score_needs_eighty_percent_of_the_items():
    items = [f"i{n}" for n in range(10)]
    records = [
        Record("eight", "pre", {f"i{n}": 4 for n in range(8)}),
        Record("seven", "pre", {f"i{n}": 2 for n in range(7)}),
        Record(
            "mixed",
            "pre",
            {"i0": 1, "i1": 2, "i2": 3, "i3": 4, "i4": 5, "i5": 5, "i6": 5, "i7": 5, "i8": None},
        ),
    ]
    scores = Answers.from_records(records, items).column(SCALE_ID, items)
    assert scores[0] == 4
    assert np.isnan(scores[1])
    assert scores[2] == pytest.approx(30 / 8)


groups_of_pairs = st.lists(
    st.tuples(st.sampled_from("abcdefgh"), st.integers(1, 5), st.integers(-4, 4)),
    min_size=0,
    max_size=400,
)


@settings(max_examples=60, deadline=None)
@given(groups_of_pairs, st.integers(1, 6))
def test_a_breakdown_gives_each_group_exactly_what_scipy_gives_it_alone(members, min_cell):
    """Breakdowns share one vectorised Wilcoxon call between groups (see
    `_wilcoxon_many`): every group's figures must still be SciPy's for that group alone,
    from groups of 1 to over 50 pairs, with ties and zeros."""
    records = []
    for index, (group, before, change) in enumerate(members):
        after = min(5, max(1, before + change))
        records.append(Record(f"m{index}", "pre", {"q": before}, {"team": group}))
        records.append(Record(f"m{index}", "post", {"q": after}, {"team": group}))
    rows = results(records, ["q"], ["q"], by="team", min_cell=min_cell)
    for row in rows:
        if row.item_id != "q" or row.result.suppressed:
            continue
        chosen = [r for r in records if r.groups["team"] == row.group]
        pre = np.array([r.values["q"] for r in chosen if r.wave == "pre"], float)
        post = np.array([r.values["q"] for r in chosen if r.wave == "post"], float)
        assert row.result.n_paired == len(pre) >= min_cell
        assert row.result.mean_change == pytest.approx((post - pre).mean())
        if np.count_nonzero(post - pre) >= 2:
            reference = stats.wilcoxon(
                post, pre, zero_method="wilcox", correction=False, method="auto"
            )
            assert row.result.wilcoxon_statistic == pytest.approx(reference.statistic)
            assert row.result.p_value == pytest.approx(reference.pvalue, abs=1e-12)
        else:
            assert row.result.p_value is None


def test_groups_are_suppressed_together_so_subtraction_reveals_nothing():
    assert groups_to_suppress({"a": 10, "b": 6}, 5) == set()
    assert groups_to_suppress({"a": 10, "b": 3, "c": 8}, 5) == {"b", "c"}
    assert groups_to_suppress({"a": 10, "b": 3, "c": 2}, 5) == {"b", "c"}
    assert groups_to_suppress({"a": 10, "b": 1, "c": 1, "d": 6}, 5) == {"b", "c", "d"}
    assert groups_to_suppress({"a": 4}, 5) == {"a"}


@given(st.dictionaries(st.sampled_from("abcdefg"), st.integers(1, 20), min_size=1))
def test_no_breakdown_lets_a_small_group_be_worked_out(sizes):
    hidden = groups_to_suppress(sizes, 5)
    shown = set(sizes) - hidden
    assert all(sizes[group] >= 5 for group in shown)
    hidden_people = sum(sizes[group] for group in hidden)
    # The total minus the shown groups is everyone hidden: never a small group.
    assert hidden_people == 0 or hidden_people >= 5 or not shown


def _records(groups: dict[str, tuple[int, int]]) -> list[Record]:
    """For each group, n members with the given pre and post value on every item."""
    records = []
    for group, (n, lift) in groups.items():
        for index in range(n):
            key = f"{group}{index}"
            values = {"q1": 2 + index % 2, "q2": 3}
            records.append(Record(key, "pre", values, {"sector": group}))
            post = {item: value + lift for item, value in values.items()}
            records.append(Record(key, "post", post, {"sector": group}))
    return records


def test_results_suppress_small_totals_and_breakdowns_alike():
    rows = results(_records({"charity": (4, 1)}), ["q1", "q2"], ["q1", "q2"])
    assert [row.item_id for row in rows] == ["q1", "q2", SCALE_ID]
    assert all(row.result.suppressed and row.result.n_paired is None for row in rows)
    assert csv_cells(rows[0]) == ["all", "all", "q1", *[""] * 11, "true", ""]
    assert csv_cells(rows[0], "too few consented")[-1] == "too few consented"

    records = _records({"charity": (6, 1), "statutory": (7, 0), "voluntary": (3, 2)})
    total = results(records, ["q1"], ["q1"])
    assert total[0].result.n_paired == 16 and not total[0].result.suppressed
    by_sector = {
        (row.item_id, row.group): row.result
        for row in results(records, ["q1"], ["q1"], by="sector")
    }
    assert by_sector[("q1", "voluntary")].suppressed
    # charity (6) is the next smallest: hidden too, so total - statutory is 9 people.
    assert by_sector[("q1", "charity")].suppressed
    assert by_sector[("q1", "statutory")].n_paired == 7
    assert by_sector[("q1", "statutory")].mean_change == 0


def test_only_members_with_both_waves_are_paired():
    records = [
        Record("a", "pre", {"q": 1}),
        Record("a", "post", {"q": 3}),
        Record("b", "pre", {"q": 5}),  # never answered post
        Record("c", "post", {"q": 5}),  # never answered pre
        Record("d", "mid", {"q": 2}),
        Record("d", "post", {"q": 4}),
    ]
    rows = results(records, ["q"], ["q"], min_cell=1)
    assert rows[0].result.n_paired == 1 and rows[0].result.mean_change == 2
    mid = results(records, ["q"], ["q"], wave_from="mid", min_cell=1)
    assert mid[0].result.n_paired == 1 and mid[0].result.mean_change == 2


def test_equal_scale_changes_are_tied_whatever_scores_they_come_from():
    """-1/11 from 12/11 -> 11/11 and from 13/11 -> 12/11 differ in the last bit of a
    float; rounded before ranking, they tie, as the same change should."""
    from scipy.stats import wilcoxon

    from lms.plugins.surveys.analysis import paired_stats

    pre = [12 / 11, 13 / 11, 2.0, 1.5, 3.0, 2.5, 1.0]
    post = [11 / 11, 12 / 11, 3.0, 2.0, 2.0, 3.5, 2.5]
    assert (post[0] - pre[0]) != (post[1] - pre[1])  # the noise this guards against
    changes = [round(b - a, 9) for a, b in zip(pre, post, strict=True)]
    expected = wilcoxon(changes, zero_method="wilcox", correction=False, method="auto")
    result = paired_stats(pre, post)
    assert result.p_value == pytest.approx(float(expected.pvalue))
    assert result.wilcoxon_statistic == pytest.approx(float(expected.statistic))


def test_the_fast_wilcoxon_is_pinned_to_scipys_own_method_choice():
    """The fast path re-implements SciPy's choice of method (exact up to 13 pairs with
    ties or zeros, normal approximation above 13 with them or above 50): compared with
    `scipy.stats.wilcoxon(method="auto")` over 240 random groups either side of those
    thresholds, with ties and zeros, so a SciPy upgrade that changes its rule fails here."""
    from scipy.stats import wilcoxon

    from lms.plugins.surveys import analysis

    rng = np.random.default_rng(18)
    sizes = [3, 5, 8, 12, 13, 14, 20, 49, 50, 51, 60]
    groups = []
    for index in range(240):
        size = sizes[index % len(sizes)]
        if index % 3 == 0:  # whole-point changes: many ties and zeros
            d = rng.integers(-3, 4, size).astype(float)
        elif index % 3 == 1:  # scale-score changes (ninths): some ties, rounded as the app does
            d = np.round(rng.integers(-9, 10, size) / 9, analysis.CHANGE_DECIMALS)
        else:  # continuous: no ties
            d = rng.normal(0.3, 1, size)
        groups.append(d)
    fast = analysis._wilcoxon_many(groups)
    compared = 0
    for d, found in zip(groups, fast, strict=True):
        if np.count_nonzero(d) < 2:
            assert found is None
            continue
        expected = wilcoxon(
            d, zero_method="wilcox", correction=False, alternative="two-sided", method="auto"
        )
        assert found[0] == pytest.approx(float(expected.statistic))
        assert found[1] == pytest.approx(float(expected.pvalue), rel=1e-9, abs=1e-12)
        compared += 1
    assert compared > 200
