"""A tutor's comment on a trainee's initiative tells its owner, linking to it."""

from __future__ import annotations

import html

from sqlalchemy import select

from lms.core.notification_models import Notification
from lms.extensions import db
from lms.plugins.initiatives.models import Update


def test_a_tutors_comment_notifies_the_owner_not_the_commenter(
    client, start_initiative, sign_in, world
):
    alices = start_initiative(world.alice)
    update = db.session.scalar(select(Update).where(Update.initiative_id == alices.id))
    sign_in(world.tutor_a.user)
    url = world.url(f"/{alices.id}/updates/{update.id}/comments")
    assert client.post(url, data={"body": "Who else could join?"}).status_code == 302
    sign_in(world.alice.user)
    page = client.get("/notifications")
    text = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 200
    assert f"{world.tutor_a.user.full_name} commented on your change initiative's update" in text
    note = db.session.scalar(select(Notification))
    opened = client.get(f"/notifications/{note.id}")
    assert opened.headers["Location"] == world.url(f"/mine#update-{update.id}")
    assert len(db.session.scalars(select(Notification)).all()) == 1  # only Alice is told
