"""Issue 19, item 6: one writer for every CSV and XLSX, which never lets a cell run as a
formula; every export goes through it, and typed names cannot start a formula."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from lms.core.models import Membership, TutorGroup, User
from lms.core.roster import export_roster
from lms.core.spreadsheets import Sheet, csv_text, safe_cell, xlsx_bytes
from lms.extensions import db

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def test_every_formula_start_is_neutralised_and_numbers_are_left_alone():
    for cell in HOSTILE:
        assert safe_cell(cell) == "'" + cell
    assert [safe_cell(c) for c in ("-1.5", "+2", "-3e4", -7, 1.5, None, "plain")] == [
        "-1.5",
        "+2",
        "-3e4",
        -7,
        1.5,
        None,
        "plain",
    ]
    rows = list(csv.reader(io.StringIO(csv_text([["head"], *([c] for c in HOSTILE)]))))
    assert [row[0] for row in rows[1:]] == ["'" + c for c in HOSTILE]
    book = load_workbook(io.BytesIO(xlsx_bytes([Sheet("S", [[c] for c in HOSTILE])])))
    assert [row[0].value for row in book["S"].iter_rows()] == ["'" + c for c in HOSTILE]


def test_the_roster_export_neutralises_names_stored_before_they_were_checked(app):
    # Unsaved objects: names an earlier version let in, which no page can store now.
    user = User(email="old@example.org", given_name="=cmd|' /C calc'!A0", family_name="-2+3")
    member = Membership(user=user, role="trainee", sector="other", organisation="@SUM(1)")
    member.job_title, member.area, member.lived_experience = "", "", False
    rows = list(csv.reader(io.StringIO(export_roster(None, [member]))))
    assert rows[1][1:3] == ["'=cmd|' /C calc'!A0", "'-2+3"]
    assert rows[1][5] == "'@SUM(1)"


def _lead(make_cohort, make_membership):
    cohort = make_cohort()
    return cohort, make_membership(cohort, role="lead")


def test_the_upload_page_refuses_a_leading_minus(client_for, make_cohort, make_membership):
    cohort, lead = _lead(make_cohort, make_membership)
    client = client_for(lead.user)
    data = (
        "email,given_name,family_name,role,sector,organisation,job_title,area,tutor_group,"
        "lived_experience\nnew@example.org,New,Person,trainee,charity,-2+3+cmd|' /C calc'!A0,"
        ",,,no\n"
    )
    response = client.post(
        f"/cohorts/{cohort.slug}/roster",
        data={"roster": (io.BytesIO(data.encode()), "r.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    cells = [c.strip() for c in re.findall(r'govuk-table__cell">([^<]*)<', page)]
    assert cells == ["2", "organisation", "must not start with =, +, -, @ or a tab"]
    assert db.session.scalar(select(User).where(User.email == "new@example.org")) is None


def test_member_and_tutor_group_forms_refuse_formulas(client_for, make_cohort, make_membership):
    cohort, lead = _lead(make_cohort, make_membership)
    member = make_membership(cohort, organisation="Carers Network")
    client = client_for(lead.user)
    formula = '=HYPERLINK("http://evil.example","Click")'
    response = client.post(
        f"/cohorts/{cohort.slug}/members/{member.id}",
        data={"role": "trainee", "sector": "other", "tutor_group": "", "organisation": formula},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Organisation must not start with =, +, -, @ or a tab" in page
    assert 'class="govuk-error-message"' in page
    db.session.expire_all()
    assert db.session.get(Membership, member.id).organisation == "Carers Network"

    response = client.post(f"/cohorts/{cohort.slug}/groups", data={"name": formula})
    assert response.status_code == 400
    assert "must not start with =, +, -, @ or a tab" in response.get_data(as_text=True)
    assert db.session.scalars(select(TutorGroup)).all() == []


def test_roster_and_audit_downloads_are_written_by_the_one_writer(
    client_for, make_cohort, make_membership, make_user, monkeypatch
):
    from lms.core import spreadsheets

    written = []
    real = spreadsheets.safe_cell
    monkeypatch.setattr(spreadsheets, "safe_cell", lambda c: written.append(c) or real(c))
    cohort, lead = _lead(make_cohort, make_membership)
    make_membership(cohort, organisation="Carers Network")
    roster = client_for(lead.user).get(f"/cohorts/{cohort.slug}/roster.csv")
    assert roster.status_code == 200 and "Carers Network" in written
    written.clear()
    audit = client_for(make_user(admin=True)).get("/admin/audit.csv")
    assert audit.status_code == 200 and "data.exported" in written


def test_formatted_columns_keep_numbers_numeric_and_text_safe():
    """Issue 18: the workbook stored figures as text; a formatted column stores numbers
    (with its number format) and still neutralises a formula."""
    sheet = Sheet(
        "S",
        [["p", "mean"], [0.00006, "3.10"], ["=1+1", "fewer than 5"], ["-0.25", 2]],
        formats={0: "p", 1: "decimal2"},
        data_from=1,
        freeze="A2",
    )
    book = load_workbook(io.BytesIO(xlsx_bytes([sheet])))["S"]
    assert book.freeze_panes == "A2"
    assert book["A2"].data_type == "n" and book["A2"].number_format == "0.000000"
    assert book["B2"].value == 3.1 and book["B2"].number_format == "0.00"
    assert book["A3"].value == "'=1+1" and book["B3"].value == "fewer than 5"
    assert book["A4"].value == -0.25 and book["B4"].data_type == "n"
