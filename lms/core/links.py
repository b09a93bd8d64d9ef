"""Absolute links for emails, from the one setting that names the public address.

A link in an email must point where the recipient can reach the service, which the app
cannot guess from inside (it may sit behind a proxy, or run from cron): `LMS_BASE_URL`
says it. Without it, nothing that carries a link is sent, rather than a link that leads
nowhere (http://127.0.0.1:5000 on the recipient's own machine)."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for


class BaseUrlMissing(RuntimeError):
    def __init__(self) -> None:
        super().__init__(
            "Emails with links cannot be sent: the service's public address is not set. "
            "Set LMS_BASE_URL (for example https://lms.example.org) and try again."
        )


def base_url() -> str:
    """The public address without a trailing slash; raises BaseUrlMissing when unset."""
    base = str(current_app.config.get("BASE_URL") or "").strip().rstrip("/")
    if not base:
        raise BaseUrlMissing()
    return base


def has_base_url() -> bool:
    return bool(str(current_app.config.get("BASE_URL") or "").strip())


def absolute(path: str) -> str:
    """`path` (from url_for) on the public address."""
    if path.startswith(("http://", "https://")):
        return path
    return base_url() + path


def external_url(endpoint: str, **values) -> str:
    """url_for on the public address, also from the CLI (outside any request)."""
    base = base_url()
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context():
        return base + url_for(endpoint, **values)
