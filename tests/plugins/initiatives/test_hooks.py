"""The plugin's hooks: tasks, navigation, personal data, demo data, evaluation; and the
app without the plugin."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from lms.core.schedule import monday_of
from lms.extensions import db
from lms.plugins.initiatives.demo import add_demo_initiatives
from lms.plugins.initiatives.models import Initiative, Milestone, Update
from lms.plugins.initiatives.privacy import ERASED_TEXT, ERASED_TITLE
from lms.plugins.initiatives.reports import cohort_summary
from tests.plugins.initiatives.conftest import TODAY, day, update_data


def tasks(app, membership, week):
    results = app.extensions["lms"].results("lms_week_tasks", membership=membership, week=week)
    return [(task.title, task.status) for task in results if "nitiative" in task.title]


def test_week_tasks_follow_the_curriculum(app, client, start_initiative, world):
    assert tasks(app, world.alice, 5) == []
    assert tasks(app, world.alice, 12) == [("Change initiative plan", "overdue")]
    assert tasks(app, world.alice, 16) == [("Initiative progress update", "not yet open")]
    assert tasks(app, world.tutor_a, 12) == []

    start_initiative(world.alice)  # record and baseline (25 November, week 12)
    db.session.expire_all()
    with app.test_request_context():
        assert tasks(app, world.alice, 12) == [("Change initiative plan", "done")]
    app.config["TODAY"] = "2026-12-29"  # week 17: the week 16 update is past due
    with app.test_request_context():
        assert tasks(app, world.alice, 16) == [("Initiative progress update", "overdue")]
        assert tasks(app, world.alice, 20) == [("Initiative progress update", "not yet open")]
    data = update_data(recorded_on=day(date(2026, 12, 28)))
    assert client.post(world.url("/mine/updates/new"), data=data).status_code == 302
    with app.test_request_context():
        assert tasks(app, world.alice, 16) == [("Initiative progress update", "done")]


def test_navigation_points_each_role_to_its_page(client, sign_in, world):
    sign_in(world.alice.user)
    page = client.get("/dashboard").get_data(as_text=True)
    assert f'href="/cohorts/{world.cohort.slug}/initiatives/mine"' in page
    assert "My initiative" in page
    sign_in(world.tutor_a.user)
    assert "/initiatives/board" in client.get("/dashboard").get_data(as_text=True)
    sign_in(world.lead.user)
    assert "/initiatives/overview" in client.get("/dashboard").get_data(as_text=True)


def test_personal_data_is_exported_and_erased_keeping_aggregates(
    app, client, start_initiative, sign_in, world
):
    initiative = start_initiative(world.alice)
    update = db.session.scalar(select(Update))
    sign_in(world.tutor_a.user)
    client.post(
        world.url(f"/{initiative.id}/updates/{update.id}/comments"), data={"body": "Good start"}
    )
    plugin = app.extensions["lms"].get_plugin("initiatives")
    data = plugin.lms_personal_data(user=world.alice.user)
    record = data["initiatives"][0]
    assert record["title"] == "Carers shaping respite booking"
    assert record["updates"][0]["rung"] == 4
    assert record["updates"][0]["comments"] == ["Good start"]
    tutor_data = plugin.lms_personal_data(user=world.tutor_a.user)
    assert tutor_data["initiative_comments_written"][0]["comment"] == "Good start"

    plugin.lms_erase_personal_data(user=world.alice.user)
    db.session.commit()
    db.session.expire_all()
    erased = db.session.get(Initiative, initiative.id)
    assert erased.title == ERASED_TITLE
    assert erased.problem == "" and erased.roles == ""
    (update,) = erased.updates
    assert (update.narrative, update.rag_reason, update.rung) == ("", "", 4)
    assert update.comments[0].body == ERASED_TEXT
    barriers = {name for name, _ in cohort_summary(world.cohort).barriers}
    assert barriers == {"Organisational structures", "Silo working"}


def test_demo_data_is_varied_and_idempotent(app, make_cohort, make_membership):
    start = monday_of(TODAY) - timedelta(weeks=10)
    cohort = make_cohort(start=start, breaks=(start + timedelta(weeks=6),))
    for number in range(18):
        make_membership(cohort, group=("Group A", "Group B")[number % 2], organisation="Org")
    assert add_demo_initiatives(cohort) == 18
    db.session.commit()
    assert add_demo_initiatives(cohort) == 0
    assert db.session.scalar(select(func.count()).select_from(Initiative)) == 18
    rags = [u.updates[-1].rag for u in db.session.scalars(select(Initiative)) if u.updates]
    assert {"green", "amber", "red"} <= set(rags)
    climbed = [
        i for i in db.session.scalars(select(Initiative)) if i.updates[-1].rung > i.updates[0].rung
    ]
    assert len(climbed) >= 5
    finished = [i for i in db.session.scalars(select(Initiative)) if i.planned_end < TODAY]
    assert len(finished) == 1
    assert all(m.done_on for m in finished[0].milestones)
    assert db.session.scalar(select(func.count()).select_from(Milestone)) == 54
    summary = cohort_summary(cohort)
    assert summary.barriers[0][0] in {"Organisational structures", "Silo working"}


def test_evaluation_tables_come_through_the_hook(app, world):
    tables = app.extensions["lms"].get_plugin("initiatives").lms_evaluation_tables(world.cohort)
    titles = [table["title"] for table in tables]
    assert any(title.startswith("Participation on Arnstein's ladder") for title in titles)


def test_the_app_works_without_the_plugin(make_app, make_membership, world):
    app = make_app(DISABLED_PLUGINS=["initiatives"])
    assert not any(rule.endpoint.startswith("initiatives.") for rule in app.url_map.iter_rules())
    client = app.test_client()
    response = client.post(
        "/sign-in", data={"email": world.alice.user.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert "My initiative" not in page.get_data(as_text=True)
    assert client.get(f"/cohorts/{world.cohort.slug}/initiatives/mine").status_code == 404
