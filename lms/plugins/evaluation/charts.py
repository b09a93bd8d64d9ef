"""Charts of evaluation tables, drawn with matplotlib, and their text alternatives.

matplotlib is imported inside `render`: it is slow to import and only chart requests
and the DOCX need it. Output is deterministic (fixed hash salt, no date metadata, text
as paths). Only numbers are drawn: suppressed cells ("fewer than 5") are left out and
named in the text alternative, so a chart never shows more than its table.
"""

from __future__ import annotations

import io
import textwrap

from lms.plugins.evaluation.figures import Table

COLOURS = ("#1d70b8", "#d4351c", "#0f7a52", "#4c2c92", "#f47738", "#5694ca")
# Heatmap colours by status group, in `figures.STATUS_GROUPS` order, then not yet open.
STATUS_COLOURS = ("#0f7a52", "#85994b", "#ffdd00", "#d4351c", "#f3f2f1")
# Inches a line of 10-point text takes, and a character of it, both generous: figures
# grow by these to fit their labels, which constrained layout otherwise makes room for
# by shrinking the axes (to nothing, with labels as long as a survey question).
LINE = 0.2
CHAR = 0.07


def number(cell) -> float | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        return float(cell)
    try:
        return float(str(cell).strip().rstrip("%"))
    except ValueError:
        return None


def drawable(table: Table) -> bool:
    """Has the table a chart with something on it? A chart of nothing but zeros and
    hidden cells would be empty axes (the scale made up by the plotting library)."""
    chart = table.chart or {}
    if chart.get("kind") == "heatmap":
        return bool(table.matrix and table.matrix["rows"])
    if not chart:
        return False
    values = [number(row[table.columns.index(y)]) for row in table.rows for y in chart["y"]]
    values = [v for v in values if v is not None]
    if chart["kind"] == "bar":
        return any(values)
    return bool(values)


NOTHING_TO_DRAW = (
    "There is no chart: none of its figures can be drawn yet (all are zero, not shown or "
    "not available)."
)


def describe(table: Table) -> str:
    """The chart's text alternative: what a sighted reader would take from it."""
    chart = table.chart or {}
    if chart.get("kind") == "heatmap":
        m = table.matrix
        return (
            f"Heatmap of {len(m['rows'])} trainees (rows, by pseudonym) over weeks "
            f"{m['weeks'][0]} to {m['weeks'][-1]} (columns), coloured by status: "
            + ", ".join(m["categories"])
            + ". The table below gives the number of trainees in each status every week."
        )
    x = table.columns.index(chart["x"])
    ys = [table.columns.index(y) for y in chart["y"]]
    parts, hidden = [], []
    for row in table.rows:
        for y in ys:
            value = number(row[y])
            label = f"{row[x]}" + (f" ({table.columns[y]})" if len(ys) > 1 else "")
            if value is None:
                hidden.append(label)
            else:
                parts.append(f"{label}: {row[y]}")
    kind = {"bar": "Bar chart", "line": "Line chart", "slope": "Slope chart"}[chart["kind"]]
    text = f"{kind} of {table.title.lower()}. " + ("; ".join(parts) or "No figures to draw")
    if hidden:
        text += ". Not drawn (suppressed or not available): " + ", ".join(hidden)
    return text + ". The same figures are in the table."


def render(table: Table, fmt: str = "svg") -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    kind = (table.chart or {}).get("kind")
    with matplotlib.rc_context({"svg.hashsalt": f"evaluation-{table.key}", "svg.fonttype": "path"}):
        if kind == "heatmap":
            height = min(12.0, 2 + 0.18 * len(table.matrix["rows"]))
            figure = Figure(figsize=(9, height), layout="constrained")
            _heatmap(figure, table)
        else:
            figure = Figure(figsize=(8, 4.5), layout="constrained")
            axes = figure.subplots()
            {"bar": _bar, "line": _line, "slope": _slope}[kind](axes, table)
            axes.set_title(table.title)
            axes.spines[["top", "right"]].set_visible(False)
        buffer = io.BytesIO()
        figure.savefig(buffer, format=fmt, metadata=_metadata(fmt), dpi=120)
    return buffer.getvalue()


def _metadata(fmt: str) -> dict:
    return {"Date": None, "Creator": None} if fmt == "svg" else {"Software": None}


def _series(table: Table):
    chart = table.chart
    x = table.columns.index(chart["x"])
    labels = [str(row[x]) for row in table.rows]
    series = [(y, [number(row[table.columns.index(y)]) for row in table.rows]) for y in chart["y"]]
    return labels, series


def _axis(axes, table: Table) -> None:
    chart = table.chart
    if chart.get("y_label"):
        axes.set_ylabel(chart["y_label"])
    if chart.get("y_max"):
        axes.set_ylim(0, chart["y_max"])
    axes.grid(axis="y", color="#cecece")


def _bar(axes, table: Table) -> None:
    labels, series = _series(table)
    width = 0.8 / max(1, len(series))
    for index, (name, values) in enumerate(series):
        xs = [i + index * width for i, v in enumerate(values) if v is not None]
        axes.bar(
            xs,
            [v for v in values if v is not None],
            width,
            label=name,
            color=COLOURS[index % len(COLOURS)],
            hatch=("", "//", "..", "xx")[index % 4],
        )
    _ticks(axes, [i + width * (len(series) - 1) / 2 for i in range(len(labels))], labels)
    if len(series) > 1:
        axes.legend(frameon=False)
    _axis(axes, table)


def _line(axes, table: Table) -> None:
    labels, series = _series(table)
    for index, (name, values) in enumerate(series):
        points = [(i, v) for i, v in enumerate(values) if v is not None]
        axes.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            marker="os^D"[index % 4],
            color=COLOURS[index % len(COLOURS)],
            label=name,
        )
    step = max(1, len(labels) // 12)
    _ticks(axes, range(0, len(labels), step), labels[::step])
    axes.set_xlabel(table.chart["x"])
    if len(series) > 1:
        axes.legend(frameon=False)
    _axis(axes, table)


def _wrap(label: str, width: int) -> str:
    return textwrap.fill(label, width, break_long_words=False) or label


def _ticks(axes, positions, labels: list[str]) -> None:
    """Category labels wrapped to share the 7 inches of axes in an 8-inch figure; the
    figure grows wider for many categories and taller for labels of many lines."""
    wrap = max(10, int(7 / max(1, len(labels)) / CHAR))
    labels = [_wrap(label, wrap) for label in labels]
    axes.set_xticks(positions, labels, rotation=0)
    longest = max((len(line) for label in labels for line in label.split("\n")), default=0)
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    figure = axes.figure
    figure.set_size_inches(
        max(figure.get_figwidth(), 1 + len(labels) * longest * CHAR),
        figure.get_figheight() + LINE * max(0, lines - 2),
    )


def _slope(axes, table: Table) -> None:
    labels, series = _series(table)
    (first, starts), (second, ends) = series[0], series[1]
    drawn = []
    for index, (label, a, b) in enumerate(zip(labels, starts, ends, strict=True)):
        if a is None or b is None:
            continue
        colour = COLOURS[index % len(COLOURS)]
        axes.plot([0, 1], [a, b], marker="o", color=colour)
        drawn.append((b, _wrap(label, 40), colour))
    axes.set_xticks([0, 1], [first, second])
    axes.set_xlim(-0.2, 1.6)
    _axis(axes, table)
    # Labels are wrapped, the figure made tall enough to stack them all, and each moved
    # just clear of its neighbours with a line to its point: ends often lie close together.
    drawn.sort(key=lambda d: d[0])
    heights = [LINE * (text.count("\n") + 1) for _, text, _ in drawn]
    figure = axes.figure
    figure.set_size_inches(figure.get_figwidth(), max(figure.get_figheight(), 1.5 + sum(heights)))
    axes_height = figure.get_figheight() - 1.0  # the title and the x labels take the rest
    bottom, top = axes.get_ylim()
    centres = _spread(
        [(b - bottom) / (top - bottom) for b, _, _ in drawn], [h / axes_height for h in heights]
    )
    for (b, text, colour), y in zip(drawn, centres, strict=True):
        axes.annotate(
            text,
            (1, b),
            xytext=(1.1, y),
            textcoords=axes.get_xaxis_transform(),  # x in data, y as a fraction of the axes
            va="center",
            arrowprops={"arrowstyle": "-", "color": colour, "linewidth": 0.6, "relpos": (0, 0.5)},
        )


def _spread(wanted: list[float], heights: list[float]) -> list[float]:
    """Centres as near `wanted` (ascending) as labels of these heights allow without
    overlapping one another or leaving 0 to 1."""
    centres: list[float] = []
    for want, height in zip(wanted, heights, strict=True):
        floor = centres[-1] + (heights[len(centres) - 1] + height) / 2 if centres else height / 2
        centres.append(max(want, floor))
    ceiling = 1.0
    for i in reversed(range(len(centres))):
        centres[i] = min(centres[i], ceiling - heights[i] / 2)
        ceiling = centres[i] - heights[i] / 2
    return centres


def _heatmap(figure, table: Table) -> None:
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    m = table.matrix
    axes = figure.subplots()
    axes.imshow(
        m["cells"],
        aspect="auto",
        interpolation="nearest",
        cmap=ListedColormap(STATUS_COLOURS),
        vmin=0,
        vmax=len(STATUS_COLOURS) - 1,
    )
    axes.set_xticks(range(len(m["weeks"])), [str(w) for w in m["weeks"]])
    axes.set_xlabel("Course week")
    if len(m["rows"]) <= 40:
        axes.set_yticks(range(len(m["rows"])), m["rows"], fontsize="small")
    else:
        axes.set_yticks([])
        axes.set_ylabel(f"{len(m['rows'])} trainees")
    axes.set_title(table.title)
    figure.legend(
        handles=[
            Patch(facecolor=c, edgecolor="#505a5f", label=n)
            for c, n in zip(STATUS_COLOURS, m["categories"], strict=True)
        ],
        loc="outside lower center",
        ncols=5,
        frameon=False,
    )
