"""Fixtures for the reminders tests: a real SMTP server on loopback, a stand-in plugin.

The cohort starts on Monday 7 September 2026; on Thursday 1 October it is in week 4.
Tasks come from `FakeTasks`, registered in the test's plugin manager, so these tests
do not depend on the reflections or initiatives plugins (disabled here).
"""

from __future__ import annotations

import email
import socket
from dataclasses import dataclass
from datetime import date, timedelta
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from lms.contracts import Task
from lms.extensions import db
from lms.plugins import hookimpl

TODAY = date(2026, 10, 1)
START = date(2026, 9, 7)
OTHER_PLUGINS = ["reflections", "initiatives", "surveys"]


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()


class Mailbox:
    """An aiosmtpd handler keeping every message the server accepts."""

    def __init__(self):
        self.received: list[Received] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [item for item in self.received if address in item.recipients]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
def app_config(app_config, smtp_server):
    _, port = smtp_server
    return {
        **app_config,
        "TODAY": TODAY,
        "DISABLED_PLUGINS": OTHER_PLUGINS,
        "MAIL_BACKEND": "smtp",
        "MAIL_HOST": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_STARTTLS": False,
    }


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    return smtp_server[0]


class FakeTasks:
    """Stands in for a plugin with weekly tasks: a trainee's week is overdue when it is
    listed in `overdue[membership_id]`, done otherwise."""

    def __init__(self):
        self.overdue: dict[int, set[int]] = {}

    def status(self, membership, week) -> str:
        return "overdue" if week in self.overdue.get(membership.id, set()) else "done"

    @hookimpl
    def lms_week_tasks(self, membership, week):
        if membership.role != "trainee":
            return []
        due = START + timedelta(days=7 * (week - 1) + 6)
        return [
            Task(
                f"Write your week {week} log",
                self.status(membership, week),
                href=f"/cohorts/{membership.cohort.slug}/fake/{week}",
                due=due,
            )
        ]

    @hookimpl
    def lms_member_week_statuses(self, cohort, members, weeks):
        return {
            "title": "Logs",
            "statuses": {(m.id, week): self.status(m, week) for m in members for week in weeks},
        }


@pytest.fixture
def tasks(app) -> FakeTasks:
    fake = FakeTasks()
    app.extensions["lms"].register(fake, name="fake-tasks")
    return fake


@pytest.fixture
def cohort(make_cohort):
    return make_cohort(slug="autumn", name="Autumn 2026", start=START)


@pytest.fixture
def people(cohort, make_membership, make_user):
    """Two groups: in A, Tara is behind and Olive is not; in B, Bob is behind."""

    def member(role, given, group):
        user = make_user(f"{given.lower()}@example.org", given_name=given, family_name="Example")
        return make_membership(cohort, role, user=user, group=group)

    return {
        "tara": member("trainee", "Tara", "Group A"),
        "olive": member("trainee", "Olive", "Group A"),
        "theo": member("tutor", "Theo", "Group A"),
        "bob": member("trainee", "Bob", "Group B"),
        "tess": member("tutor", "Tess", "Group B"),
    }


@pytest.fixture
def send(app):
    """Run `lms reminders send` with these arguments."""

    def run(*args: str):
        db.session.commit()  # as the test client does: no lock held, the run sees our data
        result = app.test_cli_runner().invoke(args=["reminders", "send", *args])
        db.session.expire_all()
        return result

    return run
