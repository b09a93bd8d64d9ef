"""Charts of evaluation tables, drawn with matplotlib, and their text alternatives.

matplotlib is imported inside `render`: it is slow to import and only chart requests
and the DOCX need it. Output is deterministic (fixed hash salt, no date metadata, text
as paths). Only numbers are drawn: suppressed cells ("fewer than 5") are left out and
named in the text alternative, so a chart never shows more than its table.
"""

from __future__ import annotations

import io

from lms.plugins.evaluation.figures import Table

COLOURS = ("#1d70b8", "#d4351c", "#0f7a52", "#4c2c92", "#f47738", "#5694ca")
# Heatmap colours by status group, in `figures.STATUS_GROUPS` order, then not yet open.
STATUS_COLOURS = ("#0f7a52", "#85994b", "#ffdd00", "#d4351c", "#f3f2f1")


def number(cell) -> float | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        return float(cell)
    try:
        return float(str(cell).strip().rstrip("%"))
    except ValueError:
        return None


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
    axes.set_xticks(
        [i + width * (len(series) - 1) / 2 for i in range(len(labels))], labels, rotation=0
    )
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
    axes.set_xticks(range(0, len(labels), step), labels[::step])
    axes.set_xlabel(table.chart["x"])
    if len(series) > 1:
        axes.legend(frameon=False)
    _axis(axes, table)


def _slope(axes, table: Table) -> None:
    labels, series = _series(table)
    (first, starts), (second, ends) = series[0], series[1]
    for index, (label, a, b) in enumerate(zip(labels, starts, ends, strict=True)):
        if a is None or b is None:
            continue
        colour = COLOURS[index % len(COLOURS)]
        axes.plot([0, 1], [a, b], marker="o", color=colour)
        axes.annotate(label, (1, b), xytext=(6, 0), textcoords="offset points", va="center")
    axes.set_xticks([0, 1], [first, second])
    axes.set_xlim(-0.2, 1.6)
    _axis(axes, table)


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
