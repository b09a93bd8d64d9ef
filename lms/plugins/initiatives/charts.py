"""The journey chart: ladder rung and the four SCIE scores over time, as SVG.

matplotlib is imported inside the function: it is slow to import and only this chart
needs it. The output is deterministic (fixed hash salt, no date metadata, text drawn as
paths), so the same history always gives the same bytes and can be cached or compared.
The chart carries no free text typed by anyone: only dates, numbers and fixed labels.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from lms.plugins.initiatives.vocab import JIGSAW, RUNGS, SCORE_NAMES


@dataclass(frozen=True)
class Point:
    label: str
    day: date
    rung: int
    scores: tuple[int, int, int, int]  # culture, practice, structure, review


def points_of(updates) -> list[Point]:
    return [
        Point(
            "Baseline" if index == 0 else f"Update {index}",
            update.recorded_on,
            update.rung,
            tuple(getattr(update, piece.key) for piece in JIGSAW),
        )
        for index, update in enumerate(updates)
    ]


def describe(points: list[Point]) -> str:
    """The chart's text alternative: what a sighted reader would take from it."""
    if not points:
        return "No progress updates yet, so there is no journey to show."
    first, last = points[0], points[-1]
    text = (
        f"Chart of {len(points)} progress update{'s' if len(points) != 1 else ''}. "
        f"Participation was at rung {first.rung} ({RUNGS[first.rung].name}) at baseline"
    )
    if len(points) > 1:
        text += f" and is at rung {last.rung} ({RUNGS[last.rung].name}) now"
    text += ". SCIE self-assessment now: " + ", ".join(
        f"{piece.name.lower()} {score} ({SCORE_NAMES[score].lower()})"
        for piece, score in zip(JIGSAW, last.scores, strict=True)
    )
    return text + ". The same figures are in the table below."


def journey_svg(points: list[Point]) -> str:
    """Two stacked panels sharing the time axis: the ladder (1-8) and the jigsaw (1-4)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    labels = [f"{p.label}\n{p.day:%-d %b %Y}" for p in points] or ["No updates yet"]
    xs = list(range(len(points)))
    with matplotlib.rc_context({"svg.hashsalt": "initiatives-journey", "svg.fonttype": "path"}):
        figure = Figure(figsize=(8, 6.5), layout="constrained")
        FigureCanvasSVG(figure)
        ladder, jigsaw = figure.subplots(2, 1, sharex=True, height_ratios=(3, 2))
        ladder.plot(xs, [p.rung for p in points], marker="o", color="#1d70b8", linewidth=3)
        ladder.set_ylim(0.5, 8.5)
        ladder.set_yticks(range(1, 9), [f"{n} {RUNGS[n].name}" for n in range(1, 9)])
        ladder.set_title("Participation on Arnstein's ladder")
        ladder.grid(axis="y", color="#cecece")
        markers = ("o", "s", "^", "D")
        styles = ("-", "--", "-.", ":")
        colours = ("#0f7a52", "#d4351c", "#4c2c92", "#f47738")
        for index, piece in enumerate(JIGSAW):
            jigsaw.plot(
                xs,
                [p.scores[index] for p in points],
                marker=markers[index],
                linestyle=styles[index],
                color=colours[index],
                label=piece.name,
            )
        jigsaw.set_ylim(0.5, 4.5)
        jigsaw.set_yticks(range(1, 5), [f"{n} {SCORE_NAMES[n]}" for n in range(1, 5)])
        jigsaw.set_title("SCIE whole-system jigsaw (self-assessment)")
        jigsaw.grid(axis="y", color="#cecece")
        jigsaw.legend(loc="upper left", ncols=4, fontsize="small", frameon=False)
        jigsaw.set_xticks(range(len(labels)), labels)
        if not points:
            jigsaw.set_xlim(-0.5, 0.5)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()
