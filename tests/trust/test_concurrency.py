"""No lost writes: many processes writing at once, and a server killed mid-write.

Workers are separate processes ("spawn": nothing shared but the database), each with its
own app on the test database (SQLite file, or PostgreSQL when LMS_TEST_DATABASE_URL is
set), writing through the HTTP layer as trainees and tutors do. Every write a worker saw
acknowledged must then be in the database, exactly as sent.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import traceback
from datetime import timedelta
from http.client import HTTPException
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, build_opener

import pytest
from sqlalchemy import select

from lms.extensions import db
from tests.conftest import PASSWORD
from tests.trust.conftest import TODAY

DRAFTS = 6  # autosaved drafts per trainee before the submission
FEEDBACK_ROUNDS = 3  # messages the tutor sends on each seeded entry
CONTENDED_SAVES = 8  # saves each contending worker attempts on one shared entry
_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


# -- the workers (run in child processes) -----------------------------------------------


def _client(app, email: str):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client, client.csrf_token()


def _trainee_job(client, token, job) -> tuple[list, list]:
    acks, problems = [], []
    base = f"/cohorts/{job['slug']}/reflections/weeks/{job['week']}"
    version = 0
    for number in range(1, DRAFTS + 1):
        answers = {p: f"{job['tag']} draft {number} {p}" for p in job["prompts"]}
        data = {"csrf_token": token, "based_on": str(version)}
        data.update({f"answer_{p}": text for p, text in answers.items()})
        response = client.post(f"{base}/autosave", data=data)
        if response.status_code != 200:
            problems.append(f"autosave {number}: {response.status_code}")
            continue
        version = response.get_json()["version"]
        acks.append(("version", job["email"], job["week"], version, "draft", answers))
    answers = {p: f"{job['tag']} final {p}" for p in job["prompts"]}
    data = {"csrf_token": token, "based_on": str(version), "submit_entry": "Submit"}
    data.update({f"answer_{p}": text for p, text in answers.items()})
    response = client.post(base, data=data)
    if response.status_code == 302:
        acks.append(("version", job["email"], job["week"], version + 1, "submitted", answers))
    else:
        problems.append(f"submit: {response.status_code}")
    survey = f"/cohorts/{job['slug']}/surveys/pre"
    draft = {item: "2" for item in job["scale_items"]}
    response = client.post(survey, data={"csrf_token": token, "action": "save", **draft})
    if response.status_code != 302:
        problems.append(f"survey draft: {response.status_code}")
    final = {item: str(1 + (i + job["seed"]) % 5) for i, item in enumerate(job["scale_items"])}
    final.update({item: f"{job['tag']} says {item}" for item in job["text_items"]})
    response = client.post(survey, data={"csrf_token": token, "action": "submit", **final})
    if response.status_code == 302:
        acks.append(("survey", job["email"], final))
    else:
        problems.append(f"survey submit: {response.status_code}")
    return acks, problems


def _tutor_job(client, token, job) -> tuple[list, list]:
    acks, problems = [], []
    for round_ in range(1, FEEDBACK_ROUNDS + 1):
        for entry_id in job["entries"]:
            body = f"Feedback {round_} on entry {entry_id}"
            url = f"/cohorts/{job['slug']}/reflections/review/{entry_id}"
            response = client.post(url, data={"csrf_token": token, "body": body})
            if response.status_code == 302:
                acks.append(("feedback", entry_id, body))
            else:
                problems.append(f"feedback on {entry_id}: {response.status_code}")
    return acks, problems


def _contending_job(client, token, job) -> tuple[list, list]:
    """Save the same entry as other processes do: a save based on a stale version must
    be refused (409) and never overwrite; each acknowledged save must be kept."""
    acks, problems = [], []
    url = f"/cohorts/{job['slug']}/reflections/weeks/{job['week']}/autosave"
    version = 0
    for number in range(1, CONTENDED_SAVES + 1):
        answers = {p: f"{job['tag']} save {number} {p}" for p in job["prompts"]}
        data = {"csrf_token": token, "based_on": str(version)}
        data.update({f"answer_{p}": text for p, text in answers.items()})
        response = client.post(url, data=data)
        if response.status_code == 200:
            version = response.get_json()["version"]
            acks.append(("version", job["email"], job["week"], version, "draft", answers))
        elif response.status_code == 409:
            version = response.get_json()["version"]  # start again from the newer text
        else:
            problems.append(f"contended save {number}: {response.status_code}")
        # The same member's survey, saved from both tabs too: each save is whole.
        answers = {item: str(1 + (number + job["seed"]) % 5) for item in job["scale_items"]}
        answers.update({item: f"{job['tag']} {number}" for item in job["text_items"]})
        data = {"csrf_token": token, "action": "save", **answers}
        response = client.post(f"/cohorts/{job['slug']}/surveys/pre", data=data)
        if response.status_code == 302:
            acks.append(("survey draft", job["email"], answers))
        elif response.status_code != 409:
            problems.append(f"contended survey save {number}: {response.status_code}")
    return acks, problems


JOBS = {"trainee": _trainee_job, "tutor": _tutor_job, "contending": _contending_job}


def run_worker(config: dict, jobs: list[dict], barrier, results) -> None:
    """One process: its own app, and one thread (and session) per job."""
    from lms import create_app
    from tests.conftest import Client

    try:
        app = create_app(config)
        app.test_client_class = Client
        signed_in = [(job, *_client(app, job["email"])) for job in jobs]
        barrier.wait(timeout=300)  # every process ready: now all write at once
    except Exception:  # noqa: BLE001 - reported to the parent, which fails the test
        barrier.abort()  # the others stop waiting too
        for job in jobs:
            results.put((job["tag"], [], [traceback.format_exc(limit=-3)]))
        return

    def run(job, client, token):
        try:
            acks, problems = JOBS[job["kind"]](client, token, job)
        except Exception:  # noqa: BLE001 - reported to the parent, which fails the test
            acks, problems = [], [traceback.format_exc()]
        results.put((job["tag"], acks, problems))

    threads = [threading.Thread(target=run, args=item) for item in signed_in]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# -- the test ---------------------------------------------------------------------------


@pytest.fixture
def app_config(migrated, tmp_path):
    from tests.conftest import test_config

    return {**test_config(migrated, tmp_path), "TODAY": TODAY.isoformat()}


def _open_cohort(make_cohort):
    """A cohort in its second week: weeks 1 and 2 open, the pre survey open."""
    start = TODAY - timedelta(days=9)
    return make_cohort(slug="busy-2026", start=start)


def _jobs(app, make_cohort, make_membership) -> tuple[list[dict], dict]:
    from lms.core.curriculum_loader import programme
    from lms.plugins.reflections import services

    cohort = _open_cohort(make_cohort)
    tutor = make_membership(cohort, "tutor", group="Group A")
    trainees = [make_membership(cohort, group="Group A") for _ in range(4)]
    shared = make_membership(cohort, group="Group A")
    prompts = [p.id for p in services.prompts_for(cohort, 2)]
    instrument = programme(cohort.programme).instruments["confidence"]
    scale_items = [i.id for i in instrument.items if i.type != "text"]
    text_items = [i.id for i in instrument.items if i.type == "text"]
    # Week 1, submitted and shared before the rush: the tutor's feedback goes there.
    seeded = []
    for member in trainees:
        week1 = {p.id: f"Week one by {member.id}" for p in services.prompts_for(cohort, 1)}
        services.save(member, 1, week1, 0, submit=True)
        entry = services.entry_of(member, 1)
        services.set_sharing(entry, True, False)
        seeded.append(entry.id)
    db.session.commit()
    common = {"slug": cohort.slug, "prompts": prompts}
    jobs = [
        {
            **common,
            "kind": "trainee",
            "tag": f"trainee{n}",
            "email": member.user.email,
            "week": 2,
            "seed": n,
            "scale_items": scale_items,
            "text_items": text_items,
        }
        for n, member in enumerate(trainees)
    ]
    jobs.append({**common, "kind": "tutor", "tag": "tutor", "email": tutor.user.email})
    jobs[-1]["entries"] = seeded
    jobs += [
        {
            **common,
            "kind": "contending",
            "tag": f"tab{n}",
            "email": shared.user.email,
            "week": 2,
            "seed": 2 * n,
            "scale_items": scale_items,
            "text_items": text_items,
        }
        for n in range(2)
    ]
    return jobs, {"seeded": seeded, "shared": shared.id}


def run_all(app_config: dict, groups: list[list[dict]]) -> dict[str, tuple[list, list]]:
    """Run each group of jobs in its own process; collect what each job saw."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(groups))
    results = context.Queue()
    processes = [
        context.Process(target=run_worker, args=(app_config, jobs, barrier, results))
        for jobs in groups
    ]
    for process in processes:
        process.start()
    collected = {}
    try:
        for _ in range(sum(map(len, groups))):
            tag, acks, problems = results.get(timeout=600)
            collected[tag] = (acks, problems)
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    return collected


def stored_versions(email: str, week: int) -> dict[int, tuple[str, dict]]:
    from lms.core.models import Membership, User
    from lms.plugins.reflections.models import Entry, Version

    rows = db.session.execute(
        select(Version.number, Version.kind, Version.answers_json)
        .join(Entry, Version.entry_id == Entry.id)
        .join(Membership, Entry.membership_id == Membership.id)
        .join(User, Membership.user_id == User.id)
        .where(User.email == email, Entry.week == week)
    )
    return {number: (kind, json.loads(answers)) for number, kind, answers in rows}


def check_versions(acks: list) -> list[str]:
    """Each acknowledged save is stored under its version number with its exact text,
    and nothing else is stored beside them."""
    problems, by_entry = [], {}
    for _, email, week, number, kind, answers in acks:
        by_entry.setdefault((email, week), {})
        if number in by_entry[(email, week)]:
            problems.append(f"two saves of {email} week {week} were both acknowledged as {number}")
        by_entry[(email, week)][number] = (kind, answers)
    for (email, week), acknowledged in by_entry.items():
        stored = stored_versions(email, week)
        if stored != acknowledged:
            lost = sorted(set(acknowledged) - set(stored))
            changed = sorted(
                n for n in set(acknowledged) & set(stored) if stored[n] != acknowledged[n]
            )
            extra = sorted(set(stored) - set(acknowledged))
            problems.append(f"{email} week {week}: lost {lost}, changed {changed}, extra {extra}")
    return problems


def test_many_processes_writing_at_once_lose_nothing(app, app_config, make_cohort, make_membership):
    from lms.core.models import Membership, User
    from lms.plugins.reflections.models import Entry, Feedback
    from lms.plugins.surveys import services as surveys
    from lms.plugins.surveys.models import SurveyResponse

    jobs, seeded = _jobs(app, make_cohort, make_membership)
    db.session.commit()
    db.session.close()  # hold no connection or snapshot while the workers write
    # Three processes, each writing through several sessions at once: trainees' drafts,
    # submissions and surveys, two tabs saving the same entry, and a tutor's feedback.
    trainees, tutor, tabs = jobs[:4], jobs[4], jobs[5:]
    groups = [[trainees[0], trainees[1], tabs[0]], [trainees[2], trainees[3], tabs[1]], [tutor]]
    results = run_all(app_config, groups)

    problems = [f"{tag}: {p}" for tag, (_, found) in results.items() for p in found]
    assert problems == [], "\n".join(problems)
    acks = [ack for acknowledged, _ in results.values() for ack in acknowledged]
    kinds = [ack[0] for ack in acks]
    assert kinds.count("survey") == 4
    assert kinds.count("feedback") == 4 * FEEDBACK_ROUNDS
    # Every trainee's drafts and submission (4 x 7) and at least one save per contender.
    assert kinds.count("version") >= 4 * (DRAFTS + 1) + 2

    assert check_versions([ack for ack in acks if ack[0] == "version"]) == []
    contended = [ack for ack in acks if ack[0] == "version" and ack[1] == jobs[-1]["email"]]
    entry = db.session.scalar(
        select(Entry).where(Entry.membership_id == seeded["shared"], Entry.week == 2)
    )
    assert entry.current_version == max(ack[3] for ack in contended) == len(contended)

    for ack in (a for a in acks if a[0] == "survey"):
        _, email, final = ack
        response = db.session.scalar(
            select(SurveyResponse).join(Membership).join(User).where(User.email == email)
        )
        assert response.is_submitted, email
        expected = {k: (v if k in jobs[0]["text_items"] else int(v)) for k, v in final.items()}
        assert surveys.answers_of(response) == expected

    drafts = [a[2] for a in acks if a[0] == "survey draft"]
    assert drafts, "neither tab's survey save went through"
    response = db.session.scalar(
        select(SurveyResponse).join(Membership).where(Membership.id == seeded["shared"])
    )
    stored = {k: str(v) for k, v in surveys.answers_of(response).items()}
    assert stored in drafts, "the stored survey is not one whole acknowledged save"

    stored = db.session.execute(select(Feedback.entry_id, Feedback.body)).all()
    sent = sorted((entry_id, body) for _, entry_id, body in (a for a in acks if a[0] == "feedback"))
    assert sorted(map(tuple, stored)) == sent
    for entry_id in seeded["seeded"]:
        assert db.session.get(Entry, entry_id).is_submitted


# -- a server killed in the middle of saving --------------------------------------------

SERVER = """
import os, sys
from werkzeug.serving import make_server
from lms import create_app
app = create_app()
server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.port, flush=True)
server.serve_forever()
"""


class Browser:
    """A cookie-keeping HTTP client for the real server (urllib: no extra package)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.read().decode()

    def post(self, path: str, data: dict) -> tuple[int, bytes]:
        body = urlencode(data).encode()
        try:
            with self.opener.open(self.base + path, data=body, timeout=10) as response:
                return response.status, response.read()
        except HTTPError as error:
            return error.code, error.read()

    def sign_in(self, email: str) -> str:
        token = _CSRF.search(self.get("/sign-in")).group(1)
        self.post("/sign-in", {"csrf_token": token, "email": email, "password": PASSWORD})
        return _CSRF.search(self.get("/privacy")).group(1)


def start_server(database: Path, instance: Path) -> tuple[subprocess.Popen, str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "LMS_INSTANCE_PATH": str(instance),
        "LMS_SECRET_KEY": "crash-test",
        "LMS_COOKIE_SECURE": "false",
        "LMS_RATELIMIT_ENABLED": "false",
        "LMS_TODAY": TODAY.isoformat(),
    }
    env.pop("LMS_TEST_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=Path(__file__).absolute().parents[2],
    )
    port = process.stdout.readline().strip()
    assert port.isdigit(), "the server did not start"
    return process, f"http://127.0.0.1:{port}"


def _saver(base, email, slug, prompts, acks, lock, stop, cut) -> None:
    """Keep saving drafts; record each save the server acknowledged, until it dies
    (`cut` counts saves sent that never got their answer: the kill caught them)."""
    browser = Browser(base)
    try:
        token = browser.sign_in(email)
    except (URLError, OSError, HTTPException):
        return
    version = max((a[3] for a in acks if a[1] == email), default=0)
    url = f"/cohorts/{slug}/reflections/weeks/2/autosave"
    number = 0
    while not stop.is_set():
        number += 1
        answers = {p: f"{email} {base} save {number} {p} " + "x" * 2000 for p in prompts}
        data = {"csrf_token": token, "based_on": str(version)}
        data.update({f"answer_{p}": text for p, text in answers.items()})
        try:
            status, body = browser.post(url, data)
        except (URLError, OSError, HTTPException):
            with lock:
                cut.append(email)
            return  # the server is gone: this save was never acknowledged
        if status == 409:  # a save in flight at the last kill did land, unacknowledged
            version = json.loads(body)["version"]
            continue
        if status != 200:
            return
        version = json.loads(body)["version"]
        with lock:
            acks.append(("version", email, 2, version, "draft", answers))


@pytest.mark.skipif(
    bool(os.environ.get("LMS_TEST_DATABASE_URL")), reason="the crash test is for SQLite"
)
def test_a_server_killed_mid_save_keeps_every_acknowledged_save(app, make_app, migrated, tmp_path):
    import random

    from lms.core.models import Cohort, Membership, User
    from tests.conftest import _PASSWORD_HASH

    database = tmp_path / "crash.sqlite3"
    source = sqlite3.connect(Path(migrated.removeprefix("sqlite:///")))
    target = sqlite3.connect(database)
    source.backup(target)  # the migrated schema; the tables are empty between tests
    source.close()
    target.close()
    other = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    with other.app_context():
        from lms.plugins.reflections import services

        cohort = Cohort(
            slug="crash-2026",
            name="Crash",
            programme="involving-people",
            start_date=TODAY - timedelta(days=9),
            session_weekday=(TODAY - timedelta(days=9)).weekday(),
        )
        emails = [f"saver{n}@example.org" for n in range(3)]
        for email in emails:
            user = User(email=email, given_name="S", family_name="Aver")
            user.password_hash = _PASSWORD_HASH
            db.session.add(Membership(user=user, cohort=cohort, role="trainee"))
        db.session.commit()
        prompts = [p.id for p in services.prompts_for(cohort, 2)]
        db.session.remove()
        db.engine.dispose()

    acks, cut, lock = [], [], threading.Lock()
    kills = 0
    for _ in range(3):  # three crashes, each at a random moment of a stream of saves
        process, base = start_server(database, tmp_path / "instance")
        stop = threading.Event()
        threads = [
            threading.Thread(
                target=_saver,
                args=(base, email, "crash-2026", prompts, acks, lock, stop, cut),
            )
            for email in emails
        ]
        for thread in threads:
            thread.start()
        before = len(acks)
        deadline = time.monotonic() + 30
        while len(acks) < before + 10 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(random.uniform(0, 0.3))  # noqa: S311 - a random moment, not a secret
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        process.stdout.close()
        kills += 1
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        assert len(acks) >= before + 10, "the saves did not get going"

    check = sqlite3.connect(database)
    assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    check.close()
    with other.app_context():
        problems = []
        for email in emails:
            mine = [ack for ack in acks if ack[1] == email]
            stored = stored_versions(email, 2)
            for _, _, _, number, kind, answers in mine:
                if stored.get(number) != (kind, answers):
                    problems.append(f"{email} version {number} was acknowledged but is not stored")
            # A save in flight at the kill may have landed unacknowledged: whole, if at all.
            for number, (_, answers) in stored.items():
                if any(not text.endswith("x" * 2000) for text in answers.values()):
                    problems.append(f"{email} version {number} is stored torn")
        assert problems == []
        assert kills == 3 and len(acks) >= 30
        assert cut, "no save was in flight at any of the kills"


def test_a_save_behind_a_long_write_gets_try_again_not_a_500(
    app, make_app, make_cohort, make_membership
):
    """Issue 19, item 8: while another write holds the lock past the busy timeout (a
    long import did), a trainee's autosave is told to try again (503) and loses nothing."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single-writer lock")
    cohort = make_cohort()
    trainee = make_membership(cohort)
    impatient = make_app(SQLITE_BUSY_TIMEOUT_MS=50)
    client = impatient.test_client()
    assert (
        client.post(
            "/sign-in", data={"email": trainee.user.email, "password": PASSWORD}
        ).status_code
        == 302
    )
    url = f"/cohorts/{cohort.slug}/reflections/weeks/1/autosave"
    data = {"based_on": "0", "answer_what_happened": "Words typed during an import"}
    database = db.engine.url.database
    other_writer = sqlite3.connect(database, isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")
    try:
        busy = client.post(url, data=data)
    finally:
        other_writer.execute("ROLLBACK")
        other_writer.close()
    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "2"
    assert "Nothing of yours was lost: try again" in busy.get_data(as_text=True)
    again = client.post(url, data=data)
    assert again.status_code == 200, again.get_data(as_text=True)
    assert again.get_json()["version"] == 1
