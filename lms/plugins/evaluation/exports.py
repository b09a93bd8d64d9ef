"""The evaluation report for boards and funders: DOCX, XLSX and a zip of CSVs.

All three are written from the same `figures.Report` as the dashboard, so they carry the
same, suppressed figures. Pseudonyms only; quotes masked (see `themes`). Text cells that
a spreadsheet would run as a formula are prefixed with an apostrophe.
"""

from __future__ import annotations

import io
import zipfile

from lms.core import disclosure as s
from lms.core.spreadsheets import Sheet, csv_text, xlsx_bytes
from lms.plugins.evaluation.figures import SECTIONS, Report, Table
from lms.plugins.evaluation.themes import EXCERPT_COLUMNS


def method_notes(report: Report) -> list[str]:
    return [
        "Participation figures come from the cohort roster: every trainee membership, "
        "including those who later withdrew.",
        "Engagement is each active trainee's weekly reflection status; a week counts once "
        "it has opened.",
        "Confidence change is a paired analysis: only people who answered both the first "
        "and the last survey are compared, each with themselves; the test used is the "
        "Wilcoxon signed-rank test, with a 95% confidence interval for the mean change.",
        "Themes were found by thematic coding of consented reflections and free-text "
        "survey answers against the programme's codebook; more than one coder may code a "
        "text, and agreement between coders is reported where they did: as a percentage "
        "and corrected for chance (Cohen's kappa for two coders, Krippendorff's alpha for "
        "any number).",
        "Quotes are de-identified: authors appear by pseudonym only and the names and email "
        "addresses of everyone in the cohort are masked. Nothing from people who did not "
        "consent, or who withdrew consent, is included.",
        s.rule_text(),
    ]


# -- DOCX ---------------------------------------------------------------------------------


def report_docx(report: Report) -> bytes:
    from docx import Document
    from docx.shared import Cm

    from lms.plugins.evaluation.charts import describe, render

    document = Document()
    document.add_heading(f"Evaluation report: {report.cohort.name}", level=0)
    document.add_paragraph(f"Figures as at {report.generated_on:%-d %B %Y}.")
    document.add_heading("Summary", level=1)
    for line in report.summary:
        document.add_paragraph(line, style="List Bullet")
    for section, heading in SECTIONS.items():
        tables = [t for t in report.section(section)]
        if not tables and not report.missing.get(section):
            continue
        document.add_heading(heading, level=1)
        for message in report.missing.get(section, []):
            document.add_paragraph(message)
        for table in tables:
            document.add_heading(table.title, level=2)
            if table.chart and table.chart.get("kind") != "heatmap":
                document.add_picture(io.BytesIO(render(table, "png")), width=Cm(15))
                document.add_paragraph(describe(table), style="Caption")
            _docx_table(document, table)
            for note in table.notes:
                document.add_paragraph(note)
        if section == "themes":
            _docx_quotes(document, report)
    document.add_heading("Method notes", level=1)
    for note in method_notes(report):
        document.add_paragraph(note, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_table(document, table: Table) -> None:
    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    for cell, name in zip(grid.rows[0].cells, table.columns, strict=True):
        cell.text = name
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)


def _docx_quotes(document, report: Report) -> None:
    quoted = {name: quotes for name, quotes in report.examples.items() if quotes}
    if not quoted:
        return
    document.add_heading("What trainees said: illustrative quotes", level=2)
    for name, quotes in quoted.items():
        document.add_heading(name, level=3)
        for words, author, label in quotes:
            document.add_paragraph(f"“{words}” ({author}, {label})", style="Quote")


# -- XLSX ---------------------------------------------------------------------------------


def sheet_name(key: str, used: set[str]) -> str:
    name = key[:31]
    number = 2
    while name in used:
        name = f"{key[:28]}-{number}"
        number += 1
    used.add(name)
    return name


def report_xlsx(report: Report) -> bytes:
    summary = Sheet("Summary", [[f"Evaluation report: {report.cohort.name}"]], {0: 14})
    summary.rows.append([f"Figures as at {report.generated_on:%-d %B %Y}"])
    summary.rows += [[line] for line in report.summary + [""] + method_notes(report)]
    used = {"Summary", "Data dictionary", "Coded excerpts"}
    dictionary = Sheet(
        "Data dictionary",
        [["Sheet", "Table", "Section", "From", "Column", "Description"]],
        {0: None},
    )
    tables = []
    for table in report.tables:
        sheet = Sheet(
            sheet_name(table.key, used), [[table.title], table.columns], {0: None, 1: None}
        )
        sheet.rows += [list(row) for row in table.rows]
        sheet.rows += [[note] for note in table.notes]
        tables.append(sheet)
        dictionary.rows += [
            [
                sheet.title,
                table.title,
                SECTIONS[table.section],
                table.source,
                column,
                table.description,
            ]
            for column in table.columns
        ]
    excerpts = Sheet("Coded excerpts", [EXCERPT_COLUMNS, *report.excerpt_rows])
    dictionary.rows += [
        [
            "Coded excerpts",
            "Coded excerpts (de-identified)",
            SECTIONS["themes"],
            "evaluation",
            column,
            "One row per current coding; masked words; pseudonyms.",
        ]
        for column in EXCERPT_COLUMNS
    ]
    return xlsx_bytes([summary, dictionary, *tables, excerpts])


# -- CSV ----------------------------------------------------------------------------------


def to_csv(columns: list[str], rows: list[list]) -> str:
    return csv_text([columns, *rows])


def excerpts_csv(report: Report) -> str:
    return to_csv(EXCERPT_COLUMNS, report.excerpt_rows)


def report_csv_zip(report: Report) -> bytes:
    buffer = io.BytesIO()
    dictionary = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in report.tables:
            name = f"{table.key}.csv"
            archive.writestr(name, to_csv(table.columns, table.rows))
            dictionary += [
                [
                    name,
                    table.title,
                    SECTIONS[table.section],
                    table.source,
                    column,
                    table.description,
                ]
                for column in table.columns
            ]
        archive.writestr("coded-excerpts.csv", excerpts_csv(report))
        archive.writestr(
            "data-dictionary.csv",
            to_csv(["File", "Table", "Section", "From", "Column", "Description"], dictionary),
        )
        archive.writestr("method-notes.txt", "\n\n".join(method_notes(report)) + "\n")
    return buffer.getvalue()
