"""The report downloads (DOCX, XLSX, CSV zip), the printable page, the CLI, comparison
of cohorts, and the app with plugins turned off."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from lms.core.audit import AuditEvent
from lms.extensions import db
from tests.plugins.evaluation.test_coding import code_five_people
from tests.plugins.evaluation.test_dashboard import cells, known_cohort


def test_the_docx_report_carries_the_dashboard_figures(
    app, cohort, lead, add_trainees, fakes, login_as
):
    known_cohort(cohort, add_trainees, fakes)
    client = login_as(lead)
    code_five_people(app, cohort, lead, add_trainees, fakes, client)
    response = client.get("/cohorts/north-2026/evaluation/report.docx")
    assert response.status_code == 200
    assert 'filename="evaluation-north-2026.docx"' in response.headers["Content-Disposition"]
    document = Document(io.BytesIO(response.data))
    headings = [
        p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    for heading in (
        "Evaluation report: North 2026",
        "Summary",
        "Participation",
        "Engagement",
        "Confidence",
        "Themes in what trainees wrote",
        "Method and limitations",
        "What trainees said: illustrative quotes",
    ):
        assert heading in headings
    text = "\n".join(p.text for p in document.paragraphs)
    assert "17 trainees enrolled" in text  # 12 + the 5 authors
    assert "Small-cell suppression" in text and "fewer than 5" in text
    assert "“silo working between teams”" in text
    tables = {t.rows[0].cells[0].text: t for t in document.tables}
    sector = [[c.text for c in row.cells] for row in tables["Sector"].rows]
    assert ["Statutory", "7", "fewer than 5"] in sector
    assert ["Voluntary", "5", "fewer than 5"] in sector
    assert ["Other", "5", "fewer than 5"] in sector  # the authors of the coded texts
    measures = [[c.text for c in row.cells] for row in tables["Measure"].rows]
    assert ["Confidence scale score", "9", "3.1", "4.2"] in measures
    assert len(document.inline_shapes) >= 4  # the charts, as pictures


def test_the_workbook_has_a_sheet_per_dataset_and_a_data_dictionary(
    app, cohort, lead, add_trainees, fakes, login_as
):
    known_cohort(cohort, add_trainees, fakes)
    client = login_as(lead)
    code_five_people(app, cohort, lead, add_trainees, fakes, client)
    response = client.get("/cohorts/north-2026/evaluation/report.xlsx")
    workbook = load_workbook(io.BytesIO(response.data))
    for name in (
        "Summary",
        "Data dictionary",
        "participation-overview",
        "participation-sector",
        "engagement-rates",
        "surveys-confidence-change",
        "themes-frequency",
        "Coded excerpts",
    ):
        assert name in workbook.sheetnames
    rates = list(workbook["engagement-rates"].iter_rows(values_only=True))
    assert rates[1] == ("Week", "Trainees (week open)", "Submitted", "Submitted (%)")
    # 6 of 10 plus all 5 authors: 11 of 15, so 4 did not, and that is not shown.
    assert rates[7][:2] == (6, 15) and all(str(v).startswith("not shown") for v in rates[7][2:])
    dictionary = list(workbook["Data dictionary"].iter_rows(values_only=True))
    assert dictionary[
        dictionary.index(
            next(r for r in dictionary if r[0] == "engagement-rates" and r[4] == "Submitted (%)")
        )
    ][:5] == (
        "engagement-rates",
        "Reflections: weekly submission rate",
        "Engagement",
        "evaluation",
        "Submitted (%)",
    )
    excerpts = list(workbook["Coded excerpts"].iter_rows(values_only=True))
    assert len(excerpts) == 6 and excerpts[1][-1] == "silo working between teams"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "data.exported"))
    assert [e.details for e in events] == ['{"format": "xlsx", "what": "evaluation report"}']


def test_the_csv_zip_parses_back(cohort, lead, add_trainees, fakes, login_as):
    known_cohort(cohort, add_trainees, fakes)
    client = login_as(lead)
    response = client.get("/cohorts/north-2026/evaluation/report.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(archive.namelist())
    assert {
        "participation-sector.csv",
        "data-dictionary.csv",
        "coded-excerpts.csv",
        "method-notes.txt",
    } <= names
    rows = list(csv.reader(io.StringIO(archive.read("participation-overview.csv").decode())))
    assert rows[0] == ["Measure", "Trainees"]
    assert ["Enrolled", "12"] in rows and ["Withdrew", "fewer than 5"] in rows
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "data.exported")).cohort_id
        == cohort.id
    )


def test_formulas_are_not_exported_as_formulas(cohort, lead, fakes, login_as):
    fakes[1].tables[0]["rows"].append(['=HYPERLINK("http://x")', 5, -1.5, "-2"])
    client = login_as(lead)
    archive = zipfile.ZipFile(
        io.BytesIO(client.get("/cohorts/north-2026/evaluation/report.zip").data)
    )
    text = archive.read("surveys-confidence-change.csv").decode()
    assert "'=HYPERLINK" in text and ",-1.5,-2" in text


def test_the_printable_report(cohort, lead, add_trainees, fakes, login_as):
    known_cohort(cohort, add_trainees, fakes)
    html = login_as(lead).get("/cohorts/north-2026/evaluation/report").get_data(as_text=True)
    assert "Evaluation report: North 2026" in html and "Method and limitations" in html
    assert "/evaluation/static/print.css" in html
    assert cells(html, "Enrolled") == ["12"]
    assert "style=" not in html
    css = login_as(lead).get("/evaluation/static/print.css")
    assert css.status_code == 200 and b"@media print" in css.data
    css.close()


def test_the_report_from_the_command_line(app, cohort, add_trainees, fakes, tmp_path):
    known_cohort(cohort, add_trainees, fakes)
    output = tmp_path / "report.docx"
    result = app.test_cli_runner().invoke(
        args=["evaluation", "report", "north-2026", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert "Evaluation report: North 2026" in [p.text for p in Document(output).paragraphs]
    bad = app.test_cli_runner().invoke(args=["evaluation", "report", "nope", "-o", "x.docx"])
    assert bad.exit_code != 0 and "no cohort called nope" in bad.output


def test_leads_compare_their_cohorts_side_by_side(
    cohort, lead, make_cohort, make_membership, add_trainees, fakes, login_as
):
    known_cohort(cohort, add_trainees, fakes)
    second = make_cohort(slug="south-2026", name="South 2026", start=date(2026, 9, 7))
    make_membership(second, "lead", user=lead)
    add_trainees(second, 6, sector="charity")
    not_mine = make_cohort(slug="west", name="West 2026")
    add_trainees(not_mine, 9)
    client = login_as(lead)
    html = client.get(
        "/evaluation/compare?cohort=north-2026&cohort=south-2026&cohort=west"
    ).get_data(as_text=True)
    assert "North 2026" in html and "South 2026" in html
    assert "West 2026" not in html
    assert cells(html, "Enrolled") == ["12", "6"]
    assert cells(html, "Sector: Charity") == ["0", "6"]
    # 14 of 15 (the one missing would show through): hidden; the other cohort's 100%.
    assert cells(html, "Reflections submitted, all weeks so far (%)") == ["not shown", "100.0"]


def test_the_dashboard_says_what_is_missing_without_other_plugins(cohort, lead, login_as):
    html = login_as(lead).get("/cohorts/north-2026/evaluation").get_data(as_text=True)
    assert "The surveys plugin is turned off, so there are no confidence survey figures." in html
    assert "The initiatives plugin is turned off" in html
    assert "The reflections plugin is turned off" in html
    assert cells(html, "Enrolled") == ["0"]


def test_the_dashboard_with_every_real_plugin_turned_on(make_app, make_cohort, make_membership):
    from datetime import date as day

    other = make_app(DISABLED_PLUGINS=[])
    with other.app_context():
        cohort = make_cohort(slug="all-on", start=day(2026, 9, 7))
        lead = make_membership(cohort, "lead").user
        for _ in range(6):
            make_membership(cohort, "trainee", evaluation_consent=True)
        email = lead.email
    client = other.test_client()
    from tests.conftest import PASSWORD

    client.post("/sign-in", data={"email": email, "password": PASSWORD})
    response = client.get("/cohorts/all-on/evaluation")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Participation" in html and "Engagement" in html
    assert "turned off" not in html


def test_the_app_works_with_the_evaluation_turned_off(make_app, cohort, lead):
    other = make_app(DISABLED_PLUGINS=["evaluation"])
    client = other.test_client()
    from tests.conftest import PASSWORD

    client.post("/sign-in", data={"email": lead.email, "password": PASSWORD})
    assert client.get("/cohorts/north-2026/evaluation").status_code == 404
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "/evaluation" not in dashboard
    assert "evaluation.view" not in other.extensions["lms_capabilities"]
