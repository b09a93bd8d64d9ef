"""The evaluation report for boards and funders: DOCX, XLSX and a zip of CSVs.

All three are written from the same `figures.Report` as the dashboard, so they carry the
same, suppressed figures. Pseudonyms only; quotes masked (see `themes`). The DOCX and the
printable page share one structure (`outline`); the DOCX and pages show numbers formatted
(`Table.shown_rows`), the XLSX and CSVs keep them raw. Every spreadsheet goes through
`lms.core.spreadsheets`, which neutralises formulas.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, time

from lms.core import disclosure as s
from lms.core.clock import today
from lms.core.spreadsheets import Sheet, csv_text, xlsx_bytes
from lms.plugins.evaluation.figures import SECTIONS, Report, Table
from lms.plugins.evaluation.themes import EXCERPT_COLUMNS


def method_notes(report: Report) -> list[str]:
    """The method and limitations as plain paragraphs (the CSV zip's text file)."""
    from lms.plugins.evaluation.outline import method_of

    return [paragraph for _, paragraphs in method_of(report) for paragraph in paragraphs]


# -- DOCX ---------------------------------------------------------------------------------

MARGIN_MM = 22


def _moment() -> datetime:
    """Now, or noon of the pinned day (`LMS_TODAY`), so a demo's file says its date."""
    pinned = today()
    now = datetime.now(UTC)
    if pinned != now.date():
        return datetime.combine(pinned, time(12, 0), tzinfo=UTC)
    return now.replace(microsecond=0)


def report_docx(report: Report) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Mm, Pt

    from lms.plugins.evaluation.charts import NOTHING_TO_DRAW, describe, render
    from lms.plugins.evaluation.outline import METHOD, SUMMARY, outline_of

    outline = outline_of(report)
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(MARGIN_MM)
    section.top_margin = section.bottom_margin = Mm(MARGIN_MM)
    section.header_distance = section.footer_distance = Cm(1.0)
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(10.5)
    _properties(document, outline)
    _header_footer(section, outline)

    document.add_heading(outline.title, level=0)
    document.add_paragraph(f"{outline.programme}. Figures as at {outline.as_at}.")
    document.add_heading("Contents", level=1)
    _contents(document, outline.contents)
    document.add_heading(SUMMARY, level=1)
    for line in outline.summary:
        document.add_paragraph(line, style="List Bullet")
    for part in outline.sections:
        document.add_heading(part.heading, level=1)
        for message in part.messages:
            document.add_paragraph(message)
        for table in part.tables:
            document.add_heading(table.title, level=2)
            # The heading, its chart and the start of its table stay on one page.
            together = []
            if table.description:
                together.append(document.add_paragraph(table.description))
            if table.chart and table.chart.get("kind") != "heatmap":
                if outline.charted(table):
                    document.add_picture(io.BytesIO(render(table, "png")), width=Cm(15))
                    together.append(document.paragraphs[-1])
                    together.append(document.add_paragraph(describe(table), style="Caption"))
                else:
                    together.append(document.add_paragraph(NOTHING_TO_DRAW))
            elif table.chart:
                together.append(
                    document.add_paragraph(
                        "The chart of each trainee, week by week, is on the evaluation "
                        "dashboard and the printable report; the table gives its figures."
                    )
                )
            for paragraph in together:
                paragraph.paragraph_format.keep_with_next = True
            _docx_table(document, table)
            for note in table.notes:
                document.add_paragraph(note)
        if part.quotes:
            document.add_heading("What trainees said: illustrative quotes", level=2)
            for name, quotes in part.quotes.items():
                document.add_heading(name, level=3)
                for words, author, label in quotes:
                    document.add_paragraph(f"“{words}” ({author}, {label})", style="Quote")
    document.add_heading(METHOD, level=1)
    for heading, paragraphs in outline.method:
        document.add_heading(heading, level=2)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _properties(document, outline) -> None:
    moment = _moment().replace(tzinfo=None)  # python-docx writes naive times as UTC
    properties = document.core_properties
    properties.title = outline.title
    properties.subject = f"Evaluation of {outline.cohort}"
    properties.author = outline.programme
    properties.last_modified_by = outline.programme
    properties.comments = f"Figures as at {outline.as_at}."
    properties.keywords = "evaluation; co-production"
    properties.category = "Evaluation report"
    properties.created = properties.modified = moment
    printed = properties._element.find(
        "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}lastPrinted"
    )
    if printed is not None:  # the template's, from 2013
        properties._element.remove(printed)
    properties.revision = 1


def _field(paragraph, instruction: str, placeholder: str = "1") -> None:
    """A complex field (PAGE, NUMPAGES) with a cached result Word and LibreOffice update."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    run = paragraph.add_run()
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    run._r.append(code)
    char("separate")
    paragraph.add_run(placeholder)
    char("end")


def _header_footer(section, outline) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    header = section.header.paragraphs[0]
    header.text = f"{outline.programme} · {outline.cohort}"
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


def _contents(document, headings: list[str]) -> None:
    """A TOC field whose shown result, until Word or LibreOffice updates it with page
    numbers, is the written list of sections: so the contents are never empty."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    first, *rest = [document.add_paragraph(h, style="List Number") for h in headings]

    def char(paragraph, kind, at_start):
        run = OxmlElement("w:r")
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run.append(element)
        if at_start:
            paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, run)
        else:
            paragraph._p.append(run)
        return run

    begin = char(first, "begin", True)
    code = OxmlElement("w:r")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = ' TOC \\o "1-1" \\h \\z \\u '
    code.append(text)
    begin.addnext(code)
    separate = OxmlElement("w:r")
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), "separate")
    separate.append(element)
    code.addnext(separate)
    char(rest[-1] if rest else first, "end", False)


def _docx_table(document, table: Table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    header = grid.rows[0]
    # The header row repeats on every page the table runs on.
    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(mark)
    for cell, name in zip(header.cells, table.columns, strict=True):
        cell.text = name
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in table.shown_rows:
        cells = grid.add_row().cells
        if len(row) > 2 and row[1] and not any(row[2:]):
            # A row hidden as a whole ("Fewer than 5 responses") reads across its cells.
            cells[0].text = row[0]
            cells[1].merge(cells[-1]).text = row[1]
            continue
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    _column_widths(grid, len(table.columns))
    document.add_paragraph()


TEXT_WIDTH_MM = 210 - 2 * MARGIN_MM  # A4 less its margins


def _column_widths(grid, count: int) -> None:
    """The first column names the row (often a survey question): it gets room, the
    figures share the rest. Wide tables are set a size smaller."""
    from docx.shared import Mm, Pt

    grid.autofit = False
    if count <= 3:
        widths = [TEXT_WIDTH_MM / count] * count
    else:
        first = TEXT_WIDTH_MM * (0.3 if count > 5 else 0.34)
        widths = [first] + [(TEXT_WIDTH_MM - first) / (count - 1)] * (count - 1)
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)
            if count > 5:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(8)


# -- XLSX ---------------------------------------------------------------------------------


def sheet_name(key: str, used: set[str]) -> str:
    name = key[:31]
    number = 2
    while name in used:
        name = f"{key[:28]}-{number}"
        number += 1
    used.add(name)
    return name


HIDDEN_IN_SHEETS = "not shown (it would reveal a count below the threshold)"


def _sheet_cell(cell):
    return HIDDEN_IN_SHEETS if cell == s.HIDDEN else cell


def report_xlsx(report: Report) -> bytes:
    """Numbers as numbers (formatted by column), the header row bold and frozen."""
    from lms.plugins.evaluation.outline import METHOD, SUMMARY, outline_of

    outline = outline_of(report)
    summary = Sheet("Summary", [[outline.title]], {0: 14}, widths={0: 110})
    summary.rows.append([f"{outline.programme}. Figures as at {outline.as_at}."])
    summary.rows += [[""], [SUMMARY]] + [[line] for line in outline.summary]
    summary.rows += [[""], [METHOD]]
    for heading, paragraphs in outline.method:
        summary.bold[len(summary.rows)] = None
        summary.rows += [[heading]] + [[paragraph] for paragraph in paragraphs]
    summary.bold.update({3: 12, 4 + len(outline.summary) + 1: 12})
    used = {"Summary", "Data dictionary", "Coded excerpts"}
    dictionary = Sheet(
        "Data dictionary",
        [["Sheet", "Table", "Section", "From", "Column", "Description"]],
        {0: None},
        freeze="A2",
        widths={0: 28, 1: 40, 4: 28, 5: 60},
    )
    tables = []
    for table in report.tables:
        sheet = Sheet(
            sheet_name(table.key, used),
            [[table.title], table.columns],
            {0: 12, 1: None},
            formats={
                i: table.formats[column]
                for i, column in enumerate(table.columns)
                if column in table.formats
            },
            data_from=2,
            freeze="A3",
            widths={i: max(12, min(50, len(c) + 2)) for i, c in enumerate(table.columns)},
        )
        sheet.rows += [[_sheet_cell(cell) for cell in row] for row in table.rows]
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
    excerpts = Sheet(
        "Coded excerpts", [EXCERPT_COLUMNS, *report.excerpt_rows], {0: None}, freeze="A2"
    )
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
