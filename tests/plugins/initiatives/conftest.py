"""Fixtures for the initiatives tests: a cohort with two tutor groups, a pinned date,
and helpers that post the plugin's forms as a browser would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from lms.core.models import Cohort, Membership

# The cohort starts on Monday 7 September 2026 (no breaks): today is in course week 15,
# after the week 12 plan was due and before the week 16 update opens.
START = date(2026, 9, 7)
TODAY = date(2026, 12, 14)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "TODAY": TODAY.isoformat()}


@dataclass
class World:
    cohort: Cohort
    alice: Membership  # trainee, Group A
    bob: Membership  # trainee, Group A
    carol: Membership  # trainee, Group B
    tutor_a: Membership
    tutor_b: Membership
    lead: Membership

    def url(self, path: str = "") -> str:
        return f"/cohorts/{self.cohort.slug}/initiatives{path}"


@pytest.fixture
def world(make_cohort, make_membership, make_user) -> World:
    cohort = make_cohort(slug="north-2026", start=START)
    return World(
        cohort=cohort,
        alice=make_membership(cohort, group="Group A", user=make_user(given_name="Alice")),
        bob=make_membership(cohort, group="Group A", user=make_user(given_name="Bob")),
        carol=make_membership(cohort, group="Group B", user=make_user(given_name="Carol")),
        tutor_a=make_membership(cohort, "tutor", group="Group A"),
        tutor_b=make_membership(cohort, "tutor", group="Group B"),
        lead=make_membership(cohort, "lead"),
    )


def day(value: date) -> list[str]:
    """A date as the three boxes of the GOV.UK date input."""
    return [str(value.day), str(value.month), str(value.year)]


def record_data(**overrides) -> dict:
    data = {
        "title": "Carers shaping respite booking",
        "organisation": "Carers Network",
        "service": "Respite",
        "problem": "Carers cannot book respite when they need it.",
        "aim": "Carers and staff redesign booking together.",
        "service_users": "3",
        "carers": "4",
        "staff": "2",
        "partners": "1",
        "roles": "Carers co-chair the design group.",
        "planned_start": day(date(2026, 10, 1)),
        "planned_end": day(date(2027, 6, 30)),
        "evidence": "https://example.org/plan",
    }
    data.update(overrides)
    return data


def update_data(**overrides) -> dict:
    data = {
        "recorded_on": day(date(2026, 11, 25)),
        "rag": "green",
        "rag_reason": "The design group met twice.",
        "narrative": "We agreed the terms of reference together.",
        "rung": "4",
        "culture": "2",
        "practice": "2",
        "structure": "1",
        "review": "1",
        "barriers": ["silos", "structures"],
        "other_barriers": "",
        "enablers": ["sponsor"],
        "other_enablers": "",
        "next_steps": "Pilot the new booking form.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def start_initiative(client, sign_in, world):
    """Sign in as a trainee and record their initiative (and optionally a baseline)."""

    def start(member=None, baseline: bool = True, **record):
        member = member or world.alice
        sign_in(member.user)
        response = client.post(world.url("/mine/edit"), data=record_data(**record))
        assert response.status_code == 302, response.get_data(as_text=True)
        if baseline:
            response = client.post(world.url("/mine/updates/new"), data=update_data())
            assert response.status_code == 302, response.get_data(as_text=True)
        from lms.plugins.initiatives.services import initiative_of

        return initiative_of(member)

    return start


@pytest.fixture
def sign_in(client, login_as):
    """Sign in as `user`, signing whoever was signed in out first."""

    def switch(user):
        # A new browser, in effect: no session and no remember-me cookie.
        for name in ("session", "remember_token"):
            client.delete_cookie(name)
        return login_as(user)

    return switch
