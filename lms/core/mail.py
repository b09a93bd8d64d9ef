"""Sending email. In development messages go to the log; tests read an outbox."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("lms.mail")


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def outbox() -> list[Message]:
    """Messages sent with MAIL_BACKEND=memory (tests)."""
    return current_app.extensions.setdefault("lms_outbox", [])


def send(
    to: str, subject: str, body: str, html: str | None = None, headers: dict[str, str] | None = None
) -> None:
    """Send a plain-text email, with an optional HTML alternative and extra headers."""
    send_all([Message(to, subject, body, html, dict(headers or {}))])


def send_all(messages: list[Message]) -> None:
    """Send many messages; over SMTP through one connection (a roster's invitations)."""
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "memory":
        outbox().extend(messages)
    elif backend == "smtp":
        if messages:
            _send_smtp(messages)
    else:
        for message in messages:
            log.warning("Email to %s: %s\n\n%s", message.to, message.subject, message.body)


def _email(message: Message) -> EmailMessage:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.to
    email["Subject"] = message.subject
    for name, value in message.headers.items():
        email[name] = value
    email.set_content(message.body)
    if message.html:
        email.add_alternative(message.html, subtype="html")
    return email


def _send_smtp(messages: list[Message]) -> None:
    config = current_app.config
    host, port = config["MAIL_HOST"], int(config["MAIL_PORT"])
    timeout = int(config["MAIL_TIMEOUT"])
    context = ssl.create_default_context()  # verify the server's certificate
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if config["MAIL_STARTTLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=context)
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        for message in messages:
            smtp.send_message(_email(message))
