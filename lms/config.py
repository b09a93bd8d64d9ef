"""Settings with safe defaults; every one can be overridden from the environment.

`LMS_<NAME>` sets `<NAME>`; `DATABASE_URL` sets the database. Values are parsed as
booleans, integers or comma-separated lists when the default has that type.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

DEFAULTS: dict[str, object] = {
    "SQLALCHEMY_DATABASE_URI": None,  # default: sqlite file in the instance folder
    "SQLITE_BUSY_TIMEOUT_MS": 10_000,
    "SECRET_KEY": None,  # default: generated into the instance folder on first run
    "CURRICULUM_PATH": None,  # default: the programme shipped inside the package
    # How soon an edited curriculum file is served (looking costs more than a light page).
    "CURRICULUM_RECHECK_SECONDS": 2.0,
    "DISABLED_PLUGINS": [],
    "SAFE_MODE": False,  # load no plugins at all
    "COOKIE_SECURE": True,
    "MAIL_BACKEND": "console",  # console | memory | smtp
    "MAIL_FROM": "Involving People <no-reply@involving-people.invalid>",
    "MAIL_HOST": "localhost",
    "MAIL_PORT": 25,
    "MAIL_STARTTLS": False,
    "MAIL_USE_SSL": False,  # SMTPS, usually port 465
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_TIMEOUT": 30,
    "INVITATION_MAX_AGE_DAYS": 14,
    "RESET_MAX_AGE_MINUTES": 60,
    "LOGIN_LIMIT_PER_ADDRESS": "20 per 10 minutes",
    "LOGIN_LIMIT_PER_ACCOUNT": "5 per 10 minutes",
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_ENABLED": True,
    "WTF_CSRF_TIME_LIMIT": None,  # tokens last as long as the session: long drafts
    # The service's public address, for links in emails (e.g. https://lms.example.org).
    # Unset, nothing with a link is sent: `lms demo` sets it to where it serves.
    "BASE_URL": "",
    # Proxies in front of the app (load balancer, nginx): their X-Forwarded-* headers are
    # trusted for this many hops, so limits and the audit log see the client's address.
    "TRUSTED_PROXIES": 0,
    # Redis for background jobs (RQ), e.g. redis://localhost:6379/0: notifications are
    # queued as they happen and emailed by `rq worker notifications`. Unset, the cron
    # command `lms notifications send` sends them (it also catches what the queue missed).
    "REDIS_URL": "",
    "TODAY": "",  # pin today's date (YYYY-MM-DD) for demos and tests
    "SESSION_IDLE_HOURS": 12,
    "REMEMBER_DAYS": 30,  # "Keep me signed in" lasts this long (sign-out ends it sooner)
    # Bodies larger than this are refused (413) before they are read; the largest
    # legitimate upload is a roster or evidence file.
    "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
    # Evidence files: each up to this size (the whole request stays within the limit
    # above); kept under FILES_PATH (default: instance/files) or, when a bucket is named,
    # in an S3-compatible store (credentials as boto3 finds them: AWS_* variables...).
    "FILES_MAX_MB": 8,
    "FILES_PATH": "",
    "FILES_S3_BUCKET": "",
    "FILES_S3_PREFIX": "evidence/",
    "FILES_S3_ENDPOINT_URL": "",  # e.g. https://minio.example.org for a non-AWS store
    "FILES_S3_REGION": "",
    # ClamAV's daemon: a socket path (/run/clamav/clamd.ctl) or host:port. Empty: no scan.
    "FILES_CLAMD": "",
    "RETENTION_DAYS": 365,  # archived cohorts' personal data is purged after this
    "MIN_CELL_SIZE": 5,  # figures about fewer people than this are never shown
    "SURVEYS_REQUIRE_CONSENT": True,  # survey analysis uses consenting members only
    "INITIATIVES_STUCK_WEEKS": 6,  # an initiative with no update for this long is stuck
    "PARTNER_LINK_MAX_AGE_HOURS": 72,  # an initiative partner's emailed sign-in link
    "CALENDAR_SESSION_TIME": "",  # e.g. "18:00" (Europe/London); empty: whole-day events
    "CALENDAR_SESSION_MINUTES": 120,
    "CALENDAR_FEED_LIMIT": "60 per hour",
}


def _parse(raw: str, default: object) -> object:
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, list):
        return [item.strip() for item in raw.split(",") if item.strip()]
    return raw


def from_environment(environ: os._Environ | dict[str, str] | None = None) -> dict[str, object]:
    """The defaults, overridden by `LMS_*` variables and `DATABASE_URL`."""
    environ = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    for name, default in DEFAULTS.items():
        raw = environ.get(f"LMS_{name}")
        if raw is not None:
            settings[name] = _parse(raw, default)
    if environ.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = environ["DATABASE_URL"]
    if environ.get("RATELIMIT_STORAGE_URI"):
        settings["RATELIMIT_STORAGE_URI"] = environ["RATELIMIT_STORAGE_URI"]
    return settings


def instance_secret_key(instance_path: Path) -> str:
    """Read the secret key from the instance folder, creating it on first run."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        # Create with owner-only permissions before writing the key.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()
