"""Issue 19, item 6: words a trainee types as a formula reach the evaluation's CSV zip,
XLSX and coded-excerpts CSV as text, never as a formula."""

from __future__ import annotations

import csv
import io
import zipfile

from openpyxl import load_workbook

FORMULA = '=HYPERLINK("http://evil.example","Open")'


def test_a_coded_formula_is_exported_as_text(world, clients, client_for):
    from lms.plugins.evaluation import coding
    from lms.plugins.reflections import services

    slug = world.slug
    victim = client_for(world.victim.user)
    week = 2
    answers = {
        f"answer_{p.id}": f"{FORMULA} {p.id}" for p in services.prompts_for(world.victim.cohort, 2)
    }
    entry = services.entry_of(world.victim, week)
    based_on = str(entry.current_version if entry else 0)
    saved = victim.post(
        f"/cohorts/{slug}/reflections/weeks/{week}",
        data={**answers, "based_on": based_on, "submit_entry": "Submit reflection"},
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[:500]
    shared = victim.post(
        f"/cohorts/{slug}/reflections/weeks/{week}/sharing",
        data={"sharing": "tutors", "evaluation_consent": "y"},
    )
    assert shared.status_code == 302
    # The source key of one answer, as the lead's texts page links to it.
    source = next(
        t.source
        for t in coding.codable_texts(world.victim.cohort).values()
        if t.text.startswith(FORMULA)
    )
    lead = clients["lead"]
    coded = lead.post(
        f"/cohorts/{slug}/evaluation/texts/{source}",
        data={"excerpt": FORMULA, "themes": [str(world.ids["theme"])]},
    )
    assert coded.status_code == 302, coded.get_data(as_text=True)[:800]

    excerpts = lead.get(f"/cohorts/{slug}/evaluation/coded-excerpts.csv")
    assert excerpts.status_code == 200
    cells = [row[-1] for row in csv.reader(io.StringIO(excerpts.get_data(as_text=True)))]
    assert "'" + FORMULA in cells and FORMULA not in cells

    archive = zipfile.ZipFile(io.BytesIO(lead.get(f"/cohorts/{slug}/evaluation/report.zip").data))
    for name in archive.namelist():
        if name.endswith(".csv"):
            for row in csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))):
                assert not any(cell.startswith(("=", "@", "\t", "\r")) for cell in row), name
    rows = csv.reader(io.StringIO(archive.read("coded-excerpts.csv").decode("utf-8-sig")))
    assert "'" + FORMULA in [row[-1] for row in rows]

    book = load_workbook(io.BytesIO(lead.get(f"/cohorts/{slug}/evaluation/report.xlsx").data))
    values = [c.value for sheet in book for row in sheet.iter_rows() for c in row]
    assert "'" + FORMULA in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
