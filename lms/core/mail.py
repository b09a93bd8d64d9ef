"""Sending email. In development messages go to the log; tests read an outbox."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage

from flask import after_this_request, current_app, has_request_context

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


def send_after_response(to: str, subject: str, body: str) -> None:
    """Send once the response has gone out, so that the page takes as long whether or
    not an email is sent (a slow mail server must not tell who has an account)."""
    if not has_request_context():
        send(to, subject, body)
        return
    app = current_app._get_current_object()

    def deliver() -> None:
        with app.app_context():
            try:
                send(to, subject, body)
            except Exception:  # the page has been answered: all that is left is the log
                log.exception("Email to %s could not be sent", to)

    @after_this_request
    def later(response):
        response.call_on_close(deliver)
        return response


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
