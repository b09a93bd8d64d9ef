"""A national roster import: time, SQL statements and how long the write lock is held.

    python -m benchmarks.roster_import [--rows 20000] [--runs 3]

Issue 19 asks that 20,000 rows import in under 3 s on SQLite without holding up anyone
else's saves. Each run imports a fresh cohort's roster (every row a new person) in a
fresh SQLite database, timing the whole import as the CLI does it (checking the file,
then the bulk writes and the commit, then the invitations after the commit) and,
separately, the part that holds the write lock. The baseline, measured the same way in
the same run, is the same number of rows written with one plain `executemany` into a
table of the same columns: the floor any import on this machine stands on. Prints JSON.
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

HEADER = (
    "email,given_name,family_name,role,sector,organisation,job_title,area,tutor_group,"
    "lived_experience"
)
SECTORS = ("statutory", "voluntary", "charity", "other")


def roster_csv(rows: int, run: int) -> bytes:
    lines = [HEADER]
    for i in range(rows):
        lines.append(
            f"p{run}-{i}@example.org,Given{i},Family{i},trainee,{SECTORS[i % 4]},Org {i % 50},"
            f"Support worker,Area {i % 7},Group {i % 1000},{'yes' if i % 9 == 0 else 'no'}"
        )
    return ("\n".join(lines) + "\n").encode()


def measure(rows: int, runs: int) -> dict:
    folder = tempfile.mkdtemp(prefix="lms-bench-roster-")
    os.environ.update({"LMS_INSTANCE_PATH": folder, "LMS_MAIL_BACKEND": "memory"})
    try:
        return _measure(rows, runs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _measure(rows: int, runs: int) -> dict:
    from sqlalchemy import event, text

    from lms import create_app
    from lms.core import mail
    from lms.core.accounts import send_invitations
    from lms.core.cohorts import CohortPlan, create_cohort
    from lms.core.roster import apply_roster, parse_roster
    from lms.extensions import db
    from lms.migrations_support import upgrade_database

    app = create_app({"RATELIMIT_ENABLED": False})
    statements: list[str] = []
    totals, locked, checking, inviting, baseline, counts = [], [], [], [], [], []
    with app.app_context():
        upgrade_database()
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        for run in range(runs + 1):  # the first run warms up (imports, caches): untimed
            data = roster_csv(rows, run)
            cohort = create_cohort(
                CohortPlan(f"Run {run}", f"run-{run}", "involving-people", date(2027, 9, 6), 0)
            )
            db.session.commit()
            statements.clear()
            started = time.perf_counter()
            parsed = parse_roster(data)
            checked = time.perf_counter()
            result = apply_roster(cohort, parsed)
            db.session.commit()
            committed = time.perf_counter()
            send_invitations(result.invited, f"Run {run}")
            finished = time.perf_counter()
            mail.outbox().clear()
            assert len(result.added) == rows  # noqa: S101 - a benchmark checks its own work
            # The floor: the same rows, plain executemany into a bare table, one commit.
            with db.engine.begin() as sql:
                sql.execute(text("DROP TABLE IF EXISTS roster_floor"))
                sql.execute(text("CREATE TABLE roster_floor (a, b, c, d, e, f, g, h, i, j)"))
            floor_started = time.perf_counter()
            with db.engine.begin() as sql:
                sql.exec_driver_sql(
                    "INSERT INTO roster_floor VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [tuple(line.split(",")) for line in data.decode().splitlines()[1:]],
                )
            floor_s = time.perf_counter() - floor_started
            if run == 0:
                continue
            totals.append(finished - started)
            checking.append(checked - started)
            locked.append(committed - checked)
            inviting.append(finished - committed)
            baseline.append(floor_s)
            counts.append(len(statements))
    median = statistics.median
    return {
        "rows": rows,
        "bytes": len(data),
        "runs": runs,
        "import_s": round(median(totals), 3),
        "checking_file_s": round(median(checking), 3),
        "write_lock_held_s": round(median(locked), 3),
        "invitations_after_commit_s": round(median(inviting), 3),
        "plain_executemany_s": round(median(baseline), 3),
        "write_lock_to_plain_executemany": round(median(locked) / median(baseline), 1),
        "sql_statements": max(counts),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(measure(args.rows, args.runs)))


if __name__ == "__main__":
    main()
