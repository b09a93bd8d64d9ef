"""Initiative partners: invited by the trainee, signed in by a one-time emailed link, they
see one initiative only, comment and give their view; the trainee reads it and can remove
them. Everything through the pages, with the email read from the outbox."""

from __future__ import annotations

import io
import json
import re
import time
import zipfile

import pytest
from itsdangerous.timed import TimestampSigner
from sqlalchemy import func, select

from lms.core.audit import AuditEvent
from lms.core.mail import outbox
from lms.extensions import db
from lms.plugins.initiatives.models import Partner, PartnerComment, PartnerView, Update

LINK = re.compile(r"http://localhost(/cohorts/[^/]+/initiatives/partners/sign-in/[^\s/]+)")
PARTNER_EMAIL = "sam.carer@example.net"


def invite(client, world, name="Sam Carer", email=PARTNER_EMAIL, kind="carer"):
    response = client.post(
        world.url("/mine/partners"), data={"name": name, "email": email, "kind": kind}
    )
    response.close()  # the email leaves once the page has been answered
    return response


def last_link(app) -> str:
    with app.app_context():
        message = outbox()[-1]
    return LINK.search(message.body).group(1)


@pytest.fixture
def invited(app, client, sign_in, start_initiative, world):
    """Alice's initiative (with a baseline), and Sam invited to it through the page."""
    initiative = start_initiative(world.alice)
    response = invite(client, world)
    assert response.status_code == 302
    page = client.get(world.url("/mine/partners")).get_data(as_text=True)
    assert "Sam Carer is invited" in page and PARTNER_EMAIL in page
    return initiative, last_link(app)


def partner_signs_in(app, link: str):
    """A fresh browser opens the link and presses the button: signed in, at their page."""
    browser = app.test_client()
    page = browser.get(link)
    assert page.status_code == 200
    assert "Hello Sam Carer" in page.get_data(as_text=True)
    response = browser.post(link, data={})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "/partner/" in response.headers["Location"]
    return browser, response.headers["Location"]


def test_a_partner_signs_in_by_link_comments_and_gives_their_view(
    app, client, sign_in, world, invited
):
    initiative, link = invited
    with app.app_context():
        [email] = [m for m in outbox() if m.to == PARTNER_EMAIL]
    assert "Alice" in email.body and "You do not need a password" in email.body
    browser, home = partner_signs_in(app, link)
    page = browser.get(home)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Carers shaping respite booking" in html and "You work on this with Alice" in html
    assert "Carers cannot book respite" in html and "We agreed the terms of reference" in html
    assert "Give your view" in html and "What is the ladder?" in html

    update = db.session.scalar(select(Update).where(Update.initiative_id == initiative.id))
    view_page = f"{home}/updates/{update.id}"
    form = browser.get(view_page).get_data(as_text=True)
    assert "How much say did you have?" in form
    assert "We planned and decided together, as equals." in form  # easy-read rung 6
    missing = browser.post(view_page, data={"what_changed": "x"})
    assert missing.status_code == 400
    assert "Choose the sentence that fits best" in missing.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PartnerView)) == 0
    saved = browser.post(view_page, data={"rung": "3", "what_changed": "I was told late."})
    assert saved.status_code == 302
    again = browser.post(view_page, data={"rung": "5", "what_changed": "Now I advise."})
    assert again.status_code == 302
    [view] = db.session.scalars(select(PartnerView)).all()
    assert (view.rung, view.what_changed) == (5, "Now I advise.")

    assert browser.post(f"{home}/comments", data={"body": "  "}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(PartnerComment)) == 0
    browser.post(f"{home}/comments", data={"body": "Carers want evening slots."})
    html = browser.get(home).get_data(as_text=True)
    assert (
        "Carers want evening slots." in html
        and "I gave advice. Other people still decided." in html
    )

    # The trainee sees the partner's view next to their own, and the comment.
    sign_in(world.alice.user)
    mine = client.get(world.url(f"/{initiative.id}")).get_data(as_text=True)
    assert "How much say people had: you and your partners" in mine
    assert "4. Consultation" in mine and "5. Placation" in mine and "Now I advise." in mine
    assert "Carers want evening slots." in mine and "Sam Carer" in mine
    # And is told: one notification for the view (changed once), one for the comment.
    news = client.get("/notifications")
    assert news.status_code == 200
    told = news.get_data(as_text=True)
    assert told.count("Sam Carer, your partner, gave their view of an update") == 1
    assert told.count("Sam Carer, your partner, commented on your change initiative") == 1
    # The tutor follows the initiative but partners write for the trainee only.
    sign_in(world.tutor_a.user)
    tutors = client.get(world.url(f"/{initiative.id}"))
    assert tutors.status_code == 200
    assert "Carers want evening slots." not in tutors.get_data(as_text=True)
    assert "Now I advise." not in tutors.get_data(as_text=True)


def test_a_used_link_is_refused_and_offers_a_new_one(app, world, invited):
    _, link = invited
    partner_signs_in(app, link)
    again = app.test_client()
    for response in (again.get(link), again.post(link, data={})):
        assert response.status_code == 410
        html = response.get_data(as_text=True)
        assert "This link has already been used" in html
        assert "s•••@example.net" in html and "Send me a new link" in html
        assert "/partner/" not in response.headers.get("Location", "")
    sent_before = len(outbox())
    sent = again.post(link + "/new-link", data={})
    sent.close()
    assert sent.status_code == 200 and "Check your email" in sent.get_data(as_text=True)
    assert len(outbox()) == sent_before + 1 and outbox()[-1].to == PARTNER_EMAIL
    partner_signs_in(app, last_link(app))  # the new link works


def test_an_expired_link_is_refused_and_offers_a_new_one(app, world, invited, monkeypatch):
    _, link = invited
    # The link is opened 73 hours later (links last PARTNER_LINK_MAX_AGE_HOURS, 72).
    later = int(time.time()) + 73 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    response = app.test_client().get(link)
    assert response.status_code == 410
    html = response.get_data(as_text=True)
    assert "This link has run out" in html and "Send me a new link" in html
    assert "Hello Sam" not in html


def test_a_tampered_link_is_refused_with_no_offer(app, world, invited):
    _, link = invited
    browser = app.test_client()
    for bad in (link[:-3] + "abc", link.rsplit("/", 1)[0] + "/not-a-token"):
        response = browser.get(bad)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "This link does not work" in html and "Send me a new link" not in html
        assert browser.post(bad, data={}).status_code == 400
        assert browser.post(bad + "/new-link", data={}).status_code == 400
    # The link of another cohort's URL is no link at all.
    other = link.replace(f"/cohorts/{world.cohort.slug}/", "/cohorts/elsewhere/")
    assert browser.get(other).status_code == 400
    assert db.session.scalar(select(Partner.signed_in_at)) is None


def test_a_removed_partner_loses_access_at_once(app, client, sign_in, world, invited):
    initiative, link = invited
    browser, home = partner_signs_in(app, link)
    assert browser.get(home).status_code == 200
    fresh_link = None
    partner = db.session.scalar(select(Partner))
    # The trainee removes them (audited).
    response = client.post(world.url(f"/mine/partners/{partner.id}/remove"), data={})
    assert response.status_code == 302
    page = client.get(world.url("/mine/partners")).get_data(as_text=True)
    assert "Sam Carer is no longer a partner" in page and "No partners yet" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "partner.removed"))
    assert event.actor_id == world.alice.user_id and event.subject_user_id == partner.user_id
    # Still signed in, the partner gets nothing more.
    for response in (
        browser.get(home),
        browser.post(f"{home}/comments", data={"body": "Hello?"}),
        browser.get(f"{home}/updates/{initiative.updates[0].id}"),
    ):
        assert response.status_code == 404
        assert "Carers cannot book respite" not in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PartnerComment)) == 0
    # Old links end with a clear page and no offer of a new one.
    ended = app.test_client().get(link)
    assert ended.status_code == 410 and "You are not a partner" in ended.get_data(as_text=True)
    assert fresh_link is None


def test_invitation_errors_are_shown_by_the_fields(app, client, sign_in, world, start_initiative):
    start_initiative(world.alice)
    response = invite(client, world, name="", email="not an email", kind="boss")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "Error: Your partners" in html
    assert "Enter the partner&#39;s name" in html and "Select who this partner is" in html
    own = invite(client, world, email=world.alice.user.email)
    assert "not your own" in own.get_data(as_text=True) and own.status_code == 400
    assert invite(client, world).status_code == 302
    twice = invite(client, world, email=PARTNER_EMAIL.upper())
    assert twice.status_code == 400 and "already a partner" in twice.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Partner)) == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "partner.invited"))
    assert event.actor_id == world.alice.user_id


def test_only_the_owner_manages_partners(app, client, sign_in, world, invited):
    partner = db.session.scalar(select(Partner))
    for member in (world.bob, world.tutor_a, world.lead):
        sign_in(member.user)
        response = client.post(world.url(f"/mine/partners/{partner.id}/remove"), data={})
        assert response.status_code in (403, 404)
    assert db.session.get(Partner, partner.id).removed_at is None
    sign_in(world.bob.user)
    start = client.get(world.url("/mine/partners"))
    assert start.status_code == 404  # Bob has no initiative yet


def test_a_partner_reaches_nothing_else(app, world, invited, start_initiative):
    """No cohort pages, no other initiative (not even by id), no roster or reflections."""
    initiative, link = invited
    browser, home = partner_signs_in(app, link)
    slug = world.cohort.slug
    for path in (
        f"/cohorts/{slug}/",
        f"/cohorts/{slug}/members",
        f"/cohorts/{slug}/roster.csv",
        f"/cohorts/{slug}/reflections/",
        f"/cohorts/{slug}/initiatives/",
        f"/cohorts/{slug}/initiatives/{initiative.id}",
        f"/cohorts/{slug}/initiatives/board",
        f"/cohorts/{slug}/initiatives/mine/partners",
        f"/cohorts/{slug}/evaluation",
    ):
        response = browser.get(path)
        assert response.status_code in (403, 404), path
        assert "Carers cannot book respite" not in response.get_data(as_text=True)
    partner = db.session.scalar(select(Partner))
    for other in (partner.id + 1, 999):
        assert browser.get(f"/cohorts/{slug}/initiatives/partner/{other}").status_code == 404


def test_personal_data_and_erasure(app, client, sign_in, world, invited, make_user):
    initiative, link = invited
    browser, home = partner_signs_in(app, link)
    update = initiative.updates[0]
    browser.post(f"{home}/updates/{update.id}", data={"rung": "6", "what_changed": "I chair it."})
    browser.post(f"{home}/comments", data={"body": "Proud of this."})
    # The partner's own download, from their account page.
    download = browser.post("/account/personal-data.zip", data={})
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        data = json.loads(archive.read("personal-data.json"))
    [mine] = data["initiative_partnerships"]
    assert mine["comments"][0]["comment"] == "Proud of this."
    assert mine["views"][0]["what_changed"] == "I chair it." and mine["views"][0]["rung"] == 6
    assert mine["views"][0]["update_of"] == update.recorded_on.isoformat()
    assert mine["initiative"] == "Carers shaping respite booking" and mine["who_you_are"] == "carer"
    # The trainee's own download names the partners they invited.
    sign_in(world.alice.user)
    theirs = client.post("/account/personal-data.zip", data={})
    with zipfile.ZipFile(io.BytesIO(theirs.data)) as archive:
        alices = json.loads(archive.read("personal-data.json"))
    assert alices["initiative_partners_you_invited"][0]["name"] == "Sam Carer"
    # An admin erases the partner: their words and name go, the rung stays for figures.
    admin = make_user(admin=True)
    partner = db.session.scalar(select(Partner))
    sign_in(admin)
    erased = client.post(f"/admin/users/{partner.user_id}", data={"confirm": "ERASE"})
    assert erased.status_code == 302
    db.session.expire_all()
    partner = db.session.scalar(select(Partner))
    assert partner.removed_at is not None and partner.name == "Former partner"
    [view] = db.session.scalars(select(PartnerView)).all()
    assert view.rung == 6 and "I chair it." not in view.what_changed
    assert "Proud" not in db.session.scalar(select(PartnerComment.body))
    assert browser.get(home).status_code in (302, 404)


def test_erasing_the_trainee_ends_their_partnerships(
    app, client, sign_in, world, invited, make_user
):
    initiative, link = invited
    browser, home = partner_signs_in(app, link)
    browser.post(f"{home}/comments", data={"body": "About Alice's work."})
    admin = make_user(admin=True)
    sign_in(admin)
    assert (
        client.post(f"/admin/users/{world.alice.user_id}", data={"confirm": "ERASE"}).status_code
        == 302
    )
    assert browser.get(home).status_code == 404
    assert "About Alice" not in db.session.scalar(select(PartnerComment.body))
    # The partner's account is theirs still: their download works.
    download = browser.post("/account/personal-data.zip", data={})
    assert download.status_code == 200


def table_text(html: str, title: str) -> str:
    """The words of the table after `title` on a page, tags removed, spaces collapsed."""
    part = html[html.index(title) :]
    part = part[: part.index("</table>")]
    return " ".join(re.sub(r"<[^>]+>", " ", part).split())


def test_the_evaluation_shows_partners_view_suppressed(
    app, client, sign_in, world, start_initiative
):
    """The lead's evaluation: trainees' and partners' views side by side, small counts hidden."""
    from tests.conftest import record_consent

    initiative = start_initiative(world.alice)
    record_consent(world.alice, True)
    # Five partners see citizen power, one tokenism and one non-participation.
    rungs = ["6", "7", "6", "8", "6", "4", "2"]
    emails = [f"p{n}@example.net" for n in range(len(rungs))]
    for email in emails:
        assert invite(client, world, name=email, email=email).status_code == 302
    update = initiative.updates[0]
    for email, rung in zip(emails, rungs, strict=True):
        link = next(LINK.search(m.body).group(1) for m in reversed(outbox()) if m.to == email)
        browser = app.test_client()
        home = browser.post(link, data={}).headers["Location"]
        assert browser.post(f"{home}/updates/{update.id}", data={"rung": rung}).status_code == 302
    sign_in(world.lead.user)
    page = client.get(f"/cohorts/{world.cohort.slug}/evaluation")
    assert page.status_code == 200
    text = table_text(page.get_data(as_text=True), "Participation seen from both sides")
    # One initiative (the trainee said consultation, tokenism): too few to show anywhere.
    assert "Non-participation fewer than 5 fewer than 5" in text
    assert "Tokenism fewer than 5 fewer than 5" in text
    assert "Citizen power fewer than 5 5" in text


def test_a_partners_dashboard_and_menu_lead_to_their_initiative(app, world, invited):
    _, link = invited
    browser, home = partner_signs_in(app, link)
    response = browser.get("/dashboard")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'href="{home}"' in page and "Your initiative" in page
    assert "Your programme lead will add you" not in page
