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
            "line 2: organisation: must not start with =, + or @",
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
