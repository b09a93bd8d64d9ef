"""Every figure of the evaluation, computed once and shown the same way everywhere.

`build_report` gives the dashboard, the printable page, the DOCX, the XLSX and the CSVs
their tables, already suppressed (`suppression`). Participation comes from core models
in one grouped query; engagement from `lms_member_week_statuses`; initiatives and
confidence from `lms_evaluation_tables`; themes from the codings. Aggregates are made in
SQL or in one pass, so a cohort of 10,000 costs a fixed, small number of queries.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import product, repeat

from flask import current_app
from sqlalchemy import case, func, select

from lms.core import consent
from lms.core import disclosure as s
from lms.core.clock import today
from lms.core.cohorts import schedule_of
from lms.core.models import SECTORS, Cohort, Membership
from lms.core.numbers import FORMATS, text_of
from lms.core.spreadsheets import numeric
from lms.extensions import db
from lms.plugins.evaluation.coding import pseudonyms

SECTIONS = {
    "participation": "Participation",
    "engagement": "Engagement",
    "initiatives": "Change initiatives",
    "confidence": "Confidence",
    "themes": "Themes in what trainees wrote",
    "other": "Other figures",
}
# Where a plugin's tables go when they do not say, and what is missing without it.
PLUGIN_SECTIONS = {
    "reflections": "engagement",
    "initiatives": "initiatives",
    "surveys": "confidence",
}
WHAT = {
    "engagement": "reflection",
    "initiatives": "change initiative",
    "confidence": "confidence survey",
}
SUBMITTED = {"submitted", "submitted late", "reviewed", "done"}
STATUS_GROUPS = [
    ("Submitted on time", {"submitted", "reviewed", "done"}),
    ("Submitted late", {"submitted late"}),
    ("Not submitted yet", {"to do", "draft", "due"}),
    ("Overdue", {"overdue"}),
]


@dataclass
class Table:
    key: str
    title: str
    section: str
    columns: list[str]
    rows: list[list]
    chart: dict | None = None
    notes: list[str] = field(default_factory=list)
    description: str = ""
    source: str = "evaluation"
    # A heatmap's cells (not exported: its data table is the aggregate in `rows`).
    matrix: dict | None = None
    # Unsuppressed sums behind the table, for figures derived from it (never shown).
    totals: dict = field(default_factory=dict)
    # Column -> `lms.core.numbers` format of its raw numbers (pages show them formatted).
    formats: dict[str, str] = field(default_factory=dict)
    # How the figures were made: printed once in the report's method section.
    method: list[str] = field(default_factory=list)

    def text(self, row: list) -> list[str]:
        """A row as pages and documents show it (numbers formatted by column)."""
        return [
            text_of(cell, self.formats.get(column))
            for column, cell in zip(self.columns, row, strict=False)
        ]

    @property
    def shown_rows(self) -> list[list[str]]:
        return [self.text(row) for row in self.rows]


@dataclass
class Report:
    cohort: Cohort
    generated_on: date
    tables: list[Table] = field(default_factory=list)
    missing: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    summary: list[str] = field(default_factory=list)
    examples: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    excerpt_rows: list[list] = field(default_factory=list)
    theme_line: str = ""

    def section(self, name: str) -> list[Table]:
        return [t for t in self.tables if t.section == name]

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "table"


# -- participation (core models, one grouped query for any number of cohorts) ------------


def participation_counts(cohort_ids: list[int]) -> dict[int, list[tuple]]:
    """{cohort id: [(sector, area, lived experience, withdrawn, consented, n)]} of trainees."""
    withdrawn = case((Membership.withdrawn_at.is_(None), 0), else_=1)
    rows = db.session.execute(
        select(
            Membership.cohort_id,
            Membership.sector,
            Membership.area,
            Membership.lived_experience,
            withdrawn,
            Membership.evaluation_consent,
            func.count(),
        )
        .where(Membership.cohort_id.in_(cohort_ids), Membership.role == "trainee")
        .group_by(
            Membership.cohort_id,
            Membership.sector,
            Membership.area,
            Membership.lived_experience,
            withdrawn,
            Membership.evaluation_consent,
        )
    )
    found: dict[int, list[tuple]] = {cohort_id: [] for cohort_id in cohort_ids}
    for cohort_id, sector, area, lived, gone, consented, n in rows:
        found[cohort_id].append(
            (sector, (area or "").strip(), bool(lived), bool(gone), consented, n)
        )
    return found


def participation_tables(counts: list[tuple]) -> list[Table]:
    enrolled = sum(row[-1] for row in counts)
    gone = sum(n for *_, w, _c, n in counts if w)
    consented = sum(n for *_, c, n in counts if c)
    by_sector, withdrawn_by_sector = Counter(), Counter()
    by_area, lived = Counter(), Counter()
    for sector, area, lived_experience, withdrawn, _consent, n in counts:
        by_sector[sector] += n
        withdrawn_by_sector[sector] += n if withdrawn else 0
        by_area[area or "Not recorded"] += n
        lived[lived_experience] += n
    sectors = list(SECTORS) + sorted(set(by_sector) - set(SECTORS))
    staying = s.suppress_set([enrolled - gone, gone])
    consent = s.suppress_set([consented, enrolled - consented])
    areas = sorted(by_area.items(), key=lambda item: (-item[1], item[0]))
    lived_cells = s.suppress_set([lived[True], lived[False]])
    return [
        Table(
            "participation-overview",
            "Who took part",
            "participation",
            ["Measure", "Trainees"],
            [
                ["Enrolled", s.shown(enrolled)],
                ["Still taking part", staying[0]],
                ["Withdrew", staying[1]],
                ["Consented to evaluation use", consent[0]],
                ["Did not consent", consent[1]],
            ],
            description="Trainee memberships of the cohort, from the cohort's roster.",
        ),
        Table(
            "participation-sector",
            "Trainees by sector",
            "participation",
            ["Sector", "Enrolled", "Withdrew"],
            [
                [sector.capitalize(), a, b]
                for sector, a, b in zip(
                    sectors,
                    s.suppress_set([by_sector[x] for x in sectors]),
                    s.suppress_set([withdrawn_by_sector[x] for x in sectors]),
                    strict=True,
                )
            ],
            chart={
                "kind": "bar",
                "x": "Sector",
                "y": ["Enrolled", "Withdrew"],
                "y_label": "Trainees",
            },
            description="Enrolled trainees and withdrawals by the sector of their organisation.",
        ),
        Table(
            "participation-area",
            "Trainees by area",
            "participation",
            ["Area", "Trainees"],
            [
                [area, cell]
                for (area, _), cell in zip(
                    areas, s.suppress_set([n for _, n in areas]), strict=True
                )
            ],
            description="Enrolled trainees by the area they work in (e.g. a partnership).",
        ),
        Table(
            "participation-lived-experience",
            "Trainees with lived experience of using services",
            "participation",
            ["Lived experience", "Trainees"],
            [["Yes", lived_cells[0]], ["No", lived_cells[1]]],
            chart={"kind": "bar", "x": "Lived experience", "y": ["Trainees"]},
            description="Enrolled trainees who said they have lived experience of services.",
        ),
    ]


# -- engagement (reflection statuses through `lms_member_week_statuses`) ------------------


def weeks_taught(cohort: Cohort) -> list[int]:
    return list(range(1, schedule_of(cohort).position(today()).week + 1))


def engagement_tables(cohort: Cohort, report: Report) -> list[Table]:
    weeks = weeks_taught(cohort)
    if not weeks:
        report.missing["engagement"].append("The cohort has not started yet.")
        return []
    # Consenting trainees only, as in every other table (the same list the plugins use).
    members = consent.evaluated_members(cohort)
    manager = current_app.extensions["lms"]
    results = [
        r
        for r in manager.hook.lms_member_week_statuses(cohort=cohort, members=members, weeks=weeks)
        if isinstance(r, dict) and isinstance(r.get("statuses"), dict)
    ]
    if not results:
        return []
    tables = []
    for index, result in enumerate(results):
        title = str(result.get("title") or "Weekly tasks")
        key = "engagement" if index == 0 else f"engagement-{slugify(title)}"
        tables.extend(_status_tables(cohort, key, title, members, weeks, result["statuses"]))
    return tables


def _status_tables(cohort, key, title, members, weeks, statuses) -> list[Table]:
    rate_rows, group_rows = [], []
    all_open = all_done = 0
    columns = [name for name, _ in STATUS_GROUPS] + ["Not yet open"]
    # Rows ordered by pseudonym, so their order says nothing about who is who.
    named = pseudonyms(cohort.id, [m.id for m in members])
    by_label = {label: member_id for member_id, label in named.items()}
    labels = sorted(by_label)
    ids = [by_label[label] for label in labels]
    # Each cell is read once, a week at a time, for both the counts and the heatmap: a
    # national cohort is thousands of cells, so the loops are map() over product().
    get = statuses.get
    week_statuses = [list(map(get, product(ids, (w,)), repeat("not yet open"))) for w in weeks]
    for week, column in zip(weeks, week_statuses, strict=True):
        counts = Counter(column)
        open_ = sum(n for status, n in counts.items() if status != "not yet open")
        done = sum(counts[status] for status in SUBMITTED)
        rate_rows.append(
            [week, s.shown(open_), s.shown_with_complement(done, open_), s.rate(done, open_)]
        )
        all_open, all_done = all_open + open_, all_done + done
        grouped = [sum(counts[x] for x in group) for _, group in STATUS_GROUPS]
        grouped.append(counts["not yet open"])
        group_rows.append([week, *s.suppress_set(grouped)])
    matrix = None
    if len(members) >= s.threshold():
        order = {status: i for i, (_, group) in enumerate(STATUS_GROUPS) for status in group}
        other = len(STATUS_GROUPS)
        codes = [list(map(order.get, column, repeat(other))) for column in week_statuses]
        matrix = {
            "rows": labels,
            "weeks": weeks,
            "categories": columns,
            "cells": [list(row) for row in zip(*codes, strict=True)],
        }
    return [
        Table(
            f"{key}-rates",
            f"{title}: weekly submission rate",
            "engagement",
            ["Week", "Trainees (week open)", "Submitted", "Submitted (%)"],
            rate_rows,
            formats={"Submitted (%)": "percent"},
            chart={
                "kind": "line",
                "x": "Week",
                "y": ["Submitted (%)"],
                "y_max": 100,
                "y_label": "Submitted (%)",
            },
            description="Active trainees whose week had opened, and how many submitted.",
            totals={"open": all_open, "submitted": all_done, "people": len(members)},
        ),
        Table(
            f"{key}-heatmap",
            f"{title}: status of each trainee, week by week",
            "engagement",
            ["Week", *columns],
            group_rows,
            chart={"kind": "heatmap"} if matrix else None,
            notes=[]
            if matrix
            else [f"The chart of each trainee is not shown: fewer than {s.threshold()} trainees."],
            description="Active trainees by the status of that week's task. The chart shows "
            "each trainee as a row, by pseudonym only.",
            matrix=matrix,
        ),
    ]


# -- tables from other plugins (`lms_evaluation_tables`) ----------------------------------


def plugin_tables(cohort: Cohort, report: Report) -> list[Table]:
    manager = current_app.extensions["lms"]
    tables: list[Table] = []
    seen = set()
    impls = sorted(
        manager.hook.lms_evaluation_tables.get_hookimpls(), key=lambda impl: impl.plugin_name
    )
    for impl in impls:
        plugin = impl.plugin_name
        for raw in impl.function(cohort=cohort) or []:
            table = _table_from(plugin, raw)
            if table is None:
                continue
            while table.key in seen:
                table.key += "-2"
            seen.add(table.key)
            tables.append(table)
    return tables


def _table_from(plugin: str, raw) -> Table | None:
    """A plugin's table as ours: checked shape, our key and section, safety net applied."""
    if not isinstance(raw, dict) or raw.get("kind", "figures") != "figures":
        return None
    columns = [str(c) for c in raw.get("columns") or []]
    rows = [list(r) for r in raw.get("rows") or [] if isinstance(r, list | tuple)]
    if not columns or not isinstance(raw.get("title"), str):
        return None
    key = slugify(str(raw.get("key") or raw["title"]))
    if not key.startswith(plugin):
        key = f"{plugin}-{key}"
    section = raw.get("section")
    if section not in SECTIONS or section == "themes":
        section = PLUGIN_SECTIONS.get(plugin, "other")
    counted = [columns.index(c) for c in raw.get("count_columns") or [] if c in columns]
    cells = []
    for row in rows:
        row = (row + [""] * len(columns))[: len(columns)]
        row = ["" if c is None else c for c in row]
        # Figures sent as text ("7", "3.6") become numbers, so spreadsheets can sum them;
        # the first column names the row and stays as it is.
        row = row[:1] + [numeric(cell) for cell in row[1:]]
        for i in counted:
            row[i] = s.safety_net(row[i])
        cells.append(row)
    chart = raw.get("chart") if isinstance(raw.get("chart"), dict) else None
    if chart and (
        chart.get("kind") not in ("bar", "line", "slope")
        or chart.get("x") not in columns
        or not all(y in columns for y in chart.get("y") or [None])
    ):
        chart = None
    formats = raw.get("formats") if isinstance(raw.get("formats"), dict) else {}
    method = []
    for name in ("suppressed", "method"):
        notes = raw.get(name) or []
        method += [str(n) for n in (notes if isinstance(notes, list) else [notes])]
    return Table(
        key,
        raw["title"],
        section,
        columns,
        cells,
        chart=chart,
        description=str(raw.get("description") or ""),
        source=plugin,
        formats={c: f for c, f in formats.items() if c in columns and f in FORMATS},
        method=method,
    )


# -- the whole report --------------------------------------------------------------------


PARTS = ("participation", "statuses", "plugins", "themes")


def build_report(cohort: Cohort, parts: tuple[str, ...] = PARTS, reader=None) -> Report:
    """Every table of the evaluation, suppressed; `parts` limits the work (for one chart).
    `reader`: whose view of the coded texts the themes use (a tutor: their group's)."""
    from lms.plugins.evaluation.themes import theme_tables

    report = Report(cohort, today())
    if "participation" in parts:
        report.tables += participation_tables(participation_counts([cohort.id])[cohort.id])
    if "statuses" in parts:
        report.tables += engagement_tables(cohort, report)
    if "plugins" in parts:
        report.tables += plugin_tables(cohort, report)
    if "themes" in parts:
        report.tables += theme_tables(cohort, report, reader)
    report.tables.sort(key=lambda table: list(SECTIONS).index(table.section))
    if "plugins" in parts:
        _say_what_is_missing(report, "statuses" in parts)
    if parts == PARTS:
        report.summary = summary_of(report)
    return report


def _say_what_is_missing(report: Report, with_statuses: bool) -> None:
    """A section without tables says why: its plugin is off, or it has no figures yet."""
    manager = current_app.extensions["lms"]
    enabled = {info.name for info in manager.catalogue if info.enabled}
    for plugin, section in PLUGIN_SECTIONS.items():
        if report.section(section) or report.missing.get(section):
            continue
        if section == "engagement" and not with_statuses:
            continue
        if plugin not in enabled:
            message = f"The {plugin} plugin is turned off, so there are no {WHAT[section]} figures."
        else:
            message = f"There are no {WHAT[section]} figures yet."
        report.missing[section].append(message)


def parts_for_chart(key: str) -> tuple[str, ...]:
    for prefix, part in (
        ("participation", "participation"),
        ("engagement", "statuses"),
        ("themes", "themes"),
    ):
        if key.startswith(prefix):
            return (part,)
    return ("plugins",)


def summary_of(report: Report) -> list[str]:
    """The key figures in sentences (see `summary`), for the dashboard and the report."""
    from lms.plugins.evaluation.summary import sentences

    return sentences(report)
