"""A tutor takes the register on a phone; the trainee sees it; the lead's completion view
changes. Run with JavaScript (each tap saved as it is made) and without (a form post)."""

from __future__ import annotations

import re
from datetime import time

import pytest
from playwright.sync_api import expect

from lms.extensions import db
from tests.browser.conftest import COURSE_WEEK

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

PHONE = {"width": 390, "height": 844}


def test_a_register_taken_on_a_phone_reaches_the_trainee_and_the_lead(
    course, make_membership, make_user, open_page, sign_in, audit, javascript, needs_plugin
):
    needs_plugin("sessions")
    from lms.plugins.sessions import register, timetable

    cohort, aisha = course.cohort, course.trainee_membership
    other = make_membership(
        cohort, user=make_user(given_name="Ben", family_name="Clarke"), group="Group A"
    )
    timetable.set_plan(cohort, 0, time(10), time(12, 30), "Room 2, Town Hall", "")
    # Weeks 1-9 as the tutor took them: Aisha missed two, so is just behind 80%.
    for week in range(1, COURSE_WEEK):
        register.record(aisha, week, "absent" if week in (3, 6) else "present", course.tutor)
        register.record(other, week, "present", course.tutor)
    db.session.commit()

    lead = open_page(javascript=javascript)
    sign_in(lead, course.lead)
    lead.goto(f"/cohorts/{cohort.slug}/completion")
    row = lead.get_by_role("row").filter(has_text="Aisha Rahman")
    expect(row).to_contain_text("7 of 9 sessions (78%)Behind")
    audit(lead, "completion before the register")

    tutor = open_page(javascript=javascript, viewport=PHONE)
    sign_in(tutor, course.tutor)
    tutor.get_by_role("link", name=f"Take the register for week {COURSE_WEEK}").click()
    expect(tutor.get_by_role("heading", level=1)).to_have_text(f"Register: week {COURSE_WEEK}")
    audit(tutor, "register on a phone")
    aisha_marks = tutor.get_by_role("group", name=re.compile("Aisha Rahman"))
    ben_marks = tutor.get_by_role("group", name=re.compile("Ben Clarke"))
    aisha_marks.get_by_label("Present").check()
    ben_marks.get_by_label("Apologies").check()
    if javascript:
        # Saved as they go: no button pressed.
        expect(aisha_marks).to_contain_text("(present, saved)")
        expect(ben_marks).to_contain_text("(apologies, saved)")
    else:
        tutor.get_by_role("button", name="Save register").click()
        expect(
            tutor.get_by_text(f"Register for week {COURSE_WEEK} saved: 2 marked.")
        ).to_be_visible()
        audit(tutor, "register saved")
    db.session.commit()  # see the app's writes
    assert register.attendance_of(aisha)[COURSE_WEEK] == "present"

    trainee = open_page(javascript=javascript)
    sign_in(trainee, course.trainee)
    trainee.get_by_role("link", name="See your attendance").click()
    expect(trainee.get_by_text("You have attended 8 of 10 sessions")).to_be_visible()
    week_cell = trainee.get_by_role("cell", name=str(COURSE_WEEK), exact=True)
    week_row = trainee.get_by_role("row").filter(has=week_cell)
    expect(week_row).to_contain_text("Present")
    expect(trainee.get_by_text("Ben Clarke")).to_have_count(0)
    audit(trainee, "own attendance")

    lead.reload()
    expect(row).to_contain_text("8 of 10 sessions (80%)")
    expect(row).not_to_contain_text("8 of 10 sessions (80%)Behind")
    audit(lead, "completion after the register")
