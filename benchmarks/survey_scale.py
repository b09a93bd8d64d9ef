"""Survey results for one cohort of 10,000 members: time and SQL statements.

    python -m benchmarks.survey_scale [--members 10000] [--runs 5]

Issue 6 asks that a cohort of 10,000 members gets its results "in well under a second
and in a fixed number of SQL queries". The national dataset has cohorts of 200, so this
seeds its own: one finished cohort of `--members` trainees (tutor groups of 20, 70%
consenting) with start, middle and end surveys only, in a fresh SQLite database. It
then times, in process (median of `--runs`, after one untimed run), what the results
page computes (paired results, charts, the scale by sector), the CSV download overall
and by each breakdown, and the whole page through the test client. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from datetime import date

TODAY = date(2027, 6, 16)


def _timed(action, runs: int, statements: list) -> dict:
    from lms.extensions import db

    action()  # warm: imports, curriculum, SQLite page cache
    seconds, counts = [], []
    for _ in range(runs):
        db.session.expire_all()
        statements.clear()
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
        counts.append(len(statements))
    return {
        "median_ms": round(statistics.median(seconds) * 1000, 1),
        "max_ms": round(max(seconds) * 1000, 1),
        "sql_statements": max(counts),
    }


def measure(members: int, runs: int) -> dict:
    folder = tempfile.mkdtemp(prefix="lms-bench-surveys-")
    os.environ.update(
        {"LMS_INSTANCE_PATH": folder, "LMS_TODAY": TODAY.isoformat(), "LMS_MAIL_BACKEND": "memory"}
    )
    try:
        return _measure(members, runs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _measure(members: int, runs: int) -> dict:
    from sqlalchemy import event, func, select

    from benchmarks.seed import PASSWORD, seed
    from lms import create_app
    from lms.core.curriculum_loader import programme
    from lms.core.models import Cohort, Membership
    from lms.extensions import db
    from lms.migrations_support import upgrade_database
    from lms.plugins.surveys import exports
    from lms.plugins.surveys.models import SurveyResponse

    app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade_database()
        started = time.perf_counter()
        seed(members, 1, today=TODAY, label="big", under_way=(), with_work=False)
        seed_s = time.perf_counter() - started
        cohort = db.session.scalar(select(Cohort))
        responses = db.session.scalar(select(func.count()).select_from(SurveyResponse))
        lead = db.session.scalar(
            select(Membership).where(Membership.cohort_id == cohort.id, Membership.role == "lead")
        )
        lead_email, slug = lead.user.email, cohort.slug

    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    figures: dict = {}
    with app.test_request_context():
        cohort = db.session.scalar(select(Cohort))
        instrument = programme(cohort.programme).instruments["confidence"]
        figures["results page work (items, charts, scale by sector)"] = _timed(
            lambda: exports.results(cohort, instrument, "pre", "post", by="sector"),
            runs,
            statements,
        )
        for by in (None, "sector", "area", "tutor_group"):
            figures[f"CSV by {by or 'nothing'}"] = _timed(
                lambda by=by: exports.results_rows(cohort, instrument, "pre", "post", by=by),
                runs,
                statements,
            )

    client = app.test_client()
    signed_in = client.post("/sign-in", data={"email": lead_email, "password": PASSWORD})
    assert signed_in.status_code == 302, "the lead could not sign in"  # noqa: S101

    def page():
        response = client.get(f"/cohorts/{slug}/surveys/results")
        assert response.status_code == 200 and b"How answers moved" in response.data  # noqa: S101

    with app.app_context():
        figures["whole results page (test client)"] = _timed(page, runs, statements)
    return {
        "members": members,
        "responses": responses,
        "seed_s": round(seed_s, 1),
        "figures": figures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(measure(args.members, args.runs)))


if __name__ == "__main__":
    main()
