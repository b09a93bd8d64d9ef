"""The reminder settings page, the unsubscribe link, personal data, disabling."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import event, select

from lms.extensions import db
from lms.plugins.reminders import sending, services
from lms.plugins.reminders.models import Preference, SentReminder
from tests.plugins.reminders.conftest import OTHER_PLUGINS, TODAY


def stored_choice(user):
    return db.session.scalar(select(Preference.enabled).where(Preference.user_id == user.id))


def test_members_can_turn_reminders_off_and_on(client_for, people):
    tara = people["tara"].user
    browser = client_for(tara)
    page = browser.get("/account/reminders").get_data(as_text=True)
    assert "Email reminders" in page and "Do you want reminder emails?" in page
    assert re.search(r'value="yes"\s+checked', page)  # on unless turned off
    response = browser.post("/account/reminders", data={"reminders": "no"}, follow_redirects=True)
    assert "Your email settings are saved." in response.get_data(as_text=True)
    assert stored_choice(tara) is False
    assert re.search(
        r'value="no"\s+checked', browser.get("/account/reminders").get_data(as_text=True)
    )
    browser.post("/account/reminders", data={"reminders": "yes"})
    assert stored_choice(tara) is True


def test_no_choice_or_a_made_up_one_is_an_error_and_nothing_is_stored(client_for, people):
    browser = client_for(people["tara"].user)
    for data in ({}, {"reminders": "sometimes"}):
        response = browser.post("/account/reminders", data=data)
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "There is a problem" in page
        assert db.session.scalars(select(Preference)).all() == []
    assert "Select yes if you want reminder emails" in browser.post(
        "/account/reminders", data={}
    ).get_data(as_text=True)


def test_the_settings_page_needs_signing_in(app):
    response = app.test_client().get("/account/reminders")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_unsubscribe_link_from_the_email_turns_reminders_off(app, send, mailbox, tasks, people):
    tara = people["tara"]
    tasks.overdue = {tara.id: {3}}
    send()
    (reminder,) = mailbox.to("tara@example.org")
    link = re.search(r"Stop reminder emails: http://localhost(\S+)", reminder.text).group(1)
    visitor = app.test_client()  # not signed in, as from a mail program
    page = visitor.get(link).get_data(as_text=True)
    assert "Stop reminder emails" in page
    assert stored_choice(tara.user) is None  # looking at the link changes nothing
    done = visitor.post(link, data={})
    assert "Reminder emails stopped" in done.get_data(as_text=True)
    assert stored_choice(tara.user) is False
    assert stored_choice(people["olive"].user) is None
    tasks.overdue = {tara.id: {3, 4}}
    mailbox.received.clear()
    send("--today", "2026-10-08")
    assert mailbox.to("tara@example.org") == []


def test_a_tampered_unsubscribe_link_is_404(app, people):
    token = services.unsubscribe_token(people["tara"].user)
    for bad in (token[:-2] + "xx", "MQ", "not-a-token"):
        response = app.test_client().get(f"/reminders/unsubscribe/{bad}")
        assert response.status_code == 404
        assert "tara" not in response.get_data(as_text=True).lower()
        assert app.test_client().post(f"/reminders/unsubscribe/{bad}", data={}).status_code == 404
    assert db.session.scalars(select(Preference)).all() == []


def test_the_html_part_is_ready_and_escapes_names(app, tasks, people):
    tara = people["tara"]
    tara.user.given_name = "<b>Tara</b>"
    db.session.commit()
    tasks.overdue = {tara.id: {3}}
    with app.test_request_context():
        candidate = next(c for c in sending.candidates(TODAY) if c.membership.id == tara.id)
        reminder = sending.compose(candidate, TODAY)
    assert "Hello &lt;b&gt;Tara&lt;/b&gt;," in reminder.html
    assert '<a href="http://localhost/cohorts/autumn/fake/3">Write your week 3 log</a>' in (
        reminder.html
    )
    assert "/reminders/unsubscribe/" in reminder.html


def test_finding_candidates_runs_a_fixed_number_of_queries(app, cohort, make_membership):
    def count() -> int:
        statements = []

        def record(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            with app.test_request_context():
                sending.candidates(TODAY)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return len(statements)

    for _ in range(5):
        make_membership(cohort, "trainee", group="Group A")
    make_membership(cohort, "tutor", group="Group A")
    db.session.expunge_all()
    five = count()
    for _ in range(45):
        make_membership(cohort, "trainee", group="Group A")
    db.session.expunge_all()
    assert count() == five


def test_personal_data_and_erasure(app, send, tasks, people):
    tara = people["tara"]
    tasks.overdue = {tara.id: {2, 3}}
    send()
    services.set_reminders(tara.user, False)
    db.session.commit()
    manager = app.extensions["lms"]
    (mine,) = [d for d in manager.hook.lms_personal_data(user=tara.user) if "reminders" in d]
    assert mine["reminders"]["email_reminders"] is False
    assert [(s["kind"], s["period"]) for s in mine["reminders"]["sent"]] == [
        ("overdue", "week-2"),
        ("overdue", "week-3"),
    ]
    manager.hook.lms_erase_personal_data(user=tara.user)
    db.session.commit()
    assert stored_choice(tara.user) is None
    remaining = db.session.scalars(select(SentReminder.membership_id)).all()
    assert tara.id not in remaining and people["theo"].id in remaining  # others' kept


def test_the_app_works_with_the_reminders_plugin_disabled(make_app, people):
    other = make_app(DISABLED_PLUGINS=[*OTHER_PLUGINS, "reminders"])
    client = other.test_client()
    client.post(
        "/sign-in", data={"email": people["tara"].user.email, "password": "correct horse battery"}
    )
    dashboard = client.get("/dashboard")
    assert dashboard.status_code == 200
    assert 'href="/account/reminders"' not in dashboard.get_data(as_text=True)
    assert client.get("/account/reminders").status_code == 404
    result = other.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 2 and "No such command 'reminders'" in result.output


def test_the_account_page_links_to_the_settings(client_for, people):
    page = client_for(people["tara"].user).get("/account/").get_data(as_text=True)
    assert 'href="/account/reminders">Email reminders</a>' in page


def test_the_digest_period_is_the_iso_week():
    assert sending.digest_period(date(2026, 10, 1)) == "2026-W40"
    assert sending.digest_period(date(2027, 1, 1)) == "2026-W53"
