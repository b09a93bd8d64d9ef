"""`make bench`: the national dataset, served by gunicorn, measured against baselines.

    python -m benchmarks.run [--members 10000] [--cohorts 50] [--data DIR] [--quick]

1. A fresh SQLite database (in --data, default a temporary folder) is migrated and
   seeded with `lms bench seed` (skipped when --data already holds a seeded one).
2. The LMS (`wsgi:app`) and the baselines (`benchmarks.baseline_app`) are served by
   gunicorn, 2 sync workers each, on loopback; today's date is pinned so every run
   sees the same course weeks.
3. Latency: each heavy page is requested one at a time (median and p95 of the client's
   wall time), with the minimal base-template page and the bare Flask page measured
   the same way in the same run; ratios are page / baseline.
4. Throughput: `wrk` (4 threads, 4 connections) on the trainee dashboard, on saving a
   draft (benchmarks/save_draft.lua) and on the bare Flask page.
5. Memory: the peak RSS (VmHWM) of each LMS worker after the load.
6. Evaluation report for every cohort (all members), in process.
7. Survey results for one cohort of 10,000 members (`benchmarks/survey_scale.py`, its
   own database), with the SQL statements they take.
8. Start-up: importing the package and creating the app in a fresh interpreter.
9. Roster import of 20,000 rows (`benchmarks/roster_import.py`, its own database): the
   whole import and the time the write lock is held, against a plain executemany.

Results: benchmarks/results/<timestamp>.json and the table in BENCHMARKS.md.
"""

# ruff: noqa: S603, S607 - a benchmark runner starts its own tools (lms, gunicorn, wrk).
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "results"
TODAY = "2027-06-16"
PASSWORD = "benchmark password"  # noqa: S105 - the seeded dataset's shared login
LMS_PORT, BASELINE_PORT = 8711, 8712
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
TARGETS = {
    "page_median_ms": 50.0,
    "page_to_minimal_ratio": 3.0,
    "dashboard_to_bare_throughput": 0.5,
    "dashboard_to_minimal_throughput": 0.5,
    "report_s": 2.0,
    "survey_results_s": 1.0,
    "startup_s": 1.0,
    "worker_rss_mb": 150.0,
    "roster_import_s": 3.0,
}


def environment(data: Path) -> dict:
    return {
        **os.environ,
        "LMS_INSTANCE_PATH": str(data),
        "LMS_TODAY": TODAY,
        "LMS_COOKIE_SECURE": "false",
        "LMS_RATELIMIT_ENABLED": "false",
        "LMS_MAIL_BACKEND": "memory",
        "PYTHONPATH": str(ROOT),
    }


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# -- dataset -------------------------------------------------------------------------


def prepare(data: Path, members: int, cohorts: int) -> float | None:
    """Migrate and seed unless done already; return the seeding time (None if reused)."""
    marker = data / "seeded.json"
    if marker.exists():
        log(f"reusing the dataset in {data}")
        return json.loads(marker.read_text()).get("seed_s")
    data.mkdir(parents=True, exist_ok=True)
    env = environment(data)
    subprocess.run([BIN / "lms", "db", "upgrade", "heads"], env=env, check=True, cwd=ROOT)
    started = time.perf_counter()
    subprocess.run(
        [BIN / "lms", "bench", "seed", "--members", str(members), "--cohorts", str(cohorts)],
        env=env,
        check=True,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - started
    marker.write_text(json.dumps({"members": members, "cohorts": cohorts, "seed_s": seconds}))
    return seconds


def dataset_facts(app) -> dict:
    """Row counts, and the logins and ids of the pages to measure."""
    from sqlalchemy import func, select

    from benchmarks.seed import cohort_starts
    from lms.core.curriculum_loader import programme
    from lms.core.models import Cohort, Membership, User
    from lms.extensions import db
    from lms.plugins.reflections.models import Entry

    with app.app_context():
        counts = {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
            if table.name.startswith(("users", "cohorts", "memberships", "reflections_"))
            or table.name.startswith(("initiatives_", "surveys_"))
        }
        total = db.session.scalar(select(func.count()).select_from(Cohort))
        starts = cohort_starts(total, datetime.strptime(TODAY, "%Y-%m-%d").date())
        # The newest cohort at week 30 for trainee and tutor pages (a long history, still
        # under way); the latest finished one for the lead's survey and evaluation pages.
        current = next(i for i, (_, week) in enumerate(starts) if week == 30)
        finished = max(i for i, (_, week) in enumerate(starts) if week is None)
        slug_of = {i: f"bench-{i + 1:02d}" for i in (current, finished)}

        def first(cohort_slug, role, group_id=None, offset=0, count=1):
            query = (
                select(Membership, User.email)
                .join(User)
                .join(Cohort)
                .where(Cohort.slug == cohort_slug, Membership.role == role)
                .where(Membership.withdrawn_at.is_(None))
                .order_by(Membership.id)
            )
            if group_id is not None:
                query = query.where(Membership.tutor_group_id == group_id)
            return db.session.execute(query.offset(offset).limit(count)).all()

        trainees = first(slug_of[current], "trainee", count=4)
        group = trainees[0][0].tutor_group_id
        savers = []
        for member, email in trainees:
            version = db.session.scalar(
                select(Entry.current_version).where(
                    Entry.membership_id == member.id, Entry.week == 30
                )
            )
            savers.append({"email": email, "version": version or 0})
        return {
            "counts": counts,
            "current": {"slug": slug_of[current], "week": 30, "group": group},
            "finished": {"slug": slug_of[finished]},
            "trainee": trainees[0][1],
            "tutor": first(slug_of[current], "tutor", group)[0][1],
            "lead": first(slug_of[finished], "lead")[0][1],
            "savers": savers,
            "prompts": [p.id for p in programme("involving-people").week(30).prompts],
        }


# -- HTTP ------------------------------------------------------------------------------


def fetch(port, path, cookies=None, method="GET", form=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        if cookies is not None:
            cookies[name] = rest.split(";", 1)[0]
    connection.close()
    return response.status, data.decode("utf-8", "replace")


def sign_in(email: str) -> dict:
    cookies: dict = {}
    _, page = fetch(LMS_PORT, "/sign-in", cookies)
    token = CSRF.search(page).group(1)
    form = {"email": email, "password": PASSWORD, "csrf_token": token}
    status, _ = fetch(LMS_PORT, "/sign-in", cookies, "POST", form)
    if status != 302:
        raise SystemExit(f"could not sign in as {email} (status {status})")
    return cookies


def wait_for(port: int, path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            fetch(port, path)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server on port {port} did not start")


def serve(app: str, port: int, env: dict) -> subprocess.Popen:
    command = [BIN / "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"]
    return subprocess.Popen([*command, app], env=env, cwd=ROOT)


def measure(port, path, cookies=None, samples=60, warm_up=5, expect=None) -> dict:
    for _ in range(warm_up):
        status, body = fetch(port, path, dict(cookies or {}))
        if status != 200 or (expect and expect not in body):
            raise SystemExit(f"{path}: status {status} or {expect!r} missing")
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        fetch(port, path, dict(cookies or {}))
        times.append((time.perf_counter() - started) * 1000)
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(statistics.quantiles(times, n=20)[18], 2),
        "samples": samples,
    }


def wrk(url: str, seconds: int, headers=(), script=None, env=None) -> dict:
    command = ["wrk", "-t4", "-c4", f"-d{seconds}s"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, env=env, check=True
    ).stdout
    requests = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return {"requests_per_s": round(requests, 1), "non_2xx": int(bad.group(1)) if bad else 0}


def worker_peaks(master_pid: int) -> list[float]:
    """VmHWM (peak resident set) of each gunicorn worker, in MB."""
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master_pid}$", text, re.M):
            peaks.append(int(re.search(r"^VmHWM:\s+(\d+) kB", text, re.M).group(1)) / 1024)
    return sorted(round(peak, 1) for peak in peaks)


# -- in-process figures -----------------------------------------------------------------


def report_times(app) -> dict:
    """The evaluation report for every cohort (all members), and its files for one."""
    from sqlalchemy import select

    from lms.core.models import Cohort
    from lms.extensions import db
    from lms.plugins.evaluation import exports, figures
    from lms.server import settle

    with app.test_request_context():
        cohorts = list(db.session.scalars(select(Cohort).order_by(Cohort.id)))
        figures.build_report(cohorts[0])  # imports (scipy...) and caches warm up first
        db.session.expire_all()
        settle()  # as wsgi.py does in each worker once the app is made
        # One report at a time, as a worker serves them (keeping all 50 would only add
        # to what the garbage collector walks); the files are made for one of them.
        started = time.perf_counter()
        for cohort in cohorts:
            report = figures.build_report(cohort)
            if cohort is cohorts[-6]:
                kept = report
        report_s = time.perf_counter() - started
        started = time.perf_counter()
        exports.report_docx(kept)
        exports.report_xlsx(kept)
        files_s = time.perf_counter() - started
    return {
        "evaluation_report_all_cohorts_s": round(report_s, 3),
        "evaluation_report_per_cohort_ms": round(report_s / len(cohorts) * 1000, 1),
        "evaluation_docx_and_xlsx_one_cohort_s": round(files_s, 3),
        "cohorts": len(cohorts),
    }


HEAVY_MODULES = (
    "alembic", "flask_migrate", "icalendar", "apispec", "scipy", "numpy", "matplotlib",
    "openpyxl", "docx", "markdown_it", "email_validator",
)  # fmt: skip


def survey_results(env: dict) -> dict:
    """`benchmarks.survey_scale` in its own process and database (see there)."""
    env = {k: v for k, v in env.items() if k != "LMS_INSTANCE_PATH"}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.survey_scale", "--members", "10000"],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def roster_import(env: dict) -> dict:
    """`benchmarks.roster_import` in its own process and database (see there)."""
    env = {k: v for k, v in env.items() if k != "LMS_INSTANCE_PATH"}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.roster_import", "--rows", "20000"],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def startup_times(env: dict, runs: int = 5) -> dict:
    """Import + create_app in fresh interpreters, timed from inside (interpreter start
    excluded). An untimed first run writes the bytecode caches, as any deployment has
    them: with PYTHONDONTWRITEBYTECODE set (as in some shells) every run would otherwise
    also compile the app's sources. Wall time includes waiting for a busy CPU, so the
    load average is recorded and the target is checked on CPU time."""
    code = (
        "import sys, time; t, c = time.perf_counter(), time.process_time(); "
        "from lms import create_app; create_app(); "
        "print(time.perf_counter() - t, time.process_time() - c); "
        f"print(','.join(m for m in {HEAVY_MODULES!r} if m in sys.modules))"
    )
    times, cpu, heavy = [], [], ""
    with tempfile.TemporaryDirectory(prefix="lms-bench-pyc-") as pycache:
        env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = pycache  # caches go here, not into the source tree
        command = [sys.executable, "-c", code]
        subprocess.run(command, env=env, capture_output=True, check=True)  # warm-up
        load = os.getloadavg()
        for _ in range(runs):
            output = subprocess.run(
                command, env=env, capture_output=True, text=True, check=True
            ).stdout.split("\n")
            wall, used = output[0].split()
            times.append(float(wall))
            cpu.append(float(used))
            heavy = output[1]
    return {
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        # CPU time is what the start costs; wall time also counts waiting for a busy CPU.
        "median_cpu_s": round(statistics.median(cpu), 3),
        "load_average_before": [round(x, 2) for x in load],
        "heavy_modules_loaded": heavy.split(",") if heavy else [],
    }


def machine() -> dict:
    import sqlite3
    from importlib.metadata import version

    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(int(memory) / 1024 / 1024, 1),
        "load_average_at_start": os.getloadavg(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "versions": {name: version(name) for name in ("flask", "sqlalchemy", "gunicorn", "jinja2")},
        "wrk": wrk_version.split(" [")[0].strip(),
    }


# -- the run -----------------------------------------------------------------------------


def run(args) -> dict:
    data = Path(args.data) if args.data else Path(tempfile.mkdtemp(prefix="lms-bench-"))
    seed_s = prepare(data, args.members, args.cohorts)
    env = environment(data)
    os.environ.update({k: v for k, v in env.items() if k.startswith("LMS_")})
    sys.path.insert(0, str(ROOT))
    from lms import create_app

    app = create_app()
    facts = dataset_facts(app)
    samples = 20 if args.quick else 60
    seconds = 5 if args.quick else 15
    result: dict = {
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": machine(),
        "dataset": {
            "members": args.members,
            "cohorts": args.cohorts,
            "seed_s": round(seed_s, 1) if seed_s else None,
            "rows": facts["counts"],
        },
    }
    servers = [
        serve("wsgi:app", LMS_PORT, env),
        serve("benchmarks.baseline_app:app", BASELINE_PORT, env),
    ]
    try:
        wait_for(LMS_PORT, "/sign-in")
        wait_for(BASELINE_PORT, "/bare/hello")
        current, finished = facts["current"], facts["finished"]
        trainee, tutor, lead = (sign_in(facts[role]) for role in ("trainee", "tutor", "lead"))
        c, f = current["slug"], finished["slug"]
        pages = {
            "trainee dashboard": ("/dashboard", trainee, "Write your week 30 reflection"),
            "35-week progress": (f"/cohorts/{c}/progress", trainee, "Week 35"),
            "reflection editor": (f"/cohorts/{c}/reflections/weeks/30", trainee, "Save draft"),
            "tutor review queue": (f"/cohorts/{c}/reflections/review", tutor, "Review"),
            "tutor reflections grid": (f"/cohorts/{c}/reflections/grid", tutor, "Week"),
            "tutor group grid": (f"/cohorts/{c}/groups/{current['group']}", tutor, "Week"),
            "initiative board": (f"/cohorts/{c}/initiatives/board", tutor, "initiative"),
            "survey results": (f"/cohorts/{f}/surveys/results", lead, "Confidence"),
            "evaluation dashboard": (f"/cohorts/{f}/evaluation", lead, "Evaluation"),
        }
        log("latency: baselines")
        hello = measure(BASELINE_PORT, "/bare/hello", samples=samples)
        minimal = measure(BASELINE_PORT, "/minimal", samples=samples, expect="Minimal page")
        latency = {"bare flask hello": hello, "minimal base-template page": minimal}
        for name, (path, cookies, expect) in pages.items():
            log(f"latency: {name}")
            figures = measure(LMS_PORT, path, cookies, samples=samples, expect=expect)
            figures["to_minimal"] = round(figures["median_ms"] / minimal["median_ms"], 2)
            figures["to_hello"] = round(figures["median_ms"] / hello["median_ms"], 2)
            figures["path"] = path
            latency[name] = figures
        result["latency"] = latency

        # Every page above ran on these workers (the evaluation loads scipy): note their
        # peak, then load fresh workers with the dashboard and draft saves alone.
        all_pages_peaks = worker_peaks(servers[0].pid)
        servers[0].terminate()
        servers[0].wait(timeout=30)
        servers[0] = serve("wsgi:app", LMS_PORT, env)
        wait_for(LMS_PORT, "/sign-in")
        log("throughput: wrk")
        cookie_header = "Cookie: " + "; ".join(f"{k}={v}" for k, v in trainee.items())
        base = f"http://127.0.0.1:{BASELINE_PORT}"
        lms_url = f"http://127.0.0.1:{LMS_PORT}"
        bare = wrk(f"{base}/bare/hello", seconds)
        minimal_load = wrk(f"{base}/minimal", seconds)
        dashboard = wrk(f"{lms_url}/dashboard", seconds, [cookie_header])
        saves = wrk(f"{lms_url}/", seconds, script=ROOT / "benchmarks" / "save_draft.lua",
                    env={**os.environ, **save_sessions(facts, c)})  # fmt: skip
        for figures in (minimal_load, dashboard, saves):
            figures["to_bare"] = round(figures["requests_per_s"] / bare["requests_per_s"], 3)
        for figures in (dashboard, saves):
            figures["to_minimal"] = round(
                figures["requests_per_s"] / minimal_load["requests_per_s"], 3
            )
        result["throughput"] = {
            "load": "wrk -t4 -c4, gunicorn 2 sync workers, loopback",
            "bare flask hello": bare,
            "minimal base-template page": minimal_load,
            "trainee dashboard": dashboard,
            "save a draft": saves,
        }
        peaks = worker_peaks(servers[0].pid)
        result["memory"] = {
            "after_load_worker_peak_rss_mb": peaks,
            "max_mb": max(peaks) if peaks else None,
            "after_every_page_worker_peak_rss_mb": all_pages_peaks,
        }
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)

    log("evaluation report and survey analysis")
    result["reports"] = report_times(app)
    log("survey results for one cohort of 10,000 members")
    result["survey_results"] = survey_results(env)
    log("roster import of 20,000 rows")
    result["roster_import"] = roster_import(env)
    log("start-up")
    result["startup"] = startup_times(env)
    result["targets"] = check_targets(result)
    if not args.data:
        shutil.rmtree(data, ignore_errors=True)
    return result


def save_sessions(facts: dict, slug: str) -> dict:
    """Each wrk thread's trainee: cookie, CSRF token, autosave path and current version."""
    items = []
    for saver in facts["savers"]:
        cookies = sign_in(saver["email"])
        _, page = fetch(LMS_PORT, f"/cohorts/{slug}/reflections/weeks/30", cookies)
        token = urllib.parse.quote(CSRF.search(page).group(1), safe="")
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        path = f"/cohorts/{slug}/reflections/weeks/30/autosave"
        items.append(f"{cookie}|{token}|{path}|{saver['version']}")
    fields = urllib.parse.urlencode(
        {
            f"answer_{p}": "Typing a reflection about this week's session. " * 8
            for p in facts["prompts"]
        }
    )
    return {"BENCH_SAVE_SESSIONS": ";".join(items), "BENCH_SAVE_FIELDS": fields}


def check_targets(result: dict) -> dict:
    pages = {k: v for k, v in result["latency"].items() if "to_minimal" in v}
    checks = {}
    for name, figures in pages.items():
        checks[f"{name}: median under 50 ms"] = (figures["median_ms"], TARGETS["page_median_ms"])
        checks[f"{name}: within 3x the minimal page"] = (
            figures["to_minimal"],
            TARGETS["page_to_minimal_ratio"],
        )
    checks["dashboard throughput at least half the bare page's"] = (
        result["throughput"]["trainee dashboard"]["to_bare"],
        -TARGETS["dashboard_to_bare_throughput"],
    )
    # Restated (BENCHMARKS.md): no page drawing the base template reaches half the bare
    # page's throughput, the minimal one included, so the LMS's own cost is measured
    # against the minimal page served the same way.
    checks["dashboard throughput at least half the minimal page's (restated)"] = (
        result["throughput"]["trainee dashboard"]["to_minimal"],
        -TARGETS["dashboard_to_minimal_throughput"],
    )
    checks["evaluation report for all members under 2 s"] = (
        result["reports"]["evaluation_report_all_cohorts_s"],
        TARGETS["report_s"],
    )
    page = result["survey_results"]["figures"]["results page work (items, charts, scale by sector)"]
    checks["survey results for a cohort of 10,000 under 1 s"] = (
        round(page["median_ms"] / 1000, 3),
        TARGETS["survey_results_s"],
    )
    checks["roster import of 20,000 rows under 3 s"] = (
        result["roster_import"]["import_s"],
        TARGETS["roster_import_s"],
    )
    # CPU time: on a loaded machine, the wall time measures the other processes too.
    checks["app start under 1 s (CPU)"] = (result["startup"]["median_cpu_s"], TARGETS["startup_s"])
    checks["worker RSS under 150 MB"] = (result["memory"]["max_mb"], TARGETS["worker_rss_mb"])
    # A negative limit means "at least": the figure must reach its absolute value.
    return {
        name: {
            "value": value,
            "limit": abs(limit),
            "met": value >= -limit if limit < 0 else value <= limit,
        }
        for name, (value, limit) in checks.items()
    }


def write_markdown(result: dict, json_path: Path) -> None:
    """Replace the generated section of BENCHMARKS.md, keeping the hand-written notes."""
    m = result["machine"]
    lines = [
        "<!-- results: written by `make bench` (benchmarks/run.py); edit outside this block -->",
        f"Run {result['timestamp']} on {m['cpu']} ({m['cores']} cores, {m['memory_gb']} GB), "
        f"{m['os']}; Python {m['python']}, SQLite {m['sqlite']}, "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
        + f", {m['wrk']}. Load average at start: "
        + ", ".join(f"{x:.1f}" for x in m["load_average_at_start"])
        + f". Raw figures: `{json_path.relative_to(ROOT)}`.",
        "",
        f"Dataset: {result['dataset']['cohorts']} cohorts, {result['dataset']['members']:,} "
        "trainees; "
        + ", ".join(
            f"{n:,} {t}"
            for t, n in result["dataset"]["rows"].items()
            if t
            in (
                "reflections_entries",
                "reflections_versions",
                "reflections_feedback",
                "initiatives_updates",
                "surveys_responses",
            )  # fmt: skip
        )
        + (f"; seeded in {result['dataset']['seed_s']} s." if result["dataset"]["seed_s"] else "."),
        "",
        "| Page (gunicorn, 2 workers, one request at a time) | median ms | p95 ms "
        "| × minimal page | × bare Flask |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, figures in result["latency"].items():
        lines.append(
            f"| {name} | {figures['median_ms']} | {figures['p95_ms']} | "
            f"{figures.get('to_minimal', '')} | {figures.get('to_hello', '')} |"
        )
    t = result["throughput"]
    lines += [
        "",
        f"| Throughput ({t['load']}) | requests/s | × bare Flask | × minimal page | non-2xx |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in (
        "bare flask hello",
        "minimal base-template page",
        "trainee dashboard",
        "save a draft",
    ):
        figures = t[name]
        lines.append(
            f"| {name} | {figures['requests_per_s']} | {figures.get('to_bare', 1.0)} | "
            f"{figures.get('to_minimal', '')} | {figures['non_2xx']} |"
        )
    r, s, sr = result["reports"], result["startup"], result["survey_results"]
    ri = result["roster_import"]
    lines += [
        "",
        "| Other | figure |",
        "|---|---:|",
        f"| Evaluation report, all {r['cohorts']} cohorts "
        f"| {r['evaluation_report_all_cohorts_s']} s "
        f"({r['evaluation_report_per_cohort_ms']} ms per cohort) |",
        "| DOCX + XLSX report files, one cohort "
        f"| {r['evaluation_docx_and_xlsx_one_cohort_s']} s |",
        f"| Worker peak RSS (VmHWM) after the wrk load | {result['memory']['max_mb']} MB |",
        "| Worker peak RSS after serving every page above (incl. evaluation, scipy) | "
        f"{max(result['memory']['after_every_page_worker_peak_rss_mb'] or [0])} MB |",
        f"| Start-up (import + create_app), median of 5 | {s['median_s']} s wall, "
        f"{s['median_cpu_s']} s CPU, load average {s['load_average_before'][0]} "
        f"(heavy modules loaded: {', '.join(s['heavy_modules_loaded']) or 'none'}) |",
        "",
        f"| Survey results, one cohort of {sr['members']:,} members "
        f"({sr['responses']:,} responses; in process, median) | ms | SQL statements |",
        "|---|---:|---:|",
        *(
            f"| {name} | {figures['median_ms']} | {figures['sql_statements']} |"
            for name, figures in sr["figures"].items()
        ),
        "",
        f"| Roster import, {ri['rows']:,} new people ({ri['bytes'] / 1e6:.1f} MB; in process, "
        "median) | s | × plain executemany | SQL statements |",
        "|---|---:|---:|---:|",
        f"| whole import (check, write, invitations) | {ri['import_s']} |  "
        f"| {ri['sql_statements']} |",
        f"| of which the write lock is held | {ri['write_lock_held_s']} "
        f"| {ri['write_lock_to_plain_executemany']} |  |",
        "",
        "| Target | figure | limit | met |",
        "|---|---:|---:|:---:|",
    ]
    for name, check in result["targets"].items():
        lines.append(
            f"| {name} | {check['value']} | {check['limit']} "
            f"| {'yes' if check['met'] else '**no**'} |"
        )
    lines.append("<!-- /results -->")
    block = "\n".join(lines)
    path = ROOT / "BENCHMARKS.md"
    text = (
        path.read_text()
        if path.exists()
        else "# Benchmarks\n\n<!-- results -->\n<!-- /results -->\n"
    )
    text = re.sub(r"<!-- results.*?<!-- /results -->", lambda _: block, text, flags=re.S)
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--cohorts", type=int, default=50)
    parser.add_argument("--data", help="folder for the database (kept, and reused if seeded)")
    parser.add_argument("--quick", action="store_true", help="fewer samples, shorter loads")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed for the throughput figures: apt-get install wrk")
    result = run(args)
    print(json.dumps(result, indent=2))
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"{result['timestamp'].replace(':', '')}.json"
        path.write_text(json.dumps(result, indent=2) + "\n")
        write_markdown(result, path)
        log(f"wrote {path.relative_to(ROOT)} and BENCHMARKS.md")


if __name__ == "__main__":
    main()
