"""Plain values that cross the plugin boundary. Plugins return these from hooks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

ROLES = ("trainee", "tutor", "lead", "expert")
"""Roles a member can hold in a cohort. `admin` is a site-wide flag on the user.

`expert` is an expert by experience: a service user or carer invited to the cohort as a
reviewer. Capabilities name their roles explicitly, so an expert holds only what is
declared for "expert" (the initiatives plugin's `initiatives.review`)."""

ROLE_NAMES = {
    "trainee": "Trainee",
    "tutor": "Tutor",
    "lead": "Lead",
    "expert": "Expert by experience",
}


@dataclass(frozen=True)
class Capability:
    """Something a role may do, e.g. `reflections.review`, granted per cohort role."""

    name: str
    description: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class NavItem:
    """A link in the header's service navigation."""

    text: str
    endpoint: str
    order: int = 50
    values: dict = field(default_factory=dict)
    badge: int | None = None  # a count shown beside the text (unread notifications)


@dataclass(frozen=True)
class Task:
    """Something a member should do in a course week (shown on the dashboard)."""

    title: str
    status: str  # to do | in progress | due | overdue | done | reviewed | not yet open | closed
    href: str | None = None
    due: date | None = None
    hint: str | None = None


@dataclass(frozen=True)
class Panel:
    """A block on a role dashboard: a heading and a template with its context."""

    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50


@dataclass(frozen=True)
class CodableText:
    """A piece of free text the evaluation may code thematically (hook `lms_codable_texts`).

    Only text its author consented to evaluation use, from an active trainee, is ever
    returned; a text that stops being returned (consent withdrawn, member left, erased)
    drops out of every coding view and export at the next read."""

    source: str  # stable key, "<plugin>:<record id>:<part>", e.g. "reflections:123:analysis"
    kind: str  # "reflection" | "survey" | "initiative"
    label: str  # what it answers, without names, e.g. "Week 3 reflection: Analysis"
    text: str
    membership_id: int  # the author's membership; the evaluation shows a pseudonym only
    week: int | None = None  # the course week it belongs to (None if not week-bound)


MAX_RECORD_ID = 2**31 - 1  # PostgreSQL INTEGER: a larger id names no record


def record_id(text: str) -> int | None:
    """A record id written in a URL or form, or None if it cannot name a record: only
    ASCII digits (isdigit() alone lets in "²", which int() refuses), within the range the
    database can bind (a larger number raises OverflowError in the driver)."""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= MAX_RECORD_ID else None


def source_ids(sources, plugin: str) -> set[int]:
    """The record ids of one plugin's `CodableText.source` keys; malformed keys and ids
    past the database's range are left out (they name no text)."""
    ids = set()
    for key in sources:
        parts = str(key).split(":")
        if len(parts) == 3 and parts[0] == plugin and (number := record_id(parts[1])):
            ids.add(number)
    return ids


@dataclass(frozen=True)
class SessionDetails:
    """When and where a course week's taught session happens (hook `lms_session_details`).

    `starts` and `ends` are timezone-aware, in Europe/London: the wall-clock time people
    see, correct on either side of the March and October clock changes."""

    week: int
    starts: datetime
    ends: datetime
    venue: str = ""
    link: str = ""

    @property
    def hours(self) -> float:
        return (self.ends - self.starts).total_seconds() / 3600

    @property
    def time_text(self) -> str:
        return f"{_clock(self.starts)} to {_clock(self.ends)}"

    @property
    def place_text(self) -> str:
        if self.venue and self.link:
            return f"{self.venue}, or join online"
        return self.venue or "Online"


@dataclass(frozen=True)
class CriterionProgress:
    """Where a member stands against one completion criterion (hook
    `lms_completion_progress`): `value` of `target` so far (e.g. 24 of 28 reflections),
    `met` once the criterion is satisfied, and `possible` while it still can be."""

    value: float
    target: float
    met: bool
    possible: bool = True
    on_pace: bool = True  # at the rate so far, the member would meet it by the end
    text: str = ""  # e.g. "24 of 30 submitted"


def _clock(moment: datetime) -> str:
    """GOV.UK style times: 10am, 1:30pm, midday."""
    if moment.hour == 12 and moment.minute == 0:
        return "midday"
    text = f"{moment:%-I:%M%p}".lower()
    return text.replace(":00", "")


EMAIL_CHOICES = ("immediately", "daily", "weekly", "never")
"""How a person may ask to be emailed about a kind of notification."""


@dataclass(frozen=True)
class NotificationKind:
    """A kind of event a plugin tells people about (hook `lms_notification_kinds`).

    `id` is ``"<plugin>.<event>"``, e.g. ``"reflections.feedback"``; `label` is what the
    preferences page and emails call it, in plain words ("A tutor left feedback on your
    reflection"); `email` is the default email preference, one of `EMAIL_CHOICES`;
    `roles` are the cohort roles it can concern (the preferences page shows a person
    only the kinds for their roles)."""

    id: str
    label: str
    email: str = "daily"
    roles: tuple[str, ...] = ROLES
