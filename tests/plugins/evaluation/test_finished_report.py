"""The finished report (issue 18): an A4 DOCX with properties, header, page numbers,
contents, an executive summary that never prints a hidden figure, one method section and
no empty charts; an XLSX of numbers; the same structure on the printable page; the CLI
as a subprocess; and the DOCX opened by LibreOffice."""

from __future__ import annotations

import io
import re
import sys
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm
from openpyxl import load_workbook

from lms.core.numbers import p_text
from tests.conftest import record_consent
from tests.plugins.evaluation.test_coding import seed_codebook
from tests.plugins.evaluation.test_dashboard import known_cohort

LMS = Path(sys.executable).with_name("lms")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

CONSENT_HIDDEN = (
    "Fewer than 5 trainees did not consent to evaluation use. The number who consented is "
    "not shown, because the smaller number could otherwise be worked out from it."
)
CONFIDENCE = (
    "The 9 trainees who answered both the start and the end survey had a mean confidence "
    "scale score of 3.10 at the start and 4.20 at the end, a change of 1.10 (95% CI 0.62 to "
    "1.58); Wilcoxon signed-rank p <0.001."
)


def raw_confidence(fakes) -> None:
    """The surveys' table as the real plugin sends it: raw numbers and their formats."""
    fakes[1].tables = [
        {
            "key": "confidence-change",
            "title": "Confidence scale: change from the start to the end (paired)",
            "section": "confidence",
            "columns": [
                "Measure",
                "People paired",
                "Mean at start",
                "Mean at end",
                "Mean change",
                "95% CI from",
                "95% CI to",
                "p (Wilcoxon)",
            ],
            "rows": [
                ["Confidence scale score", 9, 3.1, 4.2, 1.1, 0.62, 1.58, 0.00006],
                ["I can persuade colleagues", 9, 3.0, 3.5, 0.5, -0.1, 1.1, 0.0734],
            ],
            "formats": {
                "People paired": "count",
                "Mean at start": "decimal2",
                "Mean at end": "decimal2",
                "Mean change": "decimal2",
                "95% CI from": "decimal2",
                "95% CI to": "decimal2",
                "p (Wilcoxon)": "p",
            },
            "chart": {"kind": "slope", "x": "Measure", "y": ["Mean at start", "Mean at end"]},
            "count_columns": ["People paired"],
            "suppressed": ["A measure answered by fewer than 5 people is not shown."],
            "method": ["Pre and post survey answers are paired by person."],
        }
    ]


@pytest.fixture
def finished(app, cohort, lead, add_trainees, fakes, login_as):
    """12 trainees of whom 2 did not consent (hidden), a codebook nobody has used yet,
    and a confidence table with p = 0.00006."""
    statutory, _ = known_cohort(cohort, add_trainees, fakes)
    for member in statutory[:2]:
        record_consent(member, False)  # through the consent service
    seed_codebook(app, cohort)
    raw_confidence(fakes)
    return login_as(lead)


def paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def test_p_values_are_written_one_way():
    assert p_text(0.00006) == "<0.001"
    assert p_text(0.001) == "0.001"
    assert p_text(0.07341) == "0.073"


def test_the_docx_is_an_a4_report_with_properties_header_page_numbers_and_contents(finished):
    response = finished.get("/cohorts/north-2026/evaluation/report.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert Mm(15) <= section.left_margin <= Mm(30)

    props = document.core_properties
    assert props.title == "Evaluation report: North 2026"
    assert props.author == "Involving People" and props.author != "python-docx"
    assert props.created.date() == date(2026, 10, 12)  # the pinned day, not 2013
    assert props.modified.date() == date(2026, 10, 12)

    assert section.header.paragraphs[0].text == "Involving People · North 2026"
    footer = section.footer._element
    codes = [t.text.strip() for t in footer.iter(f"{W}instrText")]
    assert codes == ["PAGE", "NUMPAGES"]
    assert "Page 1 of 1" in section.footer.paragraphs[0].text  # the cached result

    body = document.element.body
    assert any(t.text.strip().startswith("TOC") for t in body.iter(f"{W}instrText"))
    text = paragraphs(document)
    start = text.index("Contents") + 1
    assert text[start : start + 8] == [
        "Summary",
        "Participation",
        "Engagement",
        "Change initiatives",  # says its plugin is turned off
        "Confidence",
        "Themes in what trainees wrote",
        "Method and limitations",
        "Summary",  # the heading after the contents list
    ]


def test_the_summary_never_prints_a_hidden_figure_and_the_method_is_said_once(finished):
    document = Document(io.BytesIO(finished.get("/cohorts/north-2026/evaluation/report.docx").data))
    text = paragraphs(document)
    joined = "\n".join(text)
    assert CONSENT_HIDDEN in text and CONFIDENCE in text
    assert "not shown consented" not in joined and "not shown trainees" not in joined
    assert text.count("No passages have been coded for themes yet.") == 1
    assert text.count("Method and limitations") == 2  # in the contents and as the heading
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings.count("Method and limitations") == 1
    for once in (
        "A measure answered by fewer than 5 people is not shown.",
        "Pre and post survey answers are paired by person.",
    ):
        assert text.count(once) == 1, once
    assert sum(p.startswith("Small-cell suppression:") for p in text) == 1
    # The consent count is in no title or heading either.
    assert not any(re.search(r"consented: \d", h) for h in headings)

    # p = 0.00006 is "<0.001"; the second measure to three places.
    table = next(t for t in document.tables if t.rows[1].cells[0].text == "Confidence scale score")
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[1] == ["Confidence scale score", "9", "3.10", "4.20", "1.10", "0.62", "1.58",
                       "<0.001"]  # fmt: skip
    assert rows[2][-1] == "0.073"
    assert "0.000" not in joined


def test_no_chart_is_embedded_when_nothing_is_coded(finished):
    document = Document(io.BytesIO(finished.get("/cohorts/north-2026/evaluation/report.docx").data))
    text = paragraphs(document)
    themes = text[text.index("How often each theme came up") :]
    assert themes[2].startswith("There is no chart: none of its figures can be drawn yet")
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert not any("how often each theme came up" in c for c in captions)
    # Pictures only for charts with figures: sector, lived experience, attendance (the
    # sessions plugin), reflection rates, confidence.
    assert len(document.inline_shapes) == len(captions) == 5


def test_the_workbook_stores_numbers_as_numbers(finished):
    workbook = load_workbook(
        io.BytesIO(finished.get("/cohorts/north-2026/evaluation/report.xlsx").data)
    )
    confidence = workbook["surveys-confidence-change"]
    assert confidence.freeze_panes == "A3"
    assert all(cell.font.bold for cell in confidence[2])
    scale = confidence[3]
    assert [c.data_type for c in scale[1:]] == ["n"] * 7
    assert scale[7].value == pytest.approx(0.00006) and scale[2].number_format == "0.00"
    rates = workbook["engagement-rates"]
    row = [c for c in rates[8]]
    # Of the 8 consenting, few submitted or few did not: hidden, and so is the rate.
    assert [c.value for c in row][:2] == [6, 8]
    assert all(str(c.value).startswith(("not shown", "fewer than 5")) for c in row[2:])
    percents = [
        cell
        for sheet in workbook.worksheets
        for line in sheet.iter_rows(min_row=3)
        for cell in line
        if cell.number_format == '0.0"%"'
    ]
    assert any(c.data_type == "n" and isinstance(c.value, int | float) for c in percents)
    overview = {r[0]: r[1] for r in workbook["participation-overview"].iter_rows(values_only=True)}
    assert overview["Did not consent"] == "fewer than 5"
    assert overview["Consented to evaluation use"].startswith("not shown (it would reveal")
    summary = [r[0] for r in workbook["Summary"].iter_rows(values_only=True)]
    assert CONSENT_HIDDEN in summary and CONFIDENCE in summary


def test_the_printable_page_has_the_same_structure(finished):
    html = finished.get("/cohorts/north-2026/evaluation/report").get_data(as_text=True)
    headings = re.findall(r'<h2 class="govuk-heading-l"[^>]*>([^<]+)</h2>', html)
    assert headings == [
        "Contents",
        "Summary",
        "Participation",
        "Engagement",
        "Change initiatives",  # says its plugin is turned off
        "Confidence",
        "Themes in what trainees wrote",
        "Method and limitations",
    ]
    assert CONSENT_HIDDEN in html and CONFIDENCE.replace("<", "&lt;") in html
    assert "&lt;0.001" in html and html.count("Small-cell suppression:") == 1
    assert "themes-frequency.svg" not in html


def test_the_dashboard_summary_reads_well_when_consent_is_hidden(finished):
    html = finished.get("/cohorts/north-2026/evaluation").get_data(as_text=True)
    assert CONSENT_HIDDEN in html and "not shown consented" not in html


def test_the_csvs_keep_the_raw_numbers(finished):
    import csv
    import zipfile

    archive = zipfile.ZipFile(
        io.BytesIO(finished.get("/cohorts/north-2026/evaluation/report.zip").data)
    )
    rows = list(csv.reader(io.StringIO(archive.read("surveys-confidence-change.csv").decode())))
    assert float(rows[1][-1]) == pytest.approx(0.00006)  # raw, for re-analysis
    notes = archive.read("method-notes.txt").decode()
    assert notes.count("Pre and post survey answers are paired by person.") == 1
