"""Initiative partners in real Chromium: a trainee invites a carer through the page; the
sign-in email goes out over SMTP (an aiosmtpd server catches it); the carer opens the
link on a phone (390 CSS px), reads the initiative, gives their view of the update and a
comment; the trainee sees both beside their own view."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import time
from datetime import date

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect
from werkzeug.serving import WSGIRequestHandler

from lms.extensions import db
from tests.browser.conftest import TODAY

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

PHONE = {"width": 390, "height": 844}
TITLE = "Carers shaping respite booking"
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/cohorts/\S+/partners/sign-in/\S+)")


class Inbox:
    """An SMTP server's handler: every message it is given, as parsed email."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted"

    def wait_for(self, to: str, timeout: float = 30.0) -> email.message.EmailMessage:
        deadline = time.monotonic() + timeout  # waiting for delivery, not timing anything
        while time.monotonic() < deadline:
            for message in self.messages:
                if message["To"] == to:
                    return message
            time.sleep(0.05)
        raise AssertionError(f"no email to {to}; got {[m['To'] for m in self.messages]}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_inbox(app, live_server):
    """A real SMTP server on 127.0.0.1; the app sends its email there.

    The app sends an email once its response is closed. Werkzeug's threaded test server
    speaks HTTP/1.1 and, before closing a response, reads whatever else the browser sends
    on that kept-alive connection, so the close (and the email) may wait for the browser
    to let go. Here the server speaks HTTP/1.0: one request per connection."""
    live_server._server.RequestHandlerClass = type(
        "OneRequestPerConnection", (WSGIRequestHandler,), {"protocol_version": "HTTP/1.0"}
    )
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_BACKEND="smtp", MAIL_HOST="127.0.0.1", MAIL_PORT=port)
    yield inbox
    controller.stop()


@pytest.fixture
def initiative(course):
    """The trainee's initiative and baseline, through the services the pages use."""
    from lms.plugins.initiatives import services

    recorded = services.save_initiative(
        course.trainee_membership,
        services.InitiativeDetails(
            title=TITLE,
            planned_start=date(2026, 10, 1),
            planned_end=date(2027, 6, 30),
            organisation="Carers Network",
            problem="Carers cannot book respite when they need it.",
            aim="Carers and staff redesign booking together.",
        ),
    )
    services.add_update(
        recorded,
        services.UpdateDetails(
            recorded_on=date(2026, 11, 11),
            rag="amber",
            rag_reason="The first meeting was late.",
            rung=6,
            scores={"culture": 2, "practice": 2, "structure": 1, "review": 1},
            narrative="We agreed the terms of reference together.",
            next_steps="Carers test the new booking form.",
        ),
        TODAY,
    )
    db.session.commit()
    return recorded


def test_a_trainee_invites_a_partner_who_takes_part_from_a_phone(
    course, initiative, needs_plugin, smtp_inbox, open_page, audit, sign_in
):
    needs_plugin("initiatives")
    trainee = open_page()
    sign_in(trainee, course.trainee)
    trainee.goto(f"/cohorts/{course.cohort.slug}/initiatives/{initiative.id}")
    trainee.get_by_role("link", name="Your partners (0)").click()
    expect(trainee.get_by_role("heading", level=1)).to_have_text("Your partners")
    audit(trainee, "no partners yet")

    trainee.get_by_role("button", name="Invite partner").click()
    expect(trainee).to_have_title(re.compile("^Error: "))
    audit(trainee, "invitation with errors", status=400)
    trainee.get_by_label("Their name").fill("Sam Carer")
    trainee.get_by_label("Their email address").fill("sam.carer@example.net")
    trainee.get_by_label("A carer").check()
    trainee.get_by_role("button", name="Invite partner").click()
    expect(trainee.get_by_text("Sam Carer is invited.")).to_be_visible()
    audit(trainee, "a partner invited")

    message = smtp_inbox.wait_for("sam.carer@example.net")
    body = message.get_body(("plain",)).get_content()
    assert "Aisha Rahman has asked you to work with them" in body
    link = LINK.search(body).group(1)

    # The partner, on a phone, has never signed in here and has no password.
    phone = open_page(viewport=PHONE)
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hello Sam Carer")
    audit(phone, "the link opened")
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(phone.get_by_text("You work on this with Aisha Rahman")).to_be_visible()
    expect(phone.get_by_text("Carers cannot book respite when they need it.")).to_be_visible()
    audit(phone, "the partner's page")

    phone.get_by_role("button", name=re.compile("^Give your view")).click()
    expect(phone.get_by_role("group", name="How much say did you have?")).to_be_visible()
    audit(phone, "the view form")
    phone.get_by_text("What is the ladder?").click()
    expect(phone.get_by_text("It has 8 steps, called rungs.")).to_be_visible()
    phone.get_by_label("They asked what I think. They did not promise to act on it.").check()
    phone.get_by_label("What changed for you?").fill("I was listened to, but late.")
    phone.get_by_role("button", name="Save my view").click()
    expect(phone.get_by_text("Thank you. Your view is saved.")).to_be_visible()
    expect(phone.get_by_text("I was listened to, but late.")).to_be_visible()
    phone.get_by_label("Your comment").fill("Evening slots would help carers who work.")
    phone.get_by_role("button", name="Send comment").click()
    expect(phone.get_by_text("Thank you. Your comment is sent.")).to_be_visible()
    audit(phone, "view and comment given")

    # The same link does not work twice: a clear page offers a new one.
    again = open_page(viewport=PHONE)
    again.goto(link)
    expect(again.get_by_role("heading", level=1)).to_have_text("This link has already been used")
    expect(again.get_by_role("button", name="Send me a new link")).to_be_visible()
    audit(again, "the link used twice", status=410)

    # The trainee reads the partner's view beside their own, and the comment.
    trainee.goto(f"/cohorts/{course.cohort.slug}/initiatives/{initiative.id}")
    views = trainee.get_by_role("table", name=re.compile("Rung on Arnstein's ladder"))
    expect(views.get_by_role("row", name=re.compile("^You"))).to_contain_text("6. Partnership")
    expect(views.get_by_role("row", name=re.compile("^Sam Carer"))).to_contain_text(
        "4. Consultation"
    )
    expect(views).to_contain_text("I was listened to, but late.")
    expect(trainee.get_by_text("Evening slots would help carers who work.")).to_be_visible()
    audit(trainee, "the partner's view beside the trainee's")
