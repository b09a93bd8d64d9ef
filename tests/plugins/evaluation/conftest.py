"""Fixtures for the evaluation tests: fake plugins that implement the hooks the
evaluation reads (so these tests do not depend on the real reflections, initiatives and
surveys plugins, which are turned off here), and a cohort of trainees."""

from __future__ import annotations

from datetime import date

import pytest

from lms.contracts import CodableText
from lms.plugins import hookimpl

TODAY = "2026-10-12"  # week 6 of a cohort that started on 7 September 2026
REAL_PLUGINS = ["reflections", "initiatives", "surveys"]


class FakeReflections:
    """Statuses for the heatmap and codable texts, with known data."""

    def __init__(self):
        self.status = lambda membership_id, week: "submitted"
        self.texts: list[CodableText] = []
        self.calls = 0
        # source -> the memberships allowed to read it (as a tutor reads only their
        # group's shared entries); a source not listed is readable by every coder.
        self.readers: dict[str, set[int]] = {}

    @hookimpl
    def lms_member_week_statuses(self, cohort, members, weeks):
        return {
            "title": "Reflections",
            "statuses": {(m.id, w): self.status(m.id, w) for m in members for w in weeks},
        }

    @hookimpl
    def lms_codable_texts(self, cohort, sources, reader):
        self.calls += 1
        return [
            t
            for t in self.texts
            if (sources is None or t.source in sources)
            and (
                reader is None
                or t.source not in self.readers
                or reader.id in self.readers[t.source]
            )
        ]

    def add_text(self, membership, text, week=3, part="analysis", prompt="Analysis"):
        item = CodableText(
            source=f"reflections:{membership.id}{week}:{part}",
            kind="reflection",
            label=f"Week {week} reflection: {prompt}",
            text=text,
            membership_id=membership.id,
            week=week,
        )
        self.texts.append(item)
        return item

    def withdraw(self, membership):
        self.texts = [t for t in self.texts if t.membership_id != membership.id]


class FakeSurveys:
    """One confidence table using the optional keys of the contract."""

    def __init__(self):
        self.tables = [
            {
                "key": "confidence-change",
                "title": "Confidence scale: change from the start to the end (paired)",
                "section": "confidence",
                "columns": ["Measure", "People paired", "Mean at start", "Mean at end"],
                "rows": [
                    ["Confidence scale score", 9, 3.1, 4.2],
                    ["I can challenge practice", 3, "", ""],
                ],
                "chart": {"kind": "slope", "x": "Measure", "y": ["Mean at start", "Mean at end"]},
                "count_columns": ["People paired"],
                "suppressed": ["Counts of 1 to 4 are shown as 'fewer than 5'."],
            }
        ]

    @hookimpl
    def lms_evaluation_tables(self, cohort):
        return self.tables


@pytest.fixture
def app_config(app_config):
    return {**app_config, "TODAY": TODAY, "DISABLED_PLUGINS": REAL_PLUGINS}


@pytest.fixture
def fakes(app):
    reflections, surveys = FakeReflections(), FakeSurveys()
    app.extensions["lms"].register(reflections, name="reflections")
    app.extensions["lms"].register(surveys, name="surveys")
    return reflections, surveys


@pytest.fixture
def cohort(make_cohort):
    return make_cohort(slug="north-2026", name="North 2026", start=date(2026, 9, 7))


@pytest.fixture
def lead(cohort, make_membership):
    return make_membership(cohort, "lead").user


@pytest.fixture
def add_trainees(make_membership):
    def add(cohort, number, **fields):
        return [
            make_membership(cohort, "trainee", evaluation_consent=True, **fields)
            for _ in range(number)
        ]

    return add


@pytest.fixture
def login_as(client, login_as):
    """Sign out first, so a test can switch from one user to another."""

    def login(user, **kwargs):
        client.post("/sign-out", data={})
        return login_as(user, **kwargs)

    return login
