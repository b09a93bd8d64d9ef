"""Completion rules as data: each trainee's standing, "at risk" from week 10, exceptions
with a reason (audited), and `lms curriculum check` naming file, line and field."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from lms.core.audit import AuditEvent
from lms.core.curriculum_loader import check_curriculum
from lms.extensions import db
from lms.plugins.sessions import completion
from tests.plugins.sessions.conftest import mark, programme_with_completion, set_times


def submit_reflections(member, weeks):
    """Through the reflections plugin's own service, as the trainee's page does."""
    from lms.plugins.reflections import services as reflections

    for week in weeks:
        answers = {
            p.id: f"Week {week}: {p.id}" for p in reflections.prompts_for(member.cohort, week)
        }
        entry = reflections.entry_of(member, week)
        reflections.save(member, week, answers, entry.current_version if entry else 0, submit=True)
    db.session.commit()


def status_of(cohort, member, day=date(2026, 11, 18)):
    return next(s for s in completion.standings(cohort, day) if s.membership.id == member.id)


def test_before_week_10_nobody_is_at_risk(cohort, tutor, trainees):
    member = trainees[0]
    for week in range(1, 6):
        mark(member, week, "absent", tutor.user)
    standing = status_of(cohort, member, date(2026, 10, 7))  # week 5
    assert standing.status == completion.ON_TRACK
    assert standing.progress["attendance"].on_pace is False


def test_from_week_10_a_trainee_behind_the_pace_is_at_risk(cohort, tutor, trainees):
    good, poor = trainees[0], trainees[1]
    for week in range(1, 11):
        mark(good, week, "present", tutor.user)
        mark(poor, week, "present" if week % 2 else "absent", tutor.user)
    submit_reflections(good, range(1, 10))
    submit_reflections(poor, range(1, 10))
    assert status_of(cohort, good).status == completion.ON_TRACK
    standing = status_of(cohort, poor)
    assert standing.status == completion.AT_RISK
    assert standing.progress["attendance"].text == ("5 of 10 sessions (50%)")
    # Criteria judged by the other plugins, through the hook.
    assert standing.progress["reflections"].text == "9 of 30 submitted"
    assert standing.progress["post-survey"].met is False
    assert standing.progress["final-review"].on_pace is True


def test_the_lead_records_an_exception_with_a_reason_and_it_is_audited(
    client_for, cohort, lead, tutor, trainees
):
    member = trainees[1]
    for week in range(1, 11):
        mark(member, week, "absent", tutor.user)
    browser = client_for(lead.user)
    page = browser.get("/cohorts/autumn/completion").get_data(as_text=True)
    assert "At risk" in page and member.user.full_name in page
    url = f"/cohorts/autumn/completion/{member.id}/exception"
    response = browser.post(url, data={"reason": ""})
    assert response.status_code == 400
    assert "Enter the reason" in response.get_data(as_text=True)
    response = browser.post(url, data={"reason": "Long illness; caught up in one-to-ones"})
    assert response.status_code == 302
    page = browser.get("/cohorts/autumn/completion").get_data(as_text=True)
    assert "Completed by exception" in page
    assert "Long illness; caught up in one-to-ones" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "completion.exception"))
    assert event.actor_id == lead.user_id and event.subject_user_id == member.user_id
    assert json.loads(event.details)["reason"] == "Long illness; caught up in one-to-ones"


@pytest.fixture
def attendance_only(app, tmp_path):
    """The programme with a single rule: 10% of sessions (4 of 35)."""
    folder = programme_with_completion(
        tmp_path,
        "completion:\n  criteria:\n    - id: attendance\n      kind: attendance\n"
        "      label: Attended at least 10% of the sessions\n      min_percent: 10\n",
    )
    from lms.core.curriculum_loader import CurriculumStore

    app.extensions["lms_curriculum"] = CurriculumStore(folder)
    return folder


def test_a_trainee_who_meets_every_rule_has_completed(attendance_only, cohort, tutor, trainees):
    set_times(cohort)
    for week in range(1, 5):
        mark(trainees[0], week, "present", tutor.user)
    mark(trainees[0], 5, "late", tutor.user)
    standing = status_of(cohort, trainees[0])
    assert standing.status == completion.COMPLETED
    assert standing.cpd_hours == 12.5  # five sessions of 2.5 hours
    assert status_of(cohort, trainees[1]).status == completion.AT_RISK  # 0 of 5 so far
    finished = status_of(cohort, trainees[1], date(2027, 6, 1))
    assert finished.status == completion.NOT_MET


BAD_COMPLETION = """completion:
  at_risk_from_week: 40
  criteria:
    - id: attendance
      kind: attendance
      label: Attended
    - id: reflections
      kind: reflections
      label: Reflections
      min_submitted: 36
      wave: post
    - id: survey
      kind: survey
      label: End survey
      wave: mid-ish
    - id: late-survey
      kind: survey
      label: The mid-programme survey
      wave: mid
    - id: attendance
      kind: timesheets
      label: Unknown kind
"""


def test_curriculum_check_names_file_line_and_field(tmp_path):
    folder = programme_with_completion(tmp_path, BAD_COMPLETION)
    programme = folder / "involving-people" / "programme.yaml"
    first = programme.read_text().splitlines().index("completion:") + 1
    errors = [str(e) for e in check_curriculum(folder / "involving-people")]
    name = "involving-people/programme.yaml"
    # pydantic's own checks come first: the unknown wave and kind.
    assert (
        f"{name}:{first + 14}: completion.criteria.2.wave: Input should be 'pre', 'mid' or 'post'"
        in errors
    )
    assert any(e.startswith(f"{name}:{first + 20}: completion.criteria.4.kind:") for e in errors)

    # Fixed those, the rules the programme itself decides.
    folder2 = programme_with_completion(
        tmp_path / "again",
        BAD_COMPLETION.replace("wave: mid-ish", "wave: post").replace(
            "kind: timesheets", "kind: attendance\n      min_percent: 80"
        ),
    )
    errors = [str(e) for e in check_curriculum(folder2 / "involving-people")]
    assert errors == [
        f"{name}:{first + 1}: completion.at_risk_from_week: must be within weeks 1..35",
        f"{name}:{first + 3}: completion.criteria.0: an attendance criterion needs min_percent",
        f"{name}:{first + 9}: completion.criteria.1.min_submitted: the programme has only 35 weeks",
        f"{name}:{first + 10}: completion.criteria.1.wave: not used by a reflections criterion",
        f"{name}:{first + 19}: completion.criteria.4.id: "
        "criterion 'attendance' is listed more than once",
    ]


def test_lms_curriculum_check_reports_them_from_the_command_line(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    folder = programme_with_completion(
        tmp_path,
        BAD_COMPLETION.replace("wave: mid-ish", "wave: post").replace(
            "kind: timesheets", "kind: attendance\n      min_percent: 80"
        ),
    )
    lms = Path(sys.executable).parent / "lms"
    result = subprocess.run(
        [str(lms), "curriculum", "check", str(folder / "involving-people")],
        capture_output=True,
        text=True,
        env={**os.environ, "LMS_SECRET_KEY": "k"},
        timeout=120,
    )
    assert result.returncode != 0
    assert "completion.criteria.1.min_submitted: the programme has only 35 weeks" in (
        result.stdout + result.stderr
    )
