"""`lms attendance import` (all or nothing, errors naming file, line and field) and
`lms completion report`, run as a person would: the installed command."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from lms.extensions import db
from lms.plugins.sessions import register

LMS = Path(sys.executable).parent / "lms"


def run_lms(app, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "LMS_SECRET_KEY": "k",
        "LMS_TODAY": "2026-11-18",
    }
    return subprocess.run([str(LMS), *args], capture_output=True, text=True, env=env, timeout=120)


def test_a_paper_register_is_imported_all_or_nothing(app, cohort, trainees, tmp_path):
    aoife, ben = trainees[0].user.email, trainees[1].user.email
    path = tmp_path / "register.csv"
    path.write_text(
        "email,week,status\n"
        f"{aoife},1,present\n"
        f"{ben},1,asleep\n"
        f"nobody@example.org,2,late\n"
        f"{aoife},40,absent\n"
        f"{aoife},1,late\n"
    )
    db.session.commit()
    result = run_lms(app, "attendance", "import", "autumn", str(path))
    assert result.returncode == 1
    assert (
        f"{path}:3: status: 'asleep' is not one of present, late, absent, apologies"
        in result.stderr
    )
    assert f"{path}:4: email: 'nobody@example.org' is not a trainee of Autumn 2026" in result.stderr
    assert f"{path}:5: week: '40' is not a week from 1 to 35" in result.stderr
    assert f"{path}:6: week: week 1 for {aoife} is also on line 2" in result.stderr
    assert "Nothing was imported: 4 problems" in result.stderr
    db.session.rollback()
    assert register.attendance_of(trainees[0]) == {}

    path.write_text(
        f"Email,Week,Status\n{aoife},1,present\n{ben},1,Apologies\n{aoife.upper()},2,late\n"
    )
    result = run_lms(app, "attendance", "import", "autumn", str(path))
    assert result.returncode == 0, result.stderr
    assert "Imported 3 attendance marks into Autumn 2026." in result.stdout
    db.session.rollback()
    assert register.attendance_of(trainees[0]) == {1: "present", 2: "late"}
    assert register.attendance_of(trainees[1]) == {1: "apologies"}


def test_an_unknown_cohort_or_header_is_refused(app, cohort, tmp_path):
    path = tmp_path / "register.csv"
    path.write_text("name,week\n")
    db.session.commit()
    result = run_lms(app, "attendance", "import", "nowhere", str(path))
    assert result.returncode == 1 and "There is no cohort 'nowhere'" in result.stderr
    result = run_lms(app, "attendance", "import", "autumn", str(path))
    assert f"{path}:1: the first line must be: email,week,status" in result.stderr


def test_the_completion_report(app, cohort, tutor, trainees, tmp_path):
    from tests.plugins.sessions.conftest import mark

    for week in range(1, 11):
        mark(trainees[0], week, "present", tutor.user)
    output = tmp_path / "completion.csv"
    result = run_lms(app, "completion", "report", "autumn", "-o", str(output))
    assert result.returncode == 0, result.stderr
    assert "Wrote 6 trainees" in result.stderr
    rows = list(csv.DictReader(io.StringIO(output.read_text())))
    assert [r["name"] for r in rows][:2] == ["Aoife Byrne", "Ben Clarke"]
    first = rows[0]
    assert first["attendance"] == "not met: 10 of 10 sessions (100%)"
    assert first["reflections"] == "not met: 0 of 30 submitted"
    assert first["status"] == "At risk"  # no reflections by week 11
    printed = run_lms(app, "completion", "report", "autumn")
    assert printed.stdout.splitlines()[0].startswith("name,email,tutor_group,status,cpd_hours")
