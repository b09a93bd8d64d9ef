"""With Redis configured, a notification is queued once its change is committed and a
worker (RQ) emails it; the web request itself sends nothing."""

from __future__ import annotations

import os
from datetime import date

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisDown

from lms.core import mail
from tests.core.test_todo import submit

# Not db 15 (other test runs use it): a database of this test's own.
REDIS_URL = os.environ.get("LMS_TEST_QUEUE_REDIS_URL", "redis://127.0.0.1:6379/12")


@pytest.fixture
def redis():
    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except RedisDown:
        pytest.skip("no Redis at " + REDIS_URL)
    connection.flushdb()
    yield connection
    connection.flushdb()


@pytest.fixture
def app_config(app_config, redis):
    return {**app_config, "TODAY": date(2026, 10, 1), "REDIS_URL": REDIS_URL}


def test_feedback_is_queued_after_commit_and_a_worker_emails_it(
    app, client_for, make_cohort, make_membership, make_user, redis
):
    from rq import Queue, SimpleWorker

    cohort = make_cohort(slug="spring", start=date(2026, 9, 7))
    trainee = make_membership(
        cohort, user=make_user("tara@example.org", given_name="Tara"), group="Group A"
    )
    tutor = make_membership(cohort, "tutor", group="Group A")
    submit(client_for(trainee.user), cohort, 4)
    from lms.plugins.reflections.services import entry_of

    queue = Queue("notifications", connection=redis)
    queued_before = queue.count
    url = f"/cohorts/{cohort.slug}/reflections/review/{entry_of(trainee, 4).id}"
    assert client_for(tutor.user).post(url, data={"body": "Good"}).status_code == 302
    assert queue.count == queued_before + 1  # the feedback's notification, after commit
    assert [m for m in mail.outbox() if m.to == "tara@example.org"] == []  # not in the request

    SimpleWorker([queue], connection=redis).work(burst=True)
    (email,) = [m for m in mail.outbox() if m.to == "tara@example.org"]
    assert email.subject == "Your tutor left feedback on your week 4 reflection"
    # Cron afterwards finds it sent: nothing twice.
    result = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert result.exit_code == 0, result.output
    assert len([m for m in mail.outbox() if m.to == "tara@example.org"]) == 1
