"""What the sessions plugin tells people: the register taken, a session tomorrow."""

from __future__ import annotations

from sqlalchemy import select

from lms.core import mail
from lms.core.notification_models import Notification
from lms.extensions import db
from tests.plugins.sessions.conftest import set_times


def notes_of(membership) -> list[str]:
    db.session.expire_all()
    found = select(Notification.text).where(Notification.membership_id == membership.id)
    return list(db.session.scalars(found.order_by(Notification.id)))


def test_the_register_tells_each_member_once(client_for, cohort, tutor, trainees):
    browser = client_for(tutor.user)
    aoife, ben = trainees[0], trainees[1]
    data = {f"status-{aoife.id}": "present", f"status-{ben.id}": "apologies"}
    assert browser.post("/cohorts/autumn/register/11", data=data).status_code == 302
    assert browser.post("/cohorts/autumn/register/11", data=data).status_code == 302  # again
    assert notes_of(aoife) == ["Your attendance at the week 11 session was recorded: present"]
    assert notes_of(ben) == [
        "Your attendance at the week 11 session was recorded: absent with apologies"
    ]
    page = client_for(aoife.user).get("/notifications").get_data(as_text=True)
    assert "Your attendance at the week 11 session was recorded: present" in page


def test_the_day_before_a_session_everyone_is_told_once(app, cohort, tutor, trainees, lead):
    set_times(cohort)
    db.session.commit()
    runner = app.test_cli_runner()
    # Sunday 22 November: week 12's session is on Monday 23 November.
    for _ in range(2):
        result = runner.invoke(args=["notifications", "send", "--today", "2026-11-22"])
        assert result.exit_code == 0, result.output
    told = "Your week 12 session is tomorrow, 10am to 12:30pm, Room 1"
    assert notes_of(trainees[0]) == [told] and notes_of(tutor) == [told]
    assert notes_of(lead) == []  # leads are not told of every session
    # Straight away by default: one email each, not two.
    assert [m.subject for m in mail.outbox() if m.to == trainees[0].user.email] == [told]


def test_an_issued_certificate_tells_its_trainee(client_for, cohort, lead, tutor, trainees):
    from tests.plugins.sessions.test_certificates import completed_trainee

    member = trainees[0]
    completed_trainee(cohort, lead, tutor, member)
    issued = client_for(lead.user).post("/cohorts/autumn/certificates/issue", data={})
    assert issued.status_code == 302
    assert notes_of(member)[-1] == "Your certificate for Autumn 2026 is ready to download"
    note = db.session.scalar(
        select(Notification).where(Notification.kind == "sessions.certificate")
    )
    opened = client_for(member.user).get(f"/notifications/{note.id}")
    assert opened.headers["Location"] == "/cohorts/autumn/certificate.pdf"
    assert notes_of(trainees[1]) == []  # not completed: nothing
