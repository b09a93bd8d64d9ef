"""Fixtures for the reflections tests: a cohort mid-way through week 4, its people."""

from __future__ import annotations

import re
from datetime import date

import pytest

# The cohort starts Monday 7 September 2026; on 1 October weeks 1-4 are open, weeks 1-3
# are past their due date (session + 6 days) and week 4 is due on 4 October.
TODAY = date(2026, 10, 1)
GIBBS = ("what_happened", "feelings", "evaluation", "analysis", "conclusion", "action_plan")


@pytest.fixture
def app_config(app_config):
    return {**app_config, "TODAY": TODAY}


@pytest.fixture
def cohort(make_cohort):
    return make_cohort(slug="spring", start=date(2026, 9, 7))


@pytest.fixture
def trainee(cohort, make_membership, make_user):
    user = make_user(given_name="Tara", family_name="Trainee")
    return make_membership(cohort, "trainee", user=user, group="Group A")


@pytest.fixture
def tutor(cohort, make_membership, make_user):
    user = make_user(given_name="Theo", family_name="Tutor")
    return make_membership(cohort, "tutor", user=user, group="Group A")


def answers(**texts) -> dict:
    """Form fields for a Gibbs-cycle week: every answer filled unless given."""
    return {f"answer_{pid}": texts.get(pid, f"My answer about {pid}.") for pid in GIBBS}


def editor(cohort, week: int = 4) -> str:
    return f"/cohorts/{cohort.slug}/reflections/weeks/{week}"


def based_on(page: str) -> str:
    return re.search(r'name="based_on" type="hidden" value="(\d*)"', page).group(1)


def week_statuses(page: str) -> list[str]:
    """The status tags of the trainee's list of weeks, in order."""
    return re.findall(r'id="week-\d+-status">\s*<strong[^>]*>\s*([^<]+?)\s*<', page)
