"""`lms reminders send` against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

from sqlalchemy import select

from lms.extensions import db
from lms.plugins.reminders import services
from lms.plugins.reminders.models import SentReminder


def sent_log() -> set[tuple[int, str, str]]:
    return {(r.membership_id, r.kind, r.period) for r in db.session.scalars(select(SentReminder))}


def test_overdue_trainees_and_tutors_get_the_right_emails(send, mailbox, tasks, people):
    tara, bob = people["tara"], people["bob"]
    tasks.overdue = {tara.id: {2, 3}, bob.id: {3}}
    result = send()
    assert result.exit_code == 0, result.output
    assert "Sent 2 overdue reminders and 2 tutor digests for 1 October 2026." in result.stdout

    assert sorted(r for m in mailbox.received for r in m.recipients) == [
        "bob@example.org",
        "tara@example.org",
        "tess@example.org",
        "theo@example.org",
    ]
    (reminder,) = mailbox.to("tara@example.org")
    assert reminder.subject == "Reminder: you have overdue tasks in Autumn 2026"
    assert reminder.message["From"] == "Involving People <no-reply@involving-people.invalid>"
    text = reminder.text
    assert text.startswith("Hello Tara,")
    assert "- Week 2: Write your week 2 log (was due 20 September 2026)" in text
    assert "- Week 3: Write your week 3 log (was due 27 September 2026)" in text
    assert "http://localhost/cohorts/autumn/fake/3" in text
    assert "Week 1" not in text and "Week 4" not in text  # done weeks are not mentioned
    assert "Change your email settings: http://localhost/account/reminders" in text
    assert "Stop reminder emails: http://localhost/reminders/unsubscribe/" in text

    (digest,) = mailbox.to("theo@example.org")
    assert digest.subject == "Weekly digest for Group A: 1 of 2 behind"
    assert "Your weekly digest for Group A in Autumn 2026, up to week 4." in digest.text
    assert "- Tara Example: Logs weeks 2, 3" in digest.text
    assert "Olive" not in digest.text and "Bob" not in digest.text  # only their group
    assert "See the group: http://localhost/cohorts/autumn/groups/" in digest.text
    (other,) = mailbox.to("tess@example.org")
    assert "- Bob Example: Logs week 3" in other.text and "Tara" not in other.text

    assert sent_log() == {
        (tara.id, "overdue", "week-2"),
        (tara.id, "overdue", "week-3"),
        (bob.id, "overdue", "week-3"),
        (people["theo"].id, "digest", "2026-W40"),
        (people["tess"].id, "digest", "2026-W40"),
    }


def test_running_twice_sends_nothing_new(send, mailbox, tasks, people):
    tasks.overdue = {people["tara"].id: {2, 3}}
    assert send().exit_code == 0
    first = len(mailbox.received)
    log = sent_log()
    again = send()
    assert again.exit_code == 0, again.output
    assert "Sent 0 overdue reminders and 0 tutor digests" in again.stdout
    assert len(mailbox.received) == first
    assert sent_log() == log
    # Later in the same calendar week: still nothing (the digest is weekly).
    assert send("--today", "2026-10-03").exit_code == 0
    assert len(mailbox.received) == first


def test_a_newly_overdue_week_and_a_new_week_send_again(send, mailbox, tasks, people):
    tara = people["tara"]
    tasks.overdue = {tara.id: {2, 3}}
    send()
    mailbox.received.clear()
    tasks.overdue = {tara.id: {2, 3, 4}}
    result = send("--today", "2026-10-08")
    assert "Sent 1 overdue reminders and 2 tutor digests for 8 October 2026." in result.stdout
    (reminder,) = mailbox.to("tara@example.org")
    assert "Week 4" in reminder.text and "Week 2" in reminder.text  # the full picture
    assert (tara.id, "overdue", "week-4") in sent_log()
    assert {m.recipients[0] for m in mailbox.received} == {
        "tara@example.org",
        "theo@example.org",
        "tess@example.org",
    }


def test_opted_out_members_get_nothing(send, mailbox, tasks, people):
    tara, theo = people["tara"], people["theo"]
    tasks.overdue = {tara.id: {3}}
    services.set_reminders(tara.user, False)
    services.set_reminders(theo.user, False)
    result = send()
    assert result.exit_code == 0
    assert mailbox.to("tara@example.org") == [] and mailbox.to("theo@example.org") == []
    assert len(mailbox.to("tess@example.org")) == 1
    assert {k for m, k, p in sent_log() if m in (tara.id, theo.id)} == set()


def test_a_dry_run_sends_and_records_nothing(send, mailbox, tasks, people):
    tasks.overdue = {people["tara"].id: {2, 3}}
    result = send("--dry-run")
    assert result.exit_code == 0, result.output
    assert (
        "Would email tara@example.org: Reminder: you have overdue tasks in Autumn 2026"
        in result.stdout
    )
    assert "Would email theo@example.org: Weekly digest for Group A: 1 of 2 behind" in result.stdout
    assert "Dry run for 1 October 2026: 3 emails would be sent." in result.stdout
    assert mailbox.received == []
    assert sent_log() == set()


def test_the_progress_bar_goes_to_stderr(send, tasks, people):
    result = send("--dry-run")
    assert "Checking members" in result.stderr
    assert "Checking members" not in result.stdout


def test_before_the_start_and_long_after_the_end_nothing_is_sent(send, mailbox, tasks, people):
    tasks.overdue = {people["tara"].id: {1}}
    assert "0 emails" in send("--dry-run", "--today", "2026-09-01").stdout
    assert "0 emails" in send("--dry-run", "--today", "2027-12-01").stdout


def test_a_bad_date_is_a_clear_error(send):
    result = send("--today", "1 October")
    assert result.exit_code == 2
    assert "'1 October' does not match the format '%Y-%m-%d'" in result.output


def test_when_the_server_is_down_nothing_is_recorded_and_the_run_fails(app, send, tasks, people):
    from tests.plugins.reminders.conftest import free_port

    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    tasks.overdue = {people["tara"].id: {3}}
    result = send()
    assert result.exit_code == 1
    assert "could not be sent (they will be tried again)" in result.stderr
    assert "tara@example.org" in result.stderr
    assert sent_log() == set()


def test_without_any_task_plugin_nothing_is_sent(send, mailbox, people):
    result = send()
    assert result.exit_code == 0
    assert "Sent 0 overdue reminders and 0 tutor digests" in result.stdout
    assert mailbox.received == []
