"""Issue 19, item 15: an erased person leaves no ghost. Their memberships end (no
lists, no "falling behind", no reminders) while what they did still counts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from lms.extensions import db
from tests.trust.conftest import TODAY


def test_an_erased_trainee_is_nobodys_active_member(app, world, clients):
    from lms.plugins.reflections.models import Entry

    victim_id, group = world.ids["victim_user"], world.ids["group"]
    entries = db.session.scalar(
        select(func.count(Entry.id)).where(Entry.membership_id == world.victim.id)
    )
    ghost = f"Erased user {victim_id}"
    erased = clients["admin"].post(f"/admin/users/{victim_id}", data={"confirm": "ERASE"})
    assert erased.status_code == 302

    for role, url in (
        ("tutor", f"/cohorts/{world.slug}/groups/{group}"),
        ("tutor", "/dashboard"),
        ("tutor", f"/cohorts/{world.slug}/reflections/grid"),
        ("lead", f"/cohorts/{world.slug}/reflections/grid"),
    ):
        page = clients[role].get(url)
        assert page.status_code == 200, url
        assert ghost not in page.get_data(as_text=True), url
    members = clients["lead"].get(f"/cohorts/{world.slug}/members").get_data(as_text=True)
    active, _, withdrawn = members.partition("Withdrawn")
    assert ghost not in active and ghost in withdrawn

    # No email for the erased address, from the command cron runs.
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "LMS_SECRET_KEY": app.config["SECRET_KEY"],
        "LMS_MAIL_BACKEND": "memory",
        "LMS_BASE_URL": "https://lms.example.org",
    }
    lms = Path(sys.executable).with_name("lms")
    for day in (TODAY.isoformat(), "2026-11-25"):
        done = subprocess.run(
            [str(lms), "reminders", "send", "--dry-run", "--today", day],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "Would email" in done.stdout  # the others still get theirs
        assert "erased.invalid" not in done.stdout and ghost not in done.stdout

    # The lead cannot bring the ghost back by unticking "withdrawn".
    back = clients["lead"].post(
        f"/cohorts/{world.slug}/members/{world.victim.id}",
        data={"role": "trainee", "sector": "other", "tutor_group": str(group)},
    )
    assert back.status_code == 302
    db.session.rollback()
    db.session.refresh(world.victim)
    assert world.victim.withdrawn_at is not None
    # What they did still counts: no entry was deleted.
    assert (
        db.session.scalar(
            select(func.count(Entry.id)).where(Entry.membership_id == world.victim.id)
        )
        == entries
    )
