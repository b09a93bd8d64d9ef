"""Notifications through the doors people use: a tutor's feedback posted on the page
becomes one notification in the app and, as the trainee prefers, one email sent by
`lms notifications send` to a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from lms.core.models import Membership
from lms.core.notification_models import Notification, NotificationEmail
from lms.core.privacy import erase_user
from lms.extensions import db
from tests.plugins.reflections.conftest import answers, editor

# The reminders tests' SMTP server (aiosmtpd), shared rather than written again.
from tests.plugins.reminders import conftest as reminders
from tests.plugins.reminders.conftest import Mailbox

smtp_server = reminders.smtp_server

TODAY = date(2026, 10, 1)  # week 4 of a cohort that started on 7 September


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    return smtp_server[0]


@pytest.fixture
def app_config(app_config, smtp_server):
    return {
        **app_config,
        "TODAY": TODAY,
        "MAIL_BACKEND": "smtp",
        "MAIL_HOST": "127.0.0.1",
        "MAIL_PORT": smtp_server[1],
        "MAIL_STARTTLS": False,
    }


@pytest.fixture
def cohort(make_cohort):
    return make_cohort(slug="spring", name="Spring 2026", start=date(2026, 9, 7))


@pytest.fixture
def trainee(cohort, make_membership, make_user):
    user = make_user("tara@example.org", given_name="Tara", family_name="Trainee")
    return make_membership(cohort, "trainee", user=user, group="Group A")


@pytest.fixture
def tutor(cohort, make_membership, make_user):
    user = make_user("theo@example.org", given_name="Theo", family_name="Tutor")
    return make_membership(cohort, "tutor", user=user, group="Group A")


@pytest.fixture
def send(app):
    """Run `lms notifications send` through the CLI runner."""

    def run(*args: str):
        db.session.commit()
        result = app.test_cli_runner().invoke(args=["notifications", "send", *args])
        db.session.expire_all()
        return result

    return run


def submit_week(browser, cohort, week: int) -> None:
    posted = browser.post(
        editor(cohort, week), data={**answers(), "based_on": "0", "submit_entry": "Submit"}
    )
    assert posted.status_code == 302, posted.get_data(as_text=True)


def entry_id(trainee, week: int) -> int:
    from lms.plugins.reflections.services import entry_of

    return entry_of(trainee, week).id


def leave_feedback(browser, cohort, trainee, week: int, text: str):
    url = f"/cohorts/{cohort.slug}/reflections/review/{entry_id(trainee, week)}"
    posted = browser.post(url, data={"body": text})
    assert posted.status_code == 302, posted.get_data(as_text=True)


def choose(browser, choices: dict[str, str]):
    """Set email choices on the preferences page, as a person would (with CSRF)."""
    page = browser.get("/account/notifications").get_data(as_text=True)
    current = dict(re.findall(r'name="(kind-[a-z_-]+)" type="radio" value="(\w+)" checked', page))
    current.update({"kind-" + k.replace(".", "-"): v for k, v in choices.items()})
    saved = browser.post("/account/notifications", data=current)
    assert saved.status_code == 302, saved.get_data(as_text=True)


def test_feedback_makes_one_notification_and_one_email(
    client_for, cohort, trainee, tutor, send, mailbox
):
    trainee_browser, tutor_browser = client_for(trainee.user), client_for(tutor.user)
    submit_week(trainee_browser, cohort, 4)
    leave_feedback(tutor_browser, cohort, trainee, 4, "Lovely work. What would you change?")

    page = trainee_browser.get("/notifications")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert text.count("Your tutor left feedback on your week 4 reflection") == 1
    assert "1 unread" in text
    # The header shows the count on every page.
    dashboard = trainee_browser.get("/dashboard").get_data(as_text=True)
    assert re.search(r'Notifications <span class="lms-count">1<span', dashboard)

    result = send()
    assert result.exit_code == 0, result.output
    (email,) = mailbox.to("tara@example.org")  # feedback goes straight away by default
    assert email.subject == "Your tutor left feedback on your week 4 reflection"
    assert "Hello Tara," in email.text
    link = re.search(r"See it: (\S+)", email.text)[1]
    assert link.startswith("http://localhost/notifications/")
    html = email.message.get_body(preferencelist=("html",)).get_content()
    assert f'<a href="{link}">Your tutor left feedback' in html
    unsubscribe = email.message["List-Unsubscribe"]
    assert re.fullmatch(r"<http://localhost/notifications/unsubscribe/\S+>", unsubscribe)
    assert email.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The link in the email opens the feedback itself and marks it read.
    opened = trainee_browser.get(link.removeprefix("http://localhost"))
    assert opened.status_code == 302
    assert opened.headers["Location"] == f"/cohorts/{cohort.slug}/reflections/weeks/4#feedback"
    assert "0 unread" not in trainee_browser.get("/notifications").get_data(as_text=True)
    assert "You have read them all" in trainee_browser.get("/notifications").get_data(as_text=True)

    # The tutor was told of the shared reflection (a daily digest by default).
    assert "Tara Trainee shared their week 4 reflection with you" in tutor_browser.get(
        "/notifications"
    ).get_data(as_text=True)

    # Running again sends nothing more.
    before = len(mailbox.received)
    again = send()
    assert again.exit_code == 0 and "Sent 0 emails" in again.stdout
    assert len(mailbox.received) == before


def test_a_digest_batches_several_into_one_email_once(
    client_for, cohort, trainee, tutor, send, mailbox
):
    trainee_browser, tutor_browser = client_for(trainee.user), client_for(tutor.user)
    choose(trainee_browser, {"reflections.feedback": "daily"})
    for week in (2, 3, 4):
        submit_week(trainee_browser, cohort, week)
        leave_feedback(tutor_browser, cohort, trainee, week, f"Feedback on week {week}")

    result = send()
    assert result.exit_code == 0, result.output
    (digest,) = mailbox.to("tara@example.org")
    assert digest.subject == "Today in Involving People: 3 notifications"
    for week in (2, 3, 4):
        assert f"- Your tutor left feedback on your week {week} reflection (Spring 2026)" in (
            digest.text
        )
    # The tutor's three "shared with you" come in one daily digest too.
    (tutors,) = mailbox.to("theo@example.org")
    assert tutors.subject == "Today in Involving People: 3 notifications"

    # Twice the same day: nothing more. A new one the same day waits for tomorrow's.
    assert "Sent 0 emails" in send().stdout
    trainee_browser.post(editor(cohort, 4) + "/reply", data={"body": "Thank you"})
    assert "Sent 0 emails" in send().stdout
    assert len(mailbox.to("theo@example.org")) == 1
    tomorrow = send("--today", "2026-10-02")
    assert "Sent 1 emails carrying 1 notifications" in tomorrow.stdout
    assert "Tara Trainee replied to your feedback" in mailbox.to("theo@example.org")[-1].text
    assert len(mailbox.received) == 3


def test_never_means_in_the_app_only(client_for, cohort, trainee, tutor, send, mailbox):
    trainee_browser = client_for(trainee.user)
    choose(trainee_browser, {"reflections.feedback": "never"})
    submit_week(trainee_browser, cohort, 4)
    leave_feedback(client_for(tutor.user), cohort, trainee, 4, "Good")
    result = send()
    assert "1 not to be emailed" in result.stdout or "not to be emailed" in result.stdout
    assert mailbox.to("tara@example.org") == []
    assert "left feedback" in trainee_browser.get("/notifications").get_data(as_text=True)


def test_the_unsubscribe_link_works_signed_out_and_refuses_tampering(
    app, client_for, cohort, trainee, tutor, send, mailbox
):
    submit_week(client_for(trainee.user), cohort, 4)
    leave_feedback(client_for(tutor.user), cohort, trainee, 4, "Good")
    send()
    (email,) = mailbox.to("tara@example.org")
    link = re.search(r"Stop these emails: http://localhost(\S+)", email.text)[1]

    stranger = app.test_client()  # signed out
    asked = stranger.get(link)
    assert asked.status_code == 200
    assert "Your tutor left feedback on your reflection" in asked.get_data(as_text=True)
    token = link.rsplit("/", 1)[1]
    tampered = link[: -len(token)] + token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    refused = stranger.post(tampered, data={"List-Unsubscribe": "One-Click"})
    assert refused.status_code == 404
    assert "This unsubscribe link is not valid" in refused.get_data(as_text=True)
    assert _choice(trainee, "reflections.feedback") == "immediately"

    # RFC 8058 one-click: the mail program posts without a form token.
    done = stranger.post(link, data={"List-Unsubscribe": "One-Click"}, csrf=False)
    assert done.status_code == 200 and "Emails stopped" in done.get_data(as_text=True)
    assert _choice(trainee, "reflections.feedback") == "never"


def _choice(membership, kind) -> str:
    from lms.core.notifications import email_preferences

    return email_preferences(membership.user_id)[kind]


def test_erased_and_withdrawn_members_receive_nothing(
    client_for, cohort, trainee, tutor, make_membership, make_user, send, mailbox
):
    other = make_membership(
        cohort, "trainee", user=make_user("olive@example.org", given_name="Olive"), group="Group A"
    )
    trainee_browser, tutor_browser = client_for(trainee.user), client_for(tutor.user)
    other_browser = client_for(other.user)
    submit_week(trainee_browser, cohort, 4)
    submit_week(other_browser, cohort, 4)
    # Olive's feedback is stored before she leaves; Tara is erased after hers.
    leave_feedback(tutor_browser, cohort, other, 4, "Good")
    leave_feedback(tutor_browser, cohort, trainee, 4, "Good")
    db.session.get(Membership, other.id).withdrawn_at = date(2026, 10, 1)
    erase_user(db.session.get(Membership, trainee.id).user, None)
    db.session.commit()

    assert send().exit_code == 0
    recipients = {r for m in mailbox.received for r in m.recipients}
    assert "olive@example.org" not in recipients and "tara@example.org" not in recipients
    assert not any(r.startswith("erased-") for r in recipients)
    # Erasure removed Tara's notifications; Olive's was set aside, not sent.
    assert (
        db.session.scalars(
            select(Notification).where(Notification.user_id == trainee.user_id)
        ).all()
        == []
    )
    olive = db.session.scalars(select(Notification).where(Notification.user_id == other.user_id))
    assert {n.email_state for n in olive} == {"skipped"}

    # And nothing new reaches a withdrawn member.
    tutor_browser.post(
        f"/cohorts/{cohort.slug}/reflections/review/{entry_id(other, 4)}", data={"body": "More"}
    )
    count = db.session.scalars(select(Notification).where(Notification.user_id == other.user_id))
    assert len(count.all()) == 1


def test_a_claimed_email_is_not_sent_again_by_an_overlapping_run(
    client_for, cohort, trainee, tutor, send, mailbox
):
    # Another run (cron and a queue worker at once) claimed Tara's email first.
    submit_week(client_for(trainee.user), cohort, 4)
    leave_feedback(client_for(tutor.user), cohort, trainee, 4, "Good")
    note = db.session.scalar(select(Notification).where(Notification.user_id == trainee.user_id))
    db.session.add(NotificationEmail(user_id=trainee.user_id, key=f"n-{note.id}"))
    db.session.commit()
    assert send().exit_code == 0
    assert mailbox.to("tara@example.org") == []


def test_preferences_page_lists_the_kinds_for_your_role(client_for, trainee, tutor):
    page = client_for(trainee.user).get("/account/notifications").get_data(as_text=True)
    assert "Your tutor left feedback on your reflection" in page
    assert "A trainee replied to your feedback" not in page  # a tutor's kind
    refused = client_for(trainee.user).post(
        "/account/notifications", data={"kind-reflections-feedback": "hourly"}
    )
    assert refused.status_code == 400
    assert "Not a valid choice" in refused.get_data(as_text=True)
    assert _choice(trainee, "reflections.feedback") == "immediately"


def test_someone_elses_notification_is_not_found(client_for, cohort, trainee, tutor):
    submit_week(client_for(trainee.user), cohort, 4)
    leave_feedback(client_for(tutor.user), cohort, trainee, 4, "Good")
    note = db.session.scalar(select(Notification).where(Notification.user_id == trainee.user_id))
    assert client_for(tutor.user).get(f"/notifications/{note.id}").status_code == 404
    assert db.session.get(Notification, note.id).read_at is None


def test_mark_all_read(client_for, cohort, trainee, tutor):
    trainee_browser = client_for(trainee.user)
    submit_week(trainee_browser, cohort, 4)
    leave_feedback(client_for(tutor.user), cohort, trainee, 4, "Good")
    done = trainee_browser.post("/notifications/read", data={})
    assert done.status_code == 302
    page = trainee_browser.get("/notifications").get_data(as_text=True)
    assert "All your notifications are marked as read." in page
    assert 'class="lms-count"' not in page
