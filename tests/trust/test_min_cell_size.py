"""MIN_CELL_SIZE is one setting that every output obeys.

A finished cohort of nine consenting trainees, with a whole programme's data made by the
plugins' own demo seeding: at MIN_CELL_SIZE=10 no figure of any kind may appear in any table
of any plugin, page, export format or API response, since every figure is about nine people
or fewer. At the default of 5 the same outputs are full of figures, so the check can fail.
(Pages that list named people to run the course, such as a register, are not figures.)
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date

import pytest
from docx import Document
from lxml import html
from openpyxl import load_workbook

from lms.core.cohorts import CohortPlan, create_cohort
from lms.core.models import Cohort
from lms.extensions import db
from tests import conftest

START = date(2025, 9, 1)  # a Monday: the whole 35 weeks are over by the tests' today
TRAINEES = [
    ("statutory", "Belfast", "Group A"),
    ("statutory", "Belfast", "Group B"),
    ("statutory", "Derry", "Group A"),
    ("statutory", "Glasgow", "Group B"),
    ("voluntary", "Belfast", "Group A"),
    ("voluntary", "Glasgow", "Group B"),
    ("voluntary", "Derry", "Group A"),
    ("charity", "Belfast", "Group B"),
    ("charity", "Glasgow", "Group A"),
]
NUMBER = re.compile(r"^[<>≈~−-]?\s*\d[\d,]*(\.\d+)?\s*%?$")


@pytest.fixture
def app_config(migrated, tmp_path) -> dict:
    return {**conftest.test_config(migrated, tmp_path), "MIN_CELL_SIZE": 10}


@pytest.fixture
def small_cohort(app, make_user, make_membership):
    lead = make_user("lead@example.org")
    cohort = create_cohort(
        CohortPlan("Nine people", "nine", "involving-people", START, START.weekday()), lead=lead
    )
    db.session.commit()
    for group in ("Group A", "Group B"):
        make_membership(cohort, "tutor", group=group)
    for sector, area, group in TRAINEES:
        make_membership(cohort, sector=sector, area=area, group=group, evaluation_consent=True)
    # The shipped demo seeding: reflections, feedback, surveys, initiatives, registers.
    app.extensions["lms"].hook.lms_demo_data(cohort=cohort)
    db.session.commit()
    return cohort, lead


def is_figure(value) -> bool:
    """A number someone could read as a figure (zero says "nobody": always allowed)."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int | float):
        return value != 0
    text = str(value).strip()
    return bool(NUMBER.match(text)) and any(ch in "123456789" for ch in text)


def table_cells(rows: list[list], labels: int = 1) -> list:
    """Every cell but the row labels (the first `labels` columns: week, rung, status)."""
    return [cell for row in rows for cell in row[labels:]]


def page_figures(client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, path
    tree = html.fromstring(response.get_data(as_text=True))
    found = []
    for row in tree.xpath("//table//tr"):
        cells = [" ".join(c.text_content().split()) for c in row.xpath("./td")]
        # Row headers are <th>; where a table has none, its first cell is the label.
        labels = 0 if row.xpath("./th") else 1
        found += [f"{path}: {cell}" for cell in cells[labels:] if is_figure(cell)]
    return found


def evaluation_figures(app, client, slug: str) -> list[str]:
    found = []
    for plugin_tables in app.extensions["lms"].hook.lms_evaluation_tables(
        cohort=db.session.query(Cohort).filter_by(slug=slug).one()
    ):
        for table in plugin_tables:
            labels = 2 if table.get("key") == "initiatives-barriers-enablers" else 1
            found += [
                f"table {table['title']}: {cell!r}"
                for cell in table_cells(table["rows"], labels)
                if is_figure(cell)
            ]

    xlsx = client.get(f"/cohorts/{slug}/evaluation/report.xlsx")
    assert xlsx.status_code == 200
    for sheet in load_workbook(io.BytesIO(xlsx.get_data())).worksheets:
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        if not rows or rows[0][:1] in (["About"], ["Contents"], [None]):
            continue
        labels = 2 if rows[0][:2] == ["Kind", "Tag"] else 1
        found += [
            f"xlsx {sheet.title}: {cell!r}"
            for cell in table_cells(rows[1:], labels)
            if is_figure(cell)
        ]

    archive = client.get(f"/cohorts/{slug}/evaluation/report.zip")
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.get_data())) as files:
        for name in files.namelist():
            if not name.endswith(".csv") or name in {"data-dictionary.csv", "coded-excerpts.csv"}:
                continue
            rows = list(csv.reader(io.StringIO(files.read(name).decode("utf-8-sig"))))
            labels = 2 if rows[0][:2] == ["Kind", "Tag"] else 1
            found += [
                f"zip {name}: {cell!r}" for cell in table_cells(rows[1:], labels) if is_figure(cell)
            ]

    docx = client.get(f"/cohorts/{slug}/evaluation/report.docx")
    assert docx.status_code == 200
    for table in Document(io.BytesIO(docx.get_data())).tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        labels = 2 if rows[0][:2] == ["Kind", "Tag"] else 1
        found += [f"docx: {cell!r}" for cell in table_cells(rows[1:], labels) if is_figure(cell)]

    found += page_figures(client, f"/cohorts/{slug}/evaluation")
    found += page_figures(client, f"/cohorts/{slug}/evaluation/report")
    return found


def survey_figures(client, slug: str) -> list[str]:
    found = page_figures(client, f"/cohorts/{slug}/surveys/results")
    for path in (
        f"/cohorts/{slug}/surveys/results.csv",
        f"/cohorts/{slug}/surveys/results.csv?by=sector",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        for row in csv.DictReader(io.StringIO(response.get_data(as_text=True))):
            found += [
                f"{path} {key}: {value}"
                for key, value in row.items()
                if key not in {"item", "group_by", "group", "from_wave", "to_wave", "instrument"}
                and is_figure(value)
            ]
    return found


def api_figures(client, slug: str, token: str) -> list[str]:
    response = client.get(
        f"/api/v1/cohorts/{slug}/survey-results", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    found = []

    def walk(value, where):
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in {"week", "position", "scale_min", "scale_max", "min_cell_size"}:
                    walk(item, f"{where}.{key}")
        elif isinstance(value, list):
            for item in value:
                walk(item, where)
        elif is_figure(value):
            found.append(f"api {where}: {value!r}")

    walk(json.loads(response.get_data(as_text=True)), "")
    return found


def every_figure(app, client, slug, token) -> dict[str, list[str]]:
    return {
        "evaluation": evaluation_figures(app, client, slug),
        "surveys": survey_figures(client, slug),
        "initiatives": page_figures(client, f"/cohorts/{slug}/initiatives/overview"),
        "api": api_figures(client, slug, token),
    }


def api_token(client) -> str:
    response = client.post("/account/api-tokens", data={"name": "figures", "scope": "read"})
    assert response.status_code == 200
    match = re.search(r'value="(ipl_[^"]+)"', response.get_data(as_text=True))
    assert match, "the new token is shown once"
    return match.group(1)


def test_nothing_about_fewer_than_ten_people_anywhere(app, small_cohort, client_for):
    cohort, lead = small_cohort
    client = client_for(lead)
    token = api_token(client)

    found = every_figure(app, client, cohort.slug, token)
    assert not any(found.values()), found

    # The same data at the default threshold of 5 (the setting is read on each use): the
    # outputs do carry figures, from every source, so the check above could have failed.
    app.config["MIN_CELL_SIZE"] = 5
    shown = every_figure(app, client, cohort.slug, token)
    assert all(shown.values()), {source: len(figures) for source, figures in shown.items()}
