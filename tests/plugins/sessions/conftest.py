"""Fixtures for the sessions plugin: a cohort with a lead, two tutor groups and trainees,
and helpers that set times and marks through the services the pages use."""

from __future__ import annotations

from datetime import date, time

import pytest

from lms.extensions import db

START = date(2026, 9, 7)  # a Monday; the clocks go back on 25 October 2026
TODAY = date(2026, 11, 18)  # in week 11


@pytest.fixture
def app_config(app_config):
    return {**app_config, "TODAY": TODAY.isoformat()}


@pytest.fixture
def cohort(make_cohort):
    return make_cohort(slug="autumn", name="Autumn 2026", start=START)


@pytest.fixture
def lead(cohort, make_membership, make_user):
    return make_membership(cohort, "lead", user=make_user(given_name="Lena", family_name="Lead"))


@pytest.fixture
def tutor(cohort, make_membership, make_user):
    user = make_user(given_name="Tom", family_name="Tutor")
    return make_membership(cohort, "tutor", user=user, group="Group A")


@pytest.fixture
def trainees(cohort, make_membership, make_user):
    """Five trainees in Group A (consenting) and one in Group B."""
    names = [("Aoife", "Byrne"), ("Ben", "Clarke"), ("Cat", "Doyle"), ("Dev", "Evans")]
    names += [("Eve", "Fox")]
    group_a = [
        make_membership(
            cohort,
            user=make_user(given_name=given, family_name=family),
            group="Group A",
            evaluation_consent=True,
        )
        for given, family in names
    ]
    other = make_membership(
        cohort, user=make_user(given_name="Zara", family_name="Young"), group="Group B"
    )
    return [*group_a, other]


def set_times(cohort, week=0, starts=time(10), ends=time(12, 30), venue="Room 1", link=""):
    from lms.plugins.sessions import timetable

    timetable.set_plan(cohort, week, starts, ends, venue, link)
    db.session.commit()


def mark(member, week, status, by=None):
    from lms.plugins.sessions import register

    register.record(member, week, status, by)
    db.session.commit()


def programme_with_completion(tmp_path, completion_yaml: str):
    """A copy of the shipped programme whose `completion:` section is `completion_yaml`."""
    import shutil
    from pathlib import Path

    import lms

    source = Path(lms.__file__).parent / "curriculum"
    target = tmp_path / "curriculum"
    shutil.copytree(source, target)
    programme = target / "involving-people" / "programme.yaml"
    text = programme.read_text()
    programme.write_text(text[: text.index("completion:")] + completion_yaml)
    return target
