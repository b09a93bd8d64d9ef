"""The reflections plugin's answers to other plugins: week links (who may read what) and
its evaluation table (figures only, in the evaluation contract's shape)."""

from __future__ import annotations

from lms.plugins import reflections as plugin
from tests.conftest import record_consent
from tests.plugins.reflections.test_data import weekly_table, write


def links(app, cohort, members, weeks, viewer):
    with app.test_request_context():
        return plugin.lms_member_week_links(members=members, weeks=weeks, viewer=viewer)


def test_week_links_follow_the_tutor_rules(app, cohort, trainee, tutor, make_membership):
    shared = write(trainee, week=2)
    private = write(trainee, week=3)
    private.shared = False
    write(trainee, week=4, submit=False)  # a draft: tutors never read drafts
    other_tutor = make_membership(cohort, "tutor", group="Group B")
    lead = make_membership(cohort, "lead")
    expert = make_membership(cohort, "expert")
    weeks = [1, 2, 3, 4]

    found = links(app, cohort, [trainee], weeks, tutor)
    assert found == {
        (trainee.id, 2): ("Week 2 reflection", f"/cohorts/spring/reflections/review/{shared.id}")
    }
    own = links(app, cohort, [trainee], weeks, trainee)
    assert sorted(week for _, week in own) == [2, 3, 4]
    assert own[(trainee.id, 4)][1] == "/cohorts/spring/reflections/weeks/4"
    for viewer in (other_tutor, lead, expert, None):
        assert links(app, cohort, [trainee], weeks, viewer) == {}
    # Another trainee never gets links to someone else's entries.
    classmate = make_membership(cohort, "trainee", group="Group A")
    assert links(app, cohort, [trainee], weeks, classmate) == {}


def test_the_evaluation_table_is_figures_in_the_contract_shape(app, cohort, trainee):
    record_consent(trainee, True)
    write(trainee, week=2, text="Private words")
    table = weekly_table(cohort)
    assert table["key"] == "reflections-weekly" and table["section"] == "engagement"
    assert table.get("kind", "figures") == "figures"
    assert set(table["count_columns"]) <= set(table["columns"])
    assert table["chart"]["kind"] == "line" and table["chart"]["x"] == "Week"
    assert "Private words" not in repr(table)
