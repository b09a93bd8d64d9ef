"""Plugin pages load in a fixed number of queries, whatever the cohort size.

Each size gets a cohort filled by the benchmark generator (`benchmarks.seed`): every
trainee has a reflection for nearly every week (versions, feedback, replies), an
initiative with milestones, updates, tags and comments, and survey responses. The
cohort is in week 35, so the post survey is open and every other wave has closed.
A page passes when it sends the same number of statements for 5 members as for 50,
and no more than its budget (which catches a new query per page creeping in).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from benchmarks.seed import seed
from lms.core.models import Cohort, Membership
from lms.extensions import db
from lms.plugins.initiatives.models import Initiative
from lms.plugins.reflections.models import Entry
from tests.conftest import _PASSWORD_HASH, PASSWORD

TODAY = "2027-06-16"
SIZES = (5, 50)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "TODAY": TODAY}


def _ids(cohort_slug: str) -> dict:
    """Records the URLs need: an entry in the tutor's queue, the trainee's initiative."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == cohort_slug))
    trainee = db.session.scalar(
        select(Membership)
        .where(Membership.cohort_id == cohort.id, Membership.role == "trainee")
        .order_by(Membership.id)
    )
    entry = db.session.scalar(
        select(Entry.id).where(
            Entry.membership_id == trainee.id, Entry.submitted_version > 0, Entry.shared
        )
    )
    initiative = db.session.scalar(
        select(Initiative.id).where(Initiative.membership_id == trainee.id)
    )
    return {
        "slug": cohort.slug,
        "entry": entry,
        "initiative": initiative,
        "group": trainee.tutor_group_id,
    }


# page: (role, path, budget). A budget is the count measured when it was set plus two
# (room for a small fixed addition). Lower it when a page gets cheaper; raise it only
# for a fixed number of new queries, never to hide one per member or per week.
# Every signed-in page has one more since notifications: the header's unread count.
PAGES = {
    # +5 with the sessions plugin: the session's time and place (core asks the hook),
    # and the attendance panel (marks, registers taken, certificate).
    # The to-do lists: +1 unread count, +1 unread news; the tutor's +4 (review queue,
    # replies, the register's members and marks) and next session; the lead's +2 consent.
    # Evidence files: +1 on the editor, review entry and initiative pages (the file list).
    # Partners: +3 on the owner's initiative (partners, their views, their comments).
    # Evaluation: +1 the consenting trainees the reflections table counts (one list with
    # the engagement tables), +1 the partners' view of change.
    "trainee dashboard": ("trainee", "/dashboard", 15),
    "tutor dashboard": ("tutor", "/dashboard", 13),
    "lead dashboard": ("lead", "/dashboard", 11),
    "35-week progress": ("trainee", "/cohorts/{slug}/progress", 8),
    "reflection editor": ("trainee", "/cohorts/{slug}/reflections/weeks/35", 10),
    "reflection history": ("trainee", "/cohorts/{slug}/reflections/weeks/3/history", 6),
    "reflections week list": ("trainee", "/cohorts/{slug}/reflections/", 5),
    "review queue": ("tutor", "/cohorts/{slug}/reflections/review", 5),
    "review entry": ("tutor", "/cohorts/{slug}/reflections/review/{entry}", 9),
    "reflections grid": ("tutor", "/cohorts/{slug}/reflections/grid", 6),
    "group grid": ("tutor", "/cohorts/{slug}/groups/{group}", 6),
    "own initiative": ("trainee", "/cohorts/{slug}/initiatives/{initiative}", 18),
    "initiative page": ("tutor", "/cohorts/{slug}/initiatives/{initiative}", 15),
    "initiative board": ("tutor", "/cohorts/{slug}/initiatives/board", 9),
    "initiatives overview": ("lead", "/cohorts/{slug}/initiatives/overview", 8),
    "surveys list": ("trainee", "/cohorts/{slug}/surveys/", 5),
    "survey answer page": ("trainee", "/cohorts/{slug}/surveys/post", 5),
    "survey results": ("lead", "/cohorts/{slug}/surveys/results", 7),
    "evaluation dashboard": ("lead", "/cohorts/{slug}/evaluation", 16),
    "register": ("tutor", "/cohorts/{slug}/register/35", 7),
    "cohort attendance": ("lead", "/cohorts/{slug}/attendance", 9),
    "completion": ("lead", "/cohorts/{slug}/completion", 14),
    "evaluation texts": ("lead", "/cohorts/{slug}/evaluation/texts", 9),
    "evaluation texts filtered": (
        "lead",
        "/cohorts/{slug}/evaluation/texts?q=the&week=3&sector=voluntary&status=not-mine",
        9,
    ),
    "evaluation printable report": ("lead", "/cohorts/{slug}/evaluation/report", 16),
    "evaluation XLSX report": ("lead", "/cohorts/{slug}/evaluation/report.xlsx", 16),
    "evaluation heatmap chart": (
        "lead",
        "/cohorts/{slug}/evaluation/charts/engagement-heatmap.svg",
        6,
    ),
    "evaluation comparison": ("lead", "/evaluation/compare", 10),
}


def statements_of(app, count_queries, size: int, role: str, path: str) -> list[str]:
    from lms.core.clock import today

    seeded = seed(
        size,
        1,
        today=today(),
        group_size=size,
        label=f"q{size}",
        password_hash=_PASSWORD_HASH,
        under_way=(35,),
    )
    logins = seeded.cohorts[0]
    url = path.format(**_ids(logins["slug"]))
    client = app.test_client()
    client.post("/sign-in", data={"email": logins[role], "password": PASSWORD})
    client.get(url)  # first visit: caches (curriculum, templates) warm up
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return list(counter.statements)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_plugin_page_queries_do_not_grow_with_the_cohort(app, count_queries, page):
    role, path, budget = PAGES[page]
    small, large = (len(statements_of(app, count_queries, n, role, path)) for n in SIZES)
    assert small == large, f"{page}: {small} queries for {SIZES[0]} members, {large} for 50"
    assert large <= budget, f"{page}: {large} queries, over its budget of {budget}"


def _autosave_statements(app, count_queries, size: int) -> tuple[list[str], dict]:
    from lms.core.clock import today
    from lms.core.curriculum_loader import programme

    seeded = seed(
        size, 1, today=today(), group_size=size, label=f"a{size}",
        password_hash=_PASSWORD_HASH, under_way=(35,),
    )  # fmt: skip
    logins = seeded.cohorts[0]
    client = app.test_client()
    client.post("/sign-in", data={"email": logins["trainee"], "password": PASSWORD})
    prompts = programme("involving-people").week(34).prompts
    url = f"/cohorts/{logins['slug']}/reflections/weeks/34/autosave"
    token = client.csrf_token()
    statements, saved = [], {}
    for based_on in (2, 3):  # the seeded entry has versions 1 and 2; the first save warms up
        data = {"based_on": str(based_on), "csrf_token": token}
        data.update({f"answer_{p.id}": f"Saved text {based_on} for {p.id}" for p in prompts})
        with count_queries() as counter:
            response = client.post(url, data=data)
        statements, saved = list(counter.statements), response.get_json()
    return statements, saved


def test_saving_a_draft_costs_the_same_whatever_the_cohort_size(app, count_queries):
    small, large = (_autosave_statements(app, count_queries, size) for size in SIZES)
    assert small[1]["version"] == large[1]["version"] == 4, large[1]
    assert len(small[0]) == len(large[0]) <= 11, (len(small[0]), len(large[0]))
