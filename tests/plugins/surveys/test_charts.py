"""Diverging bar charts of Likert answers: the pure chart model and the results page."""

from __future__ import annotations

import re

import pytest

from lms.plugins.surveys import charts
from lms.plugins.surveys.charts import (
    CENTRE,
    HALF,
    contrast,
    diverging_chart,
    level_counts,
    rounded_percents,
)

LABELS = [
    "Not at all confident",
    "Slightly confident",
    "Moderately confident",
    "Very confident",
    "Extremely confident",
]
# 20 paired members. Before: 1 x2, 2 x3, 3 x8, 4 x6, 5 x1; after: 2 x1, 3 x4, 4 x9, 5 x6.
BEFORE = [1] * 2 + [2] * 3 + [3] * 8 + [4] * 6 + [5] * 1
AFTER = [2] * 1 + [3] * 4 + [4] * 9 + [5] * 6


def chart(before=BEFORE, after=AFTER, labels=LABELS, min_cell=5):
    return diverging_chart(
        "explain_coproduction",
        "How confident are you to explain co-production?",
        labels,
        before,
        after,
        "Start of the programme",
        "End of the programme",
        min_cell,
    )


def test_level_counts_count_each_level_and_ignore_others():
    assert level_counts([1, 3, 3, 5, 5, 5], range(1, 6)) == [1, 0, 2, 0, 3]
    assert level_counts([2.0, 2, 7], [1, 2, 3]) == [0, 2, 0]  # floats count; 7 is no level
    assert level_counts([], range(1, 6)) == [0, 0, 0, 0, 0]


@pytest.mark.parametrize(
    "counts", [[1, 1, 1], [1, 1, 1, 1, 1, 1, 1], [2, 3, 8, 6, 1], [0, 0, 0, 7, 0], [1, 2, 4]]
)
def test_printed_percentages_are_each_rounded_so_equal_counts_read_the_same(counts):
    percents = rounded_percents(counts)
    total = sum(counts)
    # Each is its exact share rounded to the nearest whole number (halves up).
    assert all(abs(p - 100 * c / total) <= 0.5 for p, c in zip(percents, counts, strict=True))
    printed: dict[int, int] = {}
    for count, percent in zip(counts, percents, strict=True):
        assert printed.setdefault(count, percent) == percent  # never 34% and 33% for one count


def test_bars_print_only_counts_of_five_or_more_and_draw_small_ones_alike():
    model = chart()
    assert not model.suppressed and model.n == 20
    before, after = model.bars
    assert (before.wave, after.wave) == ("Start of the programme", "End of the programme")
    assert before.shown == ("fewer than 5", "fewer than 5", "8 (40%)", "6 (30%)", "fewer than 5")
    assert after.shown == ("0 (0%)", "fewer than 5", "fewer than 5", "9 (45%)", "6 (30%)")
    # One small count alone would follow from the total: the next smallest goes too.
    lone = chart(before=[1] * 6 + [3] * 9 + [5], after=[1] * 6 + [3] * 9 + [5]).bars[0]
    assert lone.shown == ("not shown", "0 (0%)", "9 (56%)", "0 (0%)", "fewer than 5")
    assert before.percents == (0, 0, 40, 30, 0)
    # The hidden answers share their combined width (2 + 3 + 1 people) equally.
    assert before.shares == pytest.approx((0.1, 0.1, 0.4, 0.3, 0.1))
    assert not any(s.text for s in before.segments if s.level in (1, 2, 5))


def test_thirds_print_the_same_percentage_and_the_geometry_uses_exact_shares():
    model = chart(before=[1, 3, 5] * 5, after=[1, 3, 5] * 5)
    bar = model.bars[0]
    assert sorted(bar.percents) == [0, 0, 33, 33, 33]
    assert sum(segment.width for segment in bar.segments) == pytest.approx(HALF)
    assert [s.width for s in bar.segments if s.level == 1] == [pytest.approx(HALF / 3)]


def test_segments_meet_at_the_centre_line_and_the_middle_is_split_evenly():
    for bar in chart().bars:
        segments = bar.segments
        # Contiguous from the left edge: each starts where the one before ends.
        for left, right in zip(segments, segments[1:], strict=False):
            assert right.x == pytest.approx(left.x + left.width)
        below = [s for s in segments if s.level < 3]
        middle = [s for s in segments if s.level == 3]
        assert len(middle) == 2 and middle[0].width == pytest.approx(middle[1].width)
        # Low answers and the left half of the middle end exactly on the centre line.
        assert middle[0].x + middle[0].width == pytest.approx(CENTRE)
        left_share = sum(bar.shares[:2]) + bar.shares[2] / 2
        assert segments[0].x == pytest.approx(CENTRE - HALF * left_share)
        assert sum(s.width for s in below) + middle[0].width == pytest.approx(HALF * left_share)
        assert segments[-1].x + segments[-1].width == pytest.approx(
            CENTRE + HALF * (1 - left_share)
        )


def test_an_even_number_of_answers_has_no_split():
    model = chart(before=[1, 2, 3, 4, 4], after=[4, 4, 4, 3, 3], labels=["No", "Hm", "Ok", "Yes"])
    bar = model.bars[0]
    assert [s.level for s in bar.segments] == [1, 2, 3, 4]
    assert bar.segments[2].x == pytest.approx(CENTRE)  # answer 3 starts on the line
    assert model.bars[1].segments[0].x == pytest.approx(CENTRE)  # nothing on the left


def test_percentages_are_printed_only_where_they_fit():
    before = chart().bars[0]
    printed = {s.level: s.text for s in before.segments if s.text}
    # 5%, 10% and 15% are too narrow for their text; the middle's 40% is in its right half.
    assert printed == {3: "40%", 4: "30%"}
    assert all(s.width >= 32 for s in before.segments if s.text)
    middle = [s for s in before.segments if s.level == 3]
    assert middle[0].text == "" and middle[1].text == "40%"


def test_summary_gives_top_and_bottom_answers_per_wave():
    before = [1] * 5 + [2] * 5 + [3] * 5 + [4] * 5
    after = [3] * 5 + [4] * 10 + [5] * 5
    assert chart(before, after).summary == (
        "Start of the programme: 25% very or extremely confident, "
        "50% not at all or slightly confident. "
        "End of the programme: 75% very or extremely confident, "
        "0% not at all or slightly confident. 20 people answered both."
    )
    # A side's total would give a hidden answer away: not summed.
    assert chart().summary == (
        "Start of the programme: some answers are from too few people to show. "
        "End of the programme: some answers are from too few people to show. "
        "20 people answered both."
    )


def test_fewer_pairs_than_the_cell_size_are_suppressed_without_any_figure():
    shown = chart(before=BEFORE[:5], after=AFTER[:5], min_cell=5)
    assert not shown.suppressed and shown.n == 5 and shown.bars[0].counts == (2, 3, 0, 0, 0)

    hidden = chart(before=BEFORE[:4], after=AFTER[:4], min_cell=5)
    assert hidden.suppressed
    assert hidden.n is None and hidden.bars == () and hidden.summary == ""
    # Nothing in the model can tell how many people answered, or how: it is the same
    # as the chart of nobody at all.
    assert hidden == chart(before=[], after=[], min_cell=5)
    assert not re.search(r"\b[1-4]\b", repr(hidden))


def test_pairs_must_be_pairs():
    with pytest.raises(ValueError):
        chart(before=[1, 2, 3, 4, 5], after=[1, 2, 3, 4])


def test_palette_outer_answers_contrast_with_the_page_and_text_with_its_segment():
    for levels in range(2, 8):
        colours = charts.colours_for(levels)
        assert len(colours) == levels
        assert len(set(colours)) == levels  # neighbours never share a colour
        assert contrast(colours[0], "#ffffff") >= 3 and contrast(colours[-1], "#ffffff") >= 3
        for colour in colours:
            assert contrast(colour, charts.text_colour(colour)) >= 4.5


# -- the results page ------------------------------------------------------------------


def _seed(make_cohort, make_membership, add_response, pairs):
    cohort = make_cohort()
    for before, after in pairs:
        member = make_membership(cohort, evaluation_consent=True)
        add_response(member, "pre", before)
        add_response(member, "post", after)
    return cohort, make_membership(cohort, role="lead")


def _cells(table: str, wave: str) -> list[str]:
    """The numeric cells of the row headed `wave` in a table's HTML."""
    row = table.split(f'scope="row" class="govuk-table__header">{wave}</th>')[1]
    return re.findall(r'govuk-table__cell--numeric">([^<]*)</td>', row.split("</tr>")[0])


def test_results_page_draws_a_chart_and_its_table_per_likert_item(
    make_cohort, make_membership, add_response, client_for
):
    # Every item the same answer per person: (pre, post) for six people.
    cohort, lead = _seed(
        make_cohort, make_membership, add_response, [(1, 3), (2, 4), (2, 4), (3, 4), (3, 5), (4, 5)]
    )
    html = (
        client_for(lead.user).get(f"/cohorts/{cohort.slug}/surveys/results").get_data(as_text=True)
    )
    assert '<h2 class="govuk-heading-m">How answers moved</h2>' in html
    assert html.count('role="img"') == 11  # the 11 Likert items; not the 0-10 rating
    wording = "How confident are you to lead a change in your organisation?"
    title = re.search(r'<title id="chart-lead_change-title">([^<]*)</title>', html)
    assert title and title.group(1) == wording
    desc = re.search(r'<desc id="chart-lead_change-desc">([^<]*)</desc>', html).group(1)
    assert desc == (
        "Start of the programme: some answers are from too few people to show. "
        "End of the programme: some answers are from too few people to show. "
        "6 people answered both."
    )
    assert 'aria-labelledby="chart-lead_change-title chart-lead_change-desc"' in html
    assert "style=" not in html.split("How answers moved", 1)[1]
    # The table beside the chart: the waves as rows, counts and percentages per answer.
    table = html.split('aria-label="Answers by wave: ' + wording + '"', 1)[1].split("</table>")[0]
    # Six people: every answer chosen by 1 to 4 of them is "fewer than 5" (the page says
    # figures about fewer than 5 are hidden, and they are).
    assert _cells(table, "Start of the programme") == [
        "fewer than 5",
        "fewer than 5",
        "fewer than 5",
        "fewer than 5",
        "0 (0%)",
    ]
    assert _cells(table, "End of the programme") == [
        "0 (0%)",
        "0 (0%)",
        "fewer than 5",
        "fewer than 5",
        "fewer than 5",
    ]
    assert not re.search(r"\b[1-4] \(", table)
    assert "Extremely confident</th>" in table
    assert "answered both waves: not shown" not in html


def test_results_page_hides_charts_of_fewer_than_five_pairs(
    make_cohort, make_membership, add_response, client_for
):
    cohort, lead = _seed(
        make_cohort, make_membership, add_response, [(1, 3), (2, 4), (2, 4), (3, 5)]
    )
    html = (
        client_for(lead.user).get(f"/cohorts/{cohort.slug}/surveys/results").get_data(as_text=True)
    )
    section = html.split("How answers moved", 1)[1].split("Confidence scale score by", 1)[0]
    assert "<svg" not in section and "<desc" not in section and "<table" not in section
    sentence = (
        "Fewer than 5 people answered both waves: not shown so that no one can be identified."
    )
    assert section.count(sentence) == 11
    assert "%" not in section and not re.search(r"\(\d", section)
    assert "answered both." not in section
