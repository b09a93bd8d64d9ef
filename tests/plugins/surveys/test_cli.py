"""`lms surveys import` (all or nothing) and `lms surveys results`."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from lms.extensions import db
from lms.plugins.surveys.analysis import CSV_HEADER
from lms.plugins.surveys.models import SurveyResponse
from tests.plugins.surveys.conftest import LIKERT


def _file(tmp_path, rows) -> str:
    path = tmp_path / "paper.csv"
    header = ["email", "wave", *LIKERT, "helps_most"]
    lines = [",".join(header)] + [",".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(SurveyResponse))


def test_a_clean_file_is_imported_as_submitted_responses(
    app, tmp_path, make_cohort, make_membership
):
    cohort = make_cohort()
    a, b = make_membership(cohort), make_membership(cohort)
    path = _file(
        tmp_path,
        [
            [a.user.email, "pre", *["3"] * 11, "Time"],
            [b.user.email.upper(), "pre", *["2"] * 10, "", ""],
            [a.user.email, "post", *["4"] * 11, ""],
        ],
    )
    result = app.test_cli_runner().invoke(
        args=["surveys", "import", cohort.slug, "confidence", path]
    )
    assert result.exit_code == 0, result.output
    assert "Imported 3 responses" in result.output
    responses = db.session.scalars(select(SurveyResponse)).all()
    assert len(responses) == 3 and all(r.is_submitted for r in responses)


def test_bad_rows_are_all_reported_and_nothing_is_stored(
    app, tmp_path, make_cohort, make_membership, add_response
):
    cohort = make_cohort()
    a = make_membership(cohort)
    add_response(a, "post", 3)
    path = _file(
        tmp_path,
        [
            [a.user.email, "pre", *["3"] * 11, ""],
            ["stranger@example.org", "pre", *["3"] * 11, ""],
            [a.user.email, "later", *["3"] * 11, ""],
            [a.user.email, "pre", *["3"] * 11, ""],  # second answer to the same wave
            [a.user.email, "post", *["3"] * 11, ""],  # already answered in the app
            [a.user.email, "mid", "9", *["3"] * 10, ""],
        ],
    )
    result = app.test_cli_runner().invoke(
        args=["surveys", "import", cohort.slug, "confidence", path]
    )
    assert result.exit_code == 1
    out = result.output
    assert "nothing was imported" in out
    assert ":3: email: stranger@example.org is not in the cohort" in out
    assert ":4: wave: later is not a wave of confidence" in out
    assert f":5: wave: {a.user.email} has already answered pre" in out
    assert f":6: wave: {a.user.email} has already answered post" in out
    assert ":7: explain_coproduction: Question 1: select one of the answers given" in out
    assert _count() == 1


def test_unknown_columns_are_refused(app, tmp_path, make_cohort):
    cohort = make_cohort()
    path = tmp_path / "bad.csv"
    path.write_text("email,wave,shoe_size\n")
    result = app.test_cli_runner().invoke(
        args=["surveys", "import", cohort.slug, "confidence", str(path)]
    )
    assert result.exit_code == 1 and "has no question with id shoe_size" in result.output


def test_results_command_writes_the_csv(app, make_cohort, make_membership, add_response):
    cohort = make_cohort()
    for index in range(6):
        member = make_membership(cohort, evaluation_consent=True, sector="charity")
        add_response(member, "pre", 2)
        add_response(member, "post", 3 + index % 2)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["surveys", "results", cohort.slug, "confidence"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert tuple(rows[0]) == CSV_HEADER
    scale = [row for row in rows if row[2] == "scale"][0]
    assert scale[:4] == ["all", "all", "scale", "6"] and float(scale[6]) == 1.5
    by = runner.invoke(args=["surveys", "results", cohort.slug, "confidence", "--by", "sector"])
    assert "sector,charity,scale,6," in by.output
    bad = runner.invoke(args=["surveys", "results", cohort.slug, "confidence", "--from", "x"])
    assert bad.exit_code != 0 and "x is not a wave" in bad.output
