"""Today's date, in one place, so the demo, tests and browser runs can fix it.

`LMS_TODAY=YYYY-MM-DD` pins the date (useful for demos and screenshots)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

from flask import current_app, has_app_context


def today() -> date:
    if has_app_context():
        pinned = current_app.config.get("TODAY")
        if pinned:
            return pinned if isinstance(pinned, date) else date.fromisoformat(pinned)
    return date.today()


@contextmanager
def pinned_today(on: date | None):
    """Pin the app's date for a command's run (`--today`), so statuses and schedules
    use it; nothing changes when `on` is None."""
    if on is None:
        yield
        return
    before = current_app.config.get("TODAY")
    current_app.config["TODAY"] = on
    try:
        yield
    finally:
        current_app.config["TODAY"] = before
