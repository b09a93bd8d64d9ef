"""Initiative partners: the people a trainee co-produces with, working on the change too.

Co-production means service users, carers and front-line staff working on the change
together (Farr), so a trainee invites the people they work with to their initiative by
name and email. A partner is no member of the cohort: they sign in with a one-time
emailed link (no password) and reach that one initiative only, where they comment and, at
each progress update, give their own view: their rung on Arnstein's ladder and what
changed for them. The trainee reads it beside their own, and can remove a partner: every
partner page loads the partnership through `partnership_for`, so access ends at once.

Sign-in links are signed and expire (PARTNER_LINK_MAX_AGE_HOURS); each carries the
partnership's `link_nonce`, which changes when a link is used or the partner removed,
so a link works once.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import Enum

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from lms.core import audit, mail
from lms.core.accounts import find_user
from lms.core.links import external_url
from lms.core.models import Cohort, Membership, User, utcnow
from lms.core.validation import email_problem
from lms.extensions import db
from lms.plugins.initiatives import notices
from lms.plugins.initiatives.models import (
    Initiative,
    Partner,
    PartnerComment,
    PartnerView,
    Update,
)
from lms.plugins.initiatives.services import LIMITS, InitiativeProblems
from lms.plugins.initiatives.vocab import PARTNER_KINDS, RUNGS

MAX_PARTNERS = 30  # per initiative: a working group, not a mailing list
MAX_NAME = 200
MAX_WHAT_CHANGED = 5000
KINDS = dict(PARTNER_KINDS)


class LinkProblem(Enum):
    EXPIRED = "expired"
    USED = "used"
    INVALID = "invalid"
    ENDED = "ended"  # the partner was removed, or the initiative erased


def _new_nonce() -> str:
    return secrets.token_urlsafe(16)


# -- inviting and removing ---------------------------------------------------------------


def partners_of(initiative: Initiative) -> list[Partner]:
    """The initiative's current partners, in the order they were invited (one query)."""
    return list(
        db.session.scalars(
            select(Partner)
            .where(Partner.initiative_id == initiative.id, Partner.removed_at.is_(None))
            .order_by(Partner.invited_at, Partner.id)
        )
    )


def invite(initiative: Initiative, name: str, email: str, kind: str, by: User) -> Partner:
    """Add a partner (or bring back a removed one) and email them a sign-in link.

    Raises `InitiativeProblems` naming the field. The email goes after the response."""
    name = " ".join((name or "").split())
    problems = []
    if not name:
        problems.append(("name", "Enter the partner's name"))
    elif len(name) > MAX_NAME:
        problems.append(("name", f"Name must be {MAX_NAME} characters or fewer"))
    address, problem = email_problem((email or "").strip())
    if not email or not email.strip():
        address = None
        problems.append(("email", "Enter your partner's email address"))
    elif problem is not None:
        address = None
        problems.append(("email", "Enter an email address like name@example.com: " + problem))
    if kind not in KINDS:
        problems.append(("kind", "Select who this partner is"))
    if address is not None and address == initiative.membership.user.email:
        problems.append(("email", "Enter your partner's email address, not your own"))
    if len(partners_of(initiative)) >= MAX_PARTNERS:
        problems.append(("name", f"An initiative can have up to {MAX_PARTNERS} partners"))
    if problems:
        raise InitiativeProblems(problems)
    user = find_user(address)
    if user is None:
        user = User(email=address, given_name=name, password_hash=None)
        db.session.add(user)
        db.session.flush()
    partner = db.session.scalar(
        select(Partner).where(Partner.initiative_id == initiative.id, Partner.user_id == user.id)
    )
    if partner is not None and partner.is_active:
        raise InitiativeProblems([("email", f"{partner.name} is already a partner")])
    if partner is None:
        partner = Partner(initiative_id=initiative.id, user_id=user.id)
        db.session.add(partner)
    partner.name, partner.kind, partner.invited_by_id = name, kind, by.id
    partner.invited_at, partner.removed_at, partner.link_nonce = utcnow(), None, _new_nonce()
    db.session.flush()
    audit.record(
        "partner.invited",
        by,
        subject=user,
        cohort=initiative.membership.cohort,
        initiative=initiative.id,
        kind=kind,
    )
    send_link(partner, first=True)
    return partner


def remove(partner: Partner, by: User) -> None:
    """End the partnership now: their pages answer 404 and their links stop working.
    What they wrote stays for the trainee to read (it is still theirs to download)."""
    partner.removed_at = utcnow()
    partner.link_nonce = _new_nonce()
    audit.record(
        "partner.removed",
        by,
        subject=partner.user,
        cohort=partner.initiative.membership.cohort,
        initiative=partner.initiative_id,
    )
    db.session.flush()


# -- signing in by email link ----------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="lms-partner-sign-in")


def _max_age() -> int:
    return int(current_app.config.get("PARTNER_LINK_MAX_AGE_HOURS", 72)) * 3600


def make_link_token(partner: Partner) -> str:
    return _serializer().dumps({"partner": partner.id, "nonce": partner.link_nonce})


def send_link(partner: Partner, first: bool = False) -> None:
    """Email the partner a fresh sign-in link (after the response: never slows the page)."""
    initiative = partner.initiative
    link = external_url(
        "initiatives.partner_sign_in",
        slug=initiative.membership.cohort.slug,
        token=make_link_token(partner),
    )
    hours = _max_age() // 3600
    trainee = initiative.membership.user.full_name
    opening = (
        f"{trainee} has asked you to work with them on a change, as a partner:\n"
        f"“{initiative.title}”.\n\nYou can read about it, say what you think, and say "
        "what changed for you."
        if first
        else f"Here is a new link to “{initiative.title}”, the change you work on with {trainee}."
    )
    # Sent within the request: the trainee (or the partner asking again, from their own
    # link) already knows the address, so the page's timing gives nothing away, and the
    # email is not lost if the connection closes oddly.
    mail.send(
        partner.user.email,
        f"{trainee} invites you to work on a change together" if first else "Your new link",
        f"Hello {partner.name},\n\n{opening}\n\nOpen this link to sign in:\n{link}\n\n"
        f"You do not need a password. The link works once, for {hours} hours. If it has "
        "run out, open it anyway: you can ask for a new one there.\n\n"
        "If you did not expect this email, you can ignore it.",
    )


def read_link(token: str) -> tuple[Partner | None, LinkProblem | None]:
    """The partnership a link is for, and why it cannot be used (None: it can).

    An expired or used link still names its partner, so a new one can be offered to the
    same address; a tampered link names no one."""
    serializer = _serializer()
    problem = None
    try:
        payload = serializer.loads(token, max_age=_max_age())
    except SignatureExpired as expired:
        try:
            payload = serializer.load_payload(expired.payload)
        except BadSignature:
            return None, LinkProblem.INVALID
        problem = LinkProblem.EXPIRED
    except BadSignature:
        return None, LinkProblem.INVALID
    if not isinstance(payload, dict) or not isinstance(payload.get("partner"), int):
        return None, LinkProblem.INVALID
    partner = db.session.get(Partner, payload["partner"])
    if partner is None:
        return None, LinkProblem.INVALID
    if not partner.is_active or not partner.initiative.membership.is_active:
        return partner, LinkProblem.ENDED  # removed, or the trainee has left the cohort
    if problem is None and partner.link_nonce != payload.get("nonce"):
        problem = LinkProblem.USED
    return partner, problem


def use_link(partner: Partner) -> None:
    """The link has been used: no copy of it works again."""
    partner.link_nonce = _new_nonce()
    partner.signed_in_at = utcnow()
    partner.user.last_login_at = partner.signed_in_at


# -- what a partner may reach ----------------------------------------------------------------


def partnership_for(user, slug: str, partner_id: int) -> Partner | None:
    """The user's own current partnership in the cohort `slug`, with its initiative, if
    the initiative's trainee is still an active member; else None (404)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Partner)
        .join(Initiative, Initiative.id == Partner.initiative_id)
        .join(Cohort, Cohort.id == Initiative.cohort_id)
        .join(Membership, Membership.id == Initiative.membership_id)
        .where(
            Partner.id == partner_id,
            Partner.user_id == user.id,
            Partner.removed_at.is_(None),
            Cohort.slug == slug,
            Membership.withdrawn_at.is_(None),
        )
        .options(
            joinedload(Partner.initiative).selectinload(Initiative.milestones),
            joinedload(Partner.initiative).selectinload(Initiative.updates),
        )
    )


def partnerships_of(user: User) -> list[Partner]:
    """Everything the user is a current partner in (for their navigation), newest first."""
    return list(
        db.session.scalars(
            select(Partner)
            .where(Partner.user_id == user.id, Partner.removed_at.is_(None))
            .options(joinedload(Partner.initiative).joinedload(Initiative.membership))
            .order_by(Partner.invited_at.desc(), Partner.id.desc())
        )
    )


def add_comment(partner: Partner, body: str) -> PartnerComment:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise InitiativeProblems([("body", "Enter your comment")])
    if len(body) > LIMITS["comment"]:
        raise InitiativeProblems([("body", f"Must be {LIMITS['comment']:,} characters or fewer")])
    comment = PartnerComment(partner_id=partner.id, body=body)
    db.session.add(comment)
    db.session.flush()
    notices.partner_said(partner, "commented on your change initiative")
    return comment


def update_of(partner: Partner, update_id: int) -> Update | None:
    update = db.session.get(Update, update_id)
    return update if update is not None and update.initiative_id == partner.initiative_id else None


def view_of(partner: Partner, update: Update) -> PartnerView | None:
    return db.session.scalar(
        select(PartnerView).where(
            PartnerView.partner_id == partner.id, PartnerView.update_id == update.id
        )
    )


def save_view(partner: Partner, update: Update, rung: int | None, what_changed: str) -> PartnerView:
    """Save the partner's view at this update (replacing their earlier one)."""
    what_changed = (what_changed or "").replace("\r\n", "\n").strip()
    problems = []
    if rung not in RUNGS:
        problems.append(("rung", "Choose the sentence that fits best"))
    if len(what_changed) > MAX_WHAT_CHANGED:
        problems.append(("what_changed", f"Must be {MAX_WHAT_CHANGED:,} characters or fewer"))
    if problems:
        raise InitiativeProblems(problems)
    view = view_of(partner, update)
    if view is None:
        view = PartnerView(partner_id=partner.id, update_id=update.id)
        db.session.add(view)
    view.rung, view.what_changed = rung, what_changed
    db.session.flush()
    notices.partner_said(partner, "gave their view of an update", f"partner-view-{view.id}")
    return view


def own_views(partner: Partner) -> dict[int, PartnerView]:
    return {
        v.update_id: v
        for v in db.session.scalars(select(PartnerView).where(PartnerView.partner_id == partner.id))
    }


def own_comments(partner: Partner) -> list[PartnerComment]:
    return list(
        db.session.scalars(
            select(PartnerComment)
            .where(PartnerComment.partner_id == partner.id)
            .order_by(PartnerComment.created_at, PartnerComment.id)
        )
    )


# -- what the trainee reads ------------------------------------------------------------------


def views_by_update(initiative: Initiative) -> dict[int, list[PartnerView]]:
    """{update id: partners' views}, removed partners' included (what they said stands)."""
    found: dict[int, list[PartnerView]] = {}
    for view in db.session.scalars(
        select(PartnerView)
        .join(Partner, Partner.id == PartnerView.partner_id)
        .where(Partner.initiative_id == initiative.id)
        .options(selectinload(PartnerView.partner))
        .order_by(Partner.invited_at, Partner.id)
    ):
        found.setdefault(view.update_id, []).append(view)
    return found


def comments_on(initiative: Initiative) -> list[PartnerComment]:
    return list(
        db.session.scalars(
            select(PartnerComment)
            .join(Partner, Partner.id == PartnerComment.partner_id)
            .where(Partner.initiative_id == initiative.id)
            .options(selectinload(PartnerComment.partner))
            .order_by(PartnerComment.created_at, PartnerComment.id)
        )
    )


# -- personal data ---------------------------------------------------------------------------

ERASED_NAME = "Former partner"


def _partnerships_of_user(user: User) -> list[Partner]:
    return list(
        db.session.scalars(
            select(Partner)
            .where(Partner.user_id == user.id)
            .options(joinedload(Partner.initiative))
            .order_by(Partner.id)
        )
    )


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def personal_data(user: User) -> dict:
    """A partner's partnerships, comments and views; a trainee's partners (by name)."""
    own = []
    for partner in _partnerships_of_user(user):
        views = db.session.scalars(
            select(PartnerView)
            .where(PartnerView.partner_id == partner.id)
            .options(joinedload(PartnerView.update))
            .order_by(PartnerView.id)
        )
        own.append(
            {
                "initiative": partner.initiative.title,
                "your_name_there": partner.name,
                "who_you_are": partner.kind,
                "invited_at": _stamp(partner.invited_at),
                "removed_at": _stamp(partner.removed_at),
                "comments": [
                    {"on": _stamp(c.created_at), "comment": c.body} for c in own_comments(partner)
                ],
                "views": [
                    {
                        "update_of": v.update.recorded_on.isoformat(),
                        "rung": v.rung,
                        "what_changed": v.what_changed,
                        "given_at": _stamp(v.changed_at),
                    }
                    for v in views
                ],
            }
        )
    invited = db.session.scalars(
        select(Partner)
        .join(Initiative, Initiative.id == Partner.initiative_id)
        .join(Membership, Membership.id == Initiative.membership_id)
        .where(Membership.user_id == user.id)
        .order_by(Partner.id)
    )
    return {
        "initiative_partnerships": own,
        "initiative_partners_you_invited": [
            {"name": p.name, "who": p.kind, "removed_at": _stamp(p.removed_at)} for p in invited
        ],
    }


def erase_personal_data(user: User, erased_text: str) -> None:
    """A partner: their partnerships end, their name, comments and words go; the rungs
    they chose stay (without the person) for the evaluation's figures.

    A trainee: their partners' access ends (the initiative's words are erased, there is
    nothing left to work on) and what partners wrote about it goes, as tutors' comments
    do; partners' accounts stay theirs, with their own download and erasure."""
    own = list(db.session.scalars(select(Partner).where(Partner.user_id == user.id)))
    of_trainee = list(
        db.session.scalars(
            select(Partner)
            .join(Initiative, Initiative.id == Partner.initiative_id)
            .join(Membership, Membership.id == Initiative.membership_id)
            .where(Membership.user_id == user.id)
        )
    )
    for partner in own + of_trainee:
        partner.removed_at = partner.removed_at or utcnow()
        partner.link_nonce = _new_nonce()
        for comment in own_comments(partner):
            comment.body = erased_text
        for view in own_views(partner).values():
            view.what_changed = erased_text if view.what_changed else ""
    for partner in own:
        partner.name = ERASED_NAME
    db.session.flush()
