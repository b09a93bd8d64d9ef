"""Charts lay out at realistic sizes: long labels grow the figure instead of squeezing
the axes to nothing (matplotlib then warns "constrained_layout not applied")."""

from __future__ import annotations

import io
import warnings

from PIL import Image

from lms.plugins.evaluation import charts
from lms.plugins.evaluation.figures import Table

# Confidence questions as long as a real cohort's survey asks.
QUESTIONS = [
    "How confident are you to explain what co-production is to a colleague?",
    "How confident are you to raise the profile of service-user and carer involvement in "
    "your organisation?",
    "How confident are you to make involvement accessible, for example through venues, "
    "easy read, time to prepare and digital access?",
    "How confident are you to notice and talk openly about who holds power in decisions "
    "about your service?",
    "How confident are you to work across organisational boundaries, such as between "
    "teams, agencies or sectors?",
    "How confident are you to keep a change going after the initial project or funding ends?",
] * 2


def drawn(table: Table) -> tuple[int, int]:
    """The PNG's size in pixels; any matplotlib warning fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = charts.render(table, "png")
    return Image.open(io.BytesIO(png)).size


def confidence(questions: list[str]) -> Table:
    columns = ["Measure", "People paired", "Mean at start", "Mean at end"]
    # Ends close together, as they are: the labels must be moved apart to be read.
    rows = [[q, 107, 3.1 + i / 100, 3.9 + i / 100] for i, q in enumerate(questions)]
    chart = {"kind": "slope", "x": "Measure", "y": columns[2:], "y_label": "Mean answer"}
    return Table("surveys-confidence-change", "Confidence", "confidence", columns, rows, chart)


def test_a_slope_chart_of_long_questions_grows_taller_with_them():
    few, many = drawn(confidence(QUESTIONS[:2])), drawn(confidence(QUESTIONS))
    assert few == (960, 540)  # 8 by 4.5 inches at 120 dpi, as before
    assert many[0] == 960 and many[1] > 1.5 * few[1]


def test_a_bar_chart_of_long_categories_wraps_them():
    columns = ["Answer", "People"]
    rows = [[q, 20 + i] for i, q in enumerate(QUESTIONS[:4])]
    table = Table("surveys-answers", "Answers", "confidence", columns, rows)
    table.chart = {"kind": "bar", "x": "Answer", "y": ["People"]}
    width, height = drawn(table)
    assert width >= 960 and height > 540  # taller, for labels of several lines


def test_labels_are_spread_without_overlapping():
    heights = [0.1, 0.2, 0.1, 0.1]
    centres = charts._spread([0.5, 0.5, 0.52, 0.98], heights)
    assert centres[0] == 0.5  # the lowest stays at its point
    for i in range(1, len(centres)):
        assert centres[i] - centres[i - 1] >= (heights[i] + heights[i - 1]) / 2 - 1e-9
    assert centres[-1] + heights[-1] / 2 <= 1 + 1e-9
