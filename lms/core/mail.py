"""Sending email. In development messages go to the log; tests read an outbox."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("lms.mail")


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str


def outbox() -> list[Message]:
    """Messages sent with MAIL_BACKEND=memory (tests)."""
    return current_app.extensions.setdefault("lms_outbox", [])


def send(to: str, subject: str, body: str) -> None:
    backend = current_app.config["MAIL_BACKEND"]
    message = Message(to, subject, body)
    if backend == "memory":
        outbox().append(message)
    elif backend == "smtp":
        _send_smtp(message)
    else:
        log.warning("Email to %s: %s\n\n%s", to, subject, body)


def _send_smtp(message: Message) -> None:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.to
    email["Subject"] = message.subject
    email.set_content(message.body)
    host = config.get("MAIL_HOST", "localhost")
    port = int(config.get("MAIL_PORT", 25))
    with smtplib.SMTP(host, port, timeout=30) as smtp:
        if config.get("MAIL_STARTTLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(email)
