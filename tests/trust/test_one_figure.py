"""Issue 18: week 1 submissions were 14 in one table, 13 + "fewer than 5" in another and 10
in a third. A figure shown in several tables comes from one function and agrees in every
table and every format."""

from __future__ import annotations

import csv
import io
import zipfile

from docx import Document
from lxml import html
from openpyxl import load_workbook

from lms.extensions import db
from lms.plugins.reflections import services

# Where week 1's submitted reflections appear: (table key, column).
PLACES = [
    ("reflections-weekly", "Submitted"),
    ("engagement-rates", "Submitted"),
]


def submit(membership, week: int) -> None:
    """Through the service the reflection page posts to."""
    prompts = services.prompts_for(membership.cohort, week)
    services.save(
        membership, week, {p.id: "What I learnt this week." for p in prompts}, 0, submit=True
    )
    db.session.commit()


def week_one(rows: list[list], columns: list[str], column: str):
    row = next(r for r in rows if str(r[0]) == "1")
    return str(row[columns.index(column)])


def test_week_one_submissions_agree_in_every_table_and_format(
    make_cohort, make_membership, client_for
):
    cohort = make_cohort()  # began in September: week 1 is long over
    lead = make_membership(cohort, "lead")
    trainees = [make_membership(cohort, evaluation_consent=True) for _ in range(15)]
    make_membership(cohort, evaluation_consent=False)  # submits, but is never counted
    for trainee in trainees[:10]:
        submit(trainee, 1)
    submit(cohort.memberships[-1], 1)
    client = client_for(lead.user)
    seen: dict[str, str] = {}

    xlsx = client.get(f"/cohorts/{cohort.slug}/evaluation/report.xlsx")
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.get_data()))
    archive = client.get(f"/cohorts/{cohort.slug}/evaluation/report.zip")
    assert archive.status_code == 200
    files = zipfile.ZipFile(io.BytesIO(archive.get_data()))
    for key, column in PLACES:
        sheet = [list(r) for r in workbook[key].iter_rows(values_only=True)]
        header = next(i for i, r in enumerate(sheet) if r[0] == "Week")
        seen[f"xlsx {key}"] = week_one(sheet[header + 1 :], sheet[header], column)
        rows = list(csv.reader(io.StringIO(files.read(f"{key}.csv").decode("utf-8-sig"))))
        seen[f"csv {key}"] = week_one(rows[1:], rows[0], column)
    heatmap = [list(r) for r in workbook["engagement-heatmap"].iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(heatmap) if r[0] == "Week")
    on_time, late = (
        int(week_one(heatmap[header + 1 :], heatmap[header], c))
        for c in ("Submitted on time", "Submitted late")
    )
    seen["xlsx heatmap on time + late"] = str(on_time + late)

    docx = client.get(f"/cohorts/{cohort.slug}/evaluation/report.docx")
    assert docx.status_code == 200
    for table in Document(io.BytesIO(docx.get_data())).tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows[0][:2] == ["Week", "Submitted"] or rows[0][:3] == [
            "Week",
            "Trainees (week open)",
            "Submitted",
        ]:
            seen[f"docx {rows[0][1]}"] = week_one(rows[1:], rows[0], "Submitted")

    for path in ("evaluation", "evaluation/report"):
        response = client.get(f"/cohorts/{cohort.slug}/{path}")
        assert response.status_code == 200
        for table in html.fromstring(response.get_data(as_text=True)).xpath("//table"):
            columns = [" ".join(th.text_content().split()) for th in table.xpath(".//thead//th")]
            if "Submitted" not in columns or columns[0] != "Week":
                continue
            rows = [
                [" ".join(c.text_content().split()) for c in tr.xpath("./th|./td")]
                for tr in table.xpath(".//tbody/tr")
            ]
            seen[f"{path} {columns[1]}"] = week_one(rows, columns, "Submitted")

    # Ten of the fifteen consenting trainees: the one who did not consent is not counted.
    assert len(seen) >= 9, seen
    assert set(seen.values()) == {"10"}, seen
