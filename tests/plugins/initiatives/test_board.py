"""The tutor's board: what it shows, and that it loads in a fixed number of queries."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

from sqlalchemy import event

from lms.extensions import db
from lms.plugins.initiatives import services
from tests.plugins.initiatives.conftest import START, TODAY


def give_initiative(member, rags=("green",), milestone_due=date(2026, 11, 1)):
    initiative = services.save_initiative(
        member,
        services.InitiativeDetails(
            title=f"Initiative of {member.user.given_name}",
            planned_start=date(2026, 9, 1),
            planned_end=date(2027, 6, 1),
        ),
    )
    services.add_milestone(initiative, "Recruit", milestone_due)
    for index, rag in enumerate(rags):
        services.add_update(
            initiative,
            services.UpdateDetails(
                recorded_on=date(2026, 11, 2 + 7 * index),
                rag=rag,
                rag_reason="Because",
                rung=3 + index,
                scores={"culture": 1, "practice": 2, "structure": 1, "review": 1},
                barriers=["silos"],
            ),
            TODAY,
        )
    db.session.commit()
    return initiative


@contextmanager
def counting_queries():
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def board_queries(client, login_as, make_cohort, make_membership, trainees: int) -> int:
    cohort = make_cohort(start=START)
    tutor = make_membership(cohort, "tutor", group="Group A")
    for number in range(trainees):
        member = make_membership(cohort, group="Group A")
        give_initiative(member, rags=("green", "amber", "red")[: 1 + number % 3])
    login_as(tutor.user)
    with counting_queries() as statements:
        page = client.get(f"/cohorts/{cohort.slug}/initiatives/board").get_data(as_text=True)
    assert page.count("Initiative of Person") == trainees
    return len(statements)


def test_the_board_runs_the_same_queries_for_5_and_50_trainees(
    client, login_as, make_cohort, make_membership
):
    five = board_queries(client, login_as, make_cohort, make_membership, 5)
    client.delete_cookie("session")
    fifty = board_queries(client, login_as, make_cohort, make_membership, 50)
    assert five == fifty


def test_the_board_flags_stuck_and_overdue_initiatives(client, sign_in, world):
    give_initiative(world.alice, rags=("green", "amber"))  # at risk, overdue milestone
    give_initiative(world.bob, rags=("amber", "red"))  # off track
    sign_in(world.tutor_a.user)
    page = client.get(world.url("/board")).get_data(as_text=True)
    assert "1 initiative is stuck" in page
    assert 'Stuck</strong> <span class="govuk-!-font-weight-regular">Off track' in page
    assert "At risk since week 10" in page
    assert "Off track since week 10" in page
    assert "3 Informing → 4 Consultation" in page
    assert "1 milestone" in page


def test_no_update_for_weeks_counts_as_stuck(app, client, sign_in, world):
    give_initiative(world.alice, rags=("green",))  # last update 2 November: 6 weeks ago
    app.config["INITIATIVES_STUCK_WEEKS"] = 4
    sign_in(world.tutor_a.user)
    page = client.get(world.url("/board")).get_data(as_text=True)
    assert "No update for 6 weeks" in page
