"""Roster import is validated in full, all-or-nothing and idempotent; export round-trips."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.core import mail
from lms.core.models import Membership, TutorGroup, User
from lms.core.roster import HEADER, RosterInvalid, apply_roster, export_roster, parse_roster
from lms.extensions import db

GOOD = (
    ",".join(HEADER) + "\r\n"
    "aoife@example.org,Aoife,Byrne,trainee,voluntary,Carers Network,Support worker,"
    "Belfast,Group A,yes\r\n"
    "Bob@Example.org,Bob,Clarke,trainee,statutory,Belfast Trust,Social worker,"
    "Belfast,Group B,no\r\n"
    "cat@example.org,Cat,Doyle,tutor,statutory,Involving People,Tutor,,Group A,no\r\n"
)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def errors_of(data: bytes) -> list[str]:
    with pytest.raises(RosterInvalid) as caught:
        parse_roster(data)
    return [str(error) for error in caught.value.errors]


def test_import_creates_people_memberships_groups_and_invitations(app, make_cohort):
    cohort = make_cohort()
    result = apply_roster(cohort, parse_roster(GOOD.encode()))
    db.session.commit()
    assert sorted(result.added) == ["aoife@example.org", "bob@example.org", "cat@example.org"]
    assert count(User) == 3 and count(Membership) == 3
    assert sorted(g.name for g in db.session.scalars(select(TutorGroup))) == ["Group A", "Group B"]
    bob = db.session.scalar(select(Membership).join(User).where(User.email == "bob@example.org"))
    assert (bob.role, bob.sector, bob.tutor_group.name, bob.lived_experience) == (
        "trainee",
        "statutory",
        "Group B",
        False,
    )


def test_reimporting_the_same_file_changes_nothing(app, make_cohort):
    cohort = make_cohort()
    apply_roster(cohort, parse_roster(GOOD.encode()))
    db.session.commit()
    again = apply_roster(cohort, parse_roster(("\ufeff" + GOOD).encode()))
    db.session.commit()
    assert again.added == [] and again.updated == [] and len(again.unchanged) == 3
    assert count(User) == 3 and count(Membership) == 3


def test_a_changed_row_updates_the_member(app, make_cohort):
    cohort = make_cohort()
    apply_roster(cohort, parse_roster(GOOD.encode()))
    result = apply_roster(cohort, parse_roster(GOOD.replace("Group B", "Group A").encode()))
    assert result.updated == ["bob@example.org"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            GOOD.replace("aoife@example.org", "not-an-email"),
            "line 2: email: 'not-an-email' is not a valid email",
        ),
        (
            GOOD.replace("trainee,voluntary", "boss,voluntary"),
            "line 2: role: 'boss' is not one of trainee, tutor, lead",
        ),
        (GOOD.replace("voluntary", "private"), "line 2: sector: 'private' is not one of statutory"),
        (
            GOOD + GOOD.splitlines()[1] + "\r\n",
            "line 5: email: aoife@example.org is also on line 2",
        ),
        (GOOD.replace("email,given_name", "mail,given_name"), "line 1: the header must be exactly"),
        ("", "file: the file is empty"),
        (",".join(HEADER) + "\n", "file: the file has a header but no people"),
        (
            GOOD.replace("Carers Network", "=HYPERLINK(1)"),
            "line 2: organisation: must not start with =, +, -, @ or a tab",
        ),
        (GOOD.replace(",yes", ",maybe"), "line 2: lived_experience: 'maybe' is not yes or no"),
    ],
)
def test_bad_rows_are_named_by_line_and_field(app, data, expected):
    found = errors_of(data.encode())
    assert any(message.startswith(expected) for message in found), found


def test_non_utf8_bytes_are_refused_with_the_line(app):
    data = GOOD.encode().replace(b"Clarke", b"Cl\xe9rke")
    assert errors_of(data) == [
        "line 3: the file is not UTF-8 text: save it as 'CSV UTF-8' and try again"
    ]


def test_a_50_mb_file_is_refused_before_reading_rows(app):
    data = GOOD.encode() + b"x" * (50 * 1024 * 1024)
    assert errors_of(data) == ["file: the file is larger than 5 MB"]


def test_every_bad_row_is_listed_and_nothing_is_stored(
    client, login_as, make_cohort, make_membership
):
    cohort = make_cohort()
    lead = make_membership(cohort, role="lead")
    login_as(lead.user)
    bad = GOOD.replace("Bob@Example.org", "bob@").replace(
        "cat@example.org,Cat,Doyle,tutor", "cat@example.org,Cat,Doyle,chief"
    )
    response = client.post(
        f"/cohorts/{cohort.slug}/roster",
        data={"roster": (io.BytesIO(bad.encode()), "roster.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was imported: 2 problem(s) in the file" in page
    assert "is not a valid email" in page and "&#39;chief&#39; is not one of" in page
    assert count(User) == 1  # only the lead
    assert mail.outbox() == []


def test_upload_imports_invites_and_export_gives_the_same_format_back(
    client, login_as, make_cohort, make_membership
):
    cohort = make_cohort()
    lead = make_membership(cohort, role="lead", user=None)
    login_as(lead.user)
    response = client.post(
        f"/cohorts/{cohort.slug}/roster",
        data={"roster": (io.BytesIO(GOOD.encode("utf-8-sig")), "roster.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    members_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 added, 0 updated, 0 unchanged; 3 invitations sent" in members_page
    assert "Aoife Byrne" in members_page
    assert sorted(m.to for m in mail.outbox()) == [
        "aoife@example.org",
        "bob@example.org",
        "cat@example.org",
    ]
    exported = client.get(f"/cohorts/{cohort.slug}/roster.csv").get_data(as_text=True)
    rows = parse_roster(exported.encode("utf-8"))
    assert {row.email for row in rows} >= {
        "aoife@example.org",
        "bob@example.org",
        "cat@example.org",
    }
    again = apply_roster(cohort, [row for row in rows if row.role != "lead"])
    assert again.added == [] and again.updated == []


def test_cli_import_names_file_line_and_field(app, make_cohort, tmp_path):
    cohort = make_cohort()
    db.session.commit()
    path = tmp_path / "people.csv"
    path.write_text(GOOD.replace("trainee,voluntary", "boss,voluntary"))
    lms = Path(sys.executable).with_name("lms")
    env_db = {
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "LMS_SECRET_KEY": "k",
        "LMS_BASE_URL": "https://lms.example.org",
    }
    import os

    result = subprocess.run(
        [str(lms), "roster", "import", cohort.slug, str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, **env_db},
    )
    assert result.returncode == 1
    assert f"{path}:line 2: role: 'boss' is not one of trainee, tutor, lead" in result.stderr
    assert count(User) == 0
    path.write_text(GOOD)
    result = subprocess.run(
        [str(lms), "roster", "import", cohort.slug, str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, **env_db},
    )
    assert result.returncode == 0, result.stderr
    assert "3 added, 0 updated, 0 unchanged; 3 invitations sent." in result.stdout
    db.session.rollback()
    assert count(User) == 3


def test_export_round_trips_through_parse(app, make_cohort):
    cohort = make_cohort()
    apply_roster(cohort, parse_roster(GOOD.encode()))
    db.session.commit()
    members = db.session.scalars(select(Membership).where(Membership.cohort_id == cohort.id)).all()
    text = export_roster(cohort, members)
    assert text.splitlines()[0] == ",".join(HEADER)
    assert {row.email for row in parse_roster(text.encode())} == {
        "aoife@example.org",
        "bob@example.org",
        "cat@example.org",
    }


# -- issue 19, item 13: look-alike emails and over-long fields -----------------------------


def _cli_import(app, slug: str, path) -> subprocess.CompletedProcess:
    import os

    lms = Path(sys.executable).with_name("lms")
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "LMS_SECRET_KEY": "k",
        "LMS_MAIL_BACKEND": "memory",
        "LMS_BASE_URL": "https://lms.example.org",
    }
    return subprocess.run(
        [str(lms), "roster", "import", slug, str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_lookalike_emails_and_long_names_are_refused_by_the_cli(app, make_cohort, tmp_path):
    cohort = make_cohort()
    path = tmp_path / "people.csv"
    path.write_text(
        GOOD.replace("aoife@example.org", "\u0430oife@example.org")  # Cyrillic а
        .replace("Bob@Example.org", "\uff42ob@example.org")  # full-width b
        .replace("cat@example.org", "cat@ex\u0430mple.org")  # Cyrillic а in the domain
        + "dan@example.org,"
        + "D" * 150
        + ",Doe,trainee,other,,,,,no\r\n"
    )
    done = _cli_import(app, cohort.slug, path)
    assert done.returncode == 1
    errors = done.stderr
    assert (
        f"{path}:line 2: email: 'аoife@example.org' has 'а' (cyrillic small letter a) before "
        "the @: only plain ASCII letters, digits and punctuation are accepted there"
    ) in errors
    assert f"{path}:line 3: email: contains full-width or other look-alike characters" in errors
    assert f"{path}:line 4: email: 'cat@exаmple.org' mixes alphabets" in errors
    assert f"{path}:line 5: given_name: must be 100 characters or fewer (it has 150)" in errors
    db.session.rollback()
    assert count(User) == 0 and count(Membership) == 0


def test_the_upload_page_names_lookalike_emails(client_for, make_cohort, make_membership):
    cohort = make_cohort()
    lead = make_membership(cohort, role="lead")
    data = GOOD.replace("aoife@example.org", "\u0430oife@example.org")
    response = client_for(lead.user).post(
        f"/cohorts/{cohort.slug}/roster",
        data={"roster": (io.BytesIO(data.encode()), "roster.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was imported: 1 problem(s) in the file" in page
    assert "(cyrillic small letter a) before the @: only plain ASCII letters" in page
    assert count(User) == 1  # the lead only


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("organisation", "O" * 201, "Organisation must be 200 characters or fewer"),
        ("job_title", "Lead\r\nworker", "Job title must not contain line breaks"),
        ("area", "@SUM(A1)", "Area must not start with =, +, -, @ or a tab"),
    ],
)
def test_the_member_form_checks_every_field(
    client_for, make_cohort, make_membership, field, value, message
):
    cohort = make_cohort()
    lead = make_membership(cohort, role="lead")
    member = make_membership(cohort)
    response = client_for(lead.user).post(
        f"/cohorts/{cohort.slug}/members/{member.id}",
        data={"role": "trainee", "sector": "other", "tutor_group": "", field: value},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and f'href="#{field}"' in page
    db.session.expire_all()
    assert getattr(db.session.get(Membership, member.id), field) == ""


# -- issue 19, item 8: large rosters in bulk, all or nothing ------------------------------


def big_roster(rows: int, bad_line: int | None = None) -> str:
    lines = [",".join(HEADER)]
    for i in range(rows):
        email = "not-an-email" if bad_line == i + 2 else f"person{i}@roster.example.org"
        lines.append(
            f"{email},Given{i},Family{i},trainee,{('statutory', 'charity')[i % 2]},"
            f"Org {i % 40},Worker,Area {i % 7},Group {i % 25},{'yes' if i % 9 == 0 else 'no'}"
        )
    return "\r\n".join(lines) + "\r\n"


def test_a_3000_row_import_through_the_cli_is_all_or_nothing(app, make_cohort, tmp_path):
    cohort = make_cohort()
    path = tmp_path / "big.csv"
    path.write_text(big_roster(3000, bad_line=2999))
    done = _cli_import(app, cohort.slug, path)
    assert done.returncode == 1
    assert f"{path}:line 2999: email: 'not-an-email' is not a valid email" in done.stderr
    db.session.rollback()
    assert count(User) == 0 and count(Membership) == 0 and count(TutorGroup) == 0

    path.write_text(big_roster(3000))
    done = _cli_import(app, cohort.slug, path)
    assert done.returncode == 0, done.stderr
    assert "3000 added, 0 updated, 0 unchanged; 3000 invitations sent." in done.stdout
    db.session.rollback()
    assert count(User) == 3000 and count(Membership) == 3000 and count(TutorGroup) == 25
    person = db.session.scalar(
        select(Membership).join(User).where(User.email == "person7@roster.example.org")
    )
    assert (person.sector, person.organisation, person.tutor_group.name) == (
        "charity",
        "Org 7",
        "Group 7",
    )


def test_a_3000_row_upload_takes_a_bounded_number_of_queries(
    client_for, make_cohort, make_membership, count_queries
):
    cohort = make_cohort()
    lead = make_membership(cohort, role="lead")
    client = client_for(lead.user)

    def upload(text: str):
        with count_queries() as counter:
            response = client.post(
                f"/cohorts/{cohort.slug}/roster",
                data={"roster": (io.BytesIO(text.encode()), "roster.csv")},
                content_type="multipart/form-data",
            )
        return response, counter.count

    response, _ = upload(big_roster(3000, bad_line=1500))
    assert response.status_code == 400
    assert "Nothing was imported: 1 problem(s) in the file" in response.get_data(as_text=True)
    assert count(User) == 1 and count(Membership) == 1

    small, few = upload(big_roster(30))
    assert small.status_code == 302
    large, many = upload(big_roster(3000).replace("Worker", "Senior worker"))
    assert large.status_code == 302
    page = client.get(large.headers["Location"]).get_data(as_text=True)
    assert "2970 added, 30 updated, 0 unchanged; 2970 invitations sent." in page
    # Bulk statements: 100 times the rows costs a few more chunks, not a query a row.
    assert many <= few + 10, (few, many)
    assert count(User) == 3001 and count(Membership) == 3001
    assert len([m for m in mail.outbox() if "invited" in m.body]) == 3000


def test_a_workbook_is_read_as_its_first_sheet_with_rows_named_as_a_spreadsheet_does():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append([*HEADER, "evaluation_consent"])
    sheet.append(
        ["aoife@example.org", "Aoife", "Byrne", "trainee", "voluntary", "", "", "", 3, True, None]
    )
    sheet.append(
        [
            "bob@example.org",
            "Bob",
            "Clarke",
            "trainee",
            "statutory",
            "",
            "",
            "",
            "",
            "no",
            "",
            "extra",
        ]
    )
    book.create_sheet("Other").append(["not read"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert errors_of(buffer.getvalue()) == ["row 3: expected 11 columns, found 12"]
    sheet.delete_rows(3)
    buffer = io.BytesIO()
    book.save(buffer)
    (aoife,) = parse_roster(buffer.getvalue())
    # Numbers and ticks come through as the text a CSV export would hold.
    assert (aoife.tutor_group, aoife.lived_experience, aoife.evaluation_consent) == (
        "3",
        True,
        None,
    )
    assert errors_of(b"PK\x03\x04 broken")[0].startswith("file: the file is not an Excel workbook")
