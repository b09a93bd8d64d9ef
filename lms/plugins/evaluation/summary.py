"""The evaluation's key figures in sentences: the dashboard's summary and the report's.

Every sentence is read from the (suppressed) tables of a `figures.Report`, so it never
says more than they do, and a hidden figure is named as hidden ("the number who consented
is not shown"), never printed as a number.
"""

from __future__ import annotations

from lms.core import disclosure as s
from lms.core.numbers import p_text
from lms.plugins.evaluation.figures import Report


def sentences(report: Report) -> list[str]:
    """The key figures in sentences, for the dashboard and the report's summary. Each is
    read from the (suppressed) tables, so it never says more than they do, and a hidden
    figure is named as hidden, never printed."""
    lines = [_participation_line(report), _consent_line(report)]
    rates = report.table("engagement-rates")
    if rates is not None and rates.rows:
        week, _open, _done, rate = rates.rows[-1]
        if isinstance(rate, int | float):
            lines.append(
                f"In week {week}, the latest week taught, {rate:.1f}% of the trainees whose "
                "week had opened submitted their reflection."
            )
        elif rate == s.HIDDEN:
            lines.append(
                f"The reflection submission rate of week {week}, the latest week taught, is "
                "not shown because it would let the few trainees who did not submit be counted."
            )
        elif rate != "none yet":
            lines.append(
                f"The reflection submission rate of week {week}, the latest week taught, is "
                f"not shown because it rests on {rate} trainees."
            )
        overall = s.rate(rates.totals.get("submitted", 0), rates.totals.get("open", 0))
        if isinstance(overall, int | float) and len(rates.rows) > 1:
            lines.append(
                f"Over the {len(rates.rows)} weeks taught so far, {overall:.1f}% of the "
                "reflections due were submitted."
            )
    lines += _initiative_lines(report)
    lines += _confidence_lines(report)
    if report.theme_line:
        lines.append(report.theme_line)
    return [line for line in lines if line]


def _overview(report: Report) -> dict:
    table = report.table("participation-overview")
    return {row[0]: row[1] for row in table.rows} if table else {}


def _capital(cell) -> str:
    text = str(cell)
    return text[:1].upper() + text[1:]


def _participation_line(report: Report) -> str:
    overview = _overview(report)
    if not overview:
        return ""
    enrolled = overview["Enrolled"]
    staying, gone = overview["Still taking part"], overview["Withdrew"]
    if enrolled == 0:
        return "No trainees are enrolled yet."
    first = f"{_capital(enrolled)} trainees enrolled"
    if gone == s.HIDDEN:
        return (
            f"{first}; {staying} are still taking part. The number who withdrew is not "
            "shown, because the smaller number could otherwise be worked out from it."
        )
    if staying == s.HIDDEN:
        return (
            f"{first}; {gone} withdrew. The number still taking part is not shown, because "
            "the number who withdrew could otherwise be worked out from it."
        )
    return f"{first}: {staying} still taking part and {gone} withdrew."


def _consent_line(report: Report) -> str:
    overview = _overview(report)
    if not overview or overview.get("Enrolled") == 0:
        return ""
    yes, no = overview["Consented to evaluation use"], overview["Did not consent"]
    if yes == s.HIDDEN:
        return (
            f"{_capital(no)} trainees did not consent to evaluation use. The number who "
            "consented is not shown, because the smaller number could otherwise be worked "
            "out from it."
        )
    if no == s.HIDDEN:
        return (
            f"{_capital(yes)} trainees consented to evaluation use. The number who did not "
            "is not shown, because the smaller number could otherwise be worked out from it."
        )
    return (
        f"{_capital(yes)} trainees consented to evaluation use and {_capital(no).lower()} did not."
    )


def _initiative_lines(report: Report) -> list[str]:
    """Initiatives' status now and their move up Arnstein's ladder, when the initiatives
    plugin gives those tables."""
    lines = []
    rag = report.table("initiatives-rag")
    if rag is not None and rag.columns == ["Status", "Initiatives"] and rag.rows:
        shown = [f"{n} {status.lower()}" for status, n in rag.rows if n != s.HIDDEN]
        hidden = [status.lower() for status, n in rag.rows if n == s.HIDDEN]
        if any(isinstance(n, int) and n > 0 or s.is_hidden(n) for _, n in rag.rows):
            line = "Change initiatives of consenting trainees, by status now: " + ", ".join(shown)
            line += "."
            if hidden:
                line += (
                    f" The number {' or '.join(hidden)} is not shown, because a smaller number "
                    "could otherwise be worked out from it."
                )
            lines.append(line)
    mean = report.table("initiatives-mean-rung")
    if mean is not None and mean.rows and len(mean.rows[0]) == 3:
        _, before, after = mean.rows[0]
        if is_figure(before) and is_figure(after):
            lines.append(
                f"The mean rung on Arnstein's ladder moved from {before} at the baseline to "
                f"{after} at the latest update (1 is manipulation, 8 citizen control)."
            )
    return lines


def _confidence_lines(report: Report) -> list[str]:
    """The scale's paired change, when a confidence table gives one."""
    wanted = {"Measure", "People paired", "Mean at start", "Mean at end", "Mean change"}
    for table in report.section("confidence"):
        if not wanted <= set(table.columns):
            continue
        for row in table.rows:
            cell = dict(zip(table.columns, row, strict=False))
            if cell["Measure"] != "Confidence scale score":
                continue
            n = cell["People paired"]
            if not isinstance(n, int) or isinstance(cell["Mean change"], str):
                return [
                    "The change in the confidence scale score is not shown, because fewer "
                    f"than {s.threshold()} trainees answered both the start and the end survey."
                ]
            shown = dict(zip(table.columns, table.text(row), strict=False))
            line = (
                f"The {n} trainees who answered both the start and the end survey had a mean "
                f"confidence scale score of {shown['Mean at start']} at the start and "
                f"{shown['Mean at end']} at the end, a change of {shown['Mean change']}"
            )
            if is_figure(cell.get("95% CI from")) and is_figure(cell.get("95% CI to")):
                line += f" (95% CI {shown['95% CI from']} to {shown['95% CI to']})"
            p = cell.get("p (Wilcoxon)")
            if is_figure(p):
                written = p_text(p)
                line += (
                    f"; Wilcoxon signed-rank p {written if written[0] == '<' else '= ' + written}"
                )
            return [line + "."]
    return []


def is_figure(cell) -> bool:
    return isinstance(cell, int | float) and not isinstance(cell, bool)
