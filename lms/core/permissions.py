"""Declared permissions: every view states who may use it.

Views carry one of these decorators; a test walks ``app.url_map`` and fails for any
endpoint without one. Capabilities are declared by core and plugins (hook
`lms_capabilities`) and granted to cohort roles; admins hold every capability.
Object-level checks (is this record yours?) live in the services.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import abort, current_app, g, request
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.contracts import Capability
from lms.extensions import db

PUBLIC = "public"
SIGNED_IN = "signed in"
ADMIN = "admin"
# An initiative partner: someone a trainee co-produces with (a service user, carer or
# colleague). No member of the cohort, so no capability reaches them; they sign in by an
# emailed link and use only the views marked `for_partners`.
PARTNER = "partner"


@dataclass(frozen=True)
class AccessRule:
    kind: str  # public | signed in | admin | partner | capability
    capability: str | None = None

    def __str__(self) -> str:
        return self.capability or self.kind


def _mark(view: Callable, rule: AccessRule) -> Callable:
    view.access_rule = rule  # type: ignore[attr-defined]
    return view


def public(view: Callable) -> Callable:
    """Anyone, signed in or not, may use this view."""
    return _mark(view, AccessRule(PUBLIC))


def signed_in(view: Callable) -> Callable:
    """Any signed-in user; the view or its service checks object ownership."""
    return _mark(login_required(view), AccessRule(SIGNED_IN))


def for_partners(view: Callable) -> Callable:
    """A partner of the initiative the URL names. Signing in is checked here; the view
    loads the partnership through its service, which answers None (404) unless it is
    the signed-in user's own and has not been removed, so removal ends access at once."""
    return _mark(login_required(view), AccessRule(PARTNER))


def admin_only(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return _mark(login_required(wrapper), AccessRule(ADMIN))


def _cohort_and_membership(slug: str):
    """The cohort the URL names and the user's current membership of it (or None).

    Members, most requests, find both among their memberships, which the header reads
    on every page anyway; others (admins, people outside the cohort) cost one query."""
    from sqlalchemy.orm import joinedload

    from lms.core.cohorts import memberships_of
    from lms.core.models import Cohort

    if current_user.is_authenticated:
        for membership in memberships_of(current_user):
            if membership.cohort.slug == slug:
                return membership.cohort, membership
    found = db.session.execute(
        select(Cohort).where(Cohort.slug == slug).options(joinedload(Cohort.breaks))
    )
    return found.unique().scalar_one_or_none(), None


def _left_cohort(cohort) -> str | None:
    """Why a former member is refused, in words (only on the refusal path: one query)."""
    from lms.core.models import Membership

    if not current_user.is_authenticated:
        return None
    left = db.session.scalar(
        select(Membership.id).where(
            Membership.cohort_id == cohort.id,
            Membership.user_id == current_user.id,
            Membership.withdrawn_at.is_not(None),
        )
    )
    if left is None:
        return None
    return (
        f"You have left {cohort.name}, so its pages, including consent to its evaluation, "
        "are closed to you. If this is a mistake, ask your programme lead."
    )


def requires(capability: str, cohort_arg: str = "slug") -> Callable[[Callable], Callable]:
    """The user must hold `capability` in the cohort named by the URL's `cohort_arg`.

    The cohort and the user's membership of it are put on ``g.cohort`` and
    ``g.membership`` for the view. Without a cohort in the URL, holding the capability
    in any cohort is enough. Unknown cohorts are 404; known but forbidden are 403."""

    def decorate(view: Callable) -> Callable:
        # Views may leave the slug out of their signature: the cohort is on `g`.
        parameters = inspect.signature(view).parameters
        passes_slug = cohort_arg in parameters or any(
            p.kind is p.VAR_KEYWORD for p in parameters.values()
        )

        @wraps(view)
        def wrapper(*args, **kwargs):
            slug = (request.view_args or {}).get(cohort_arg)
            if not passes_slug:
                kwargs.pop(cohort_arg, None)
            if slug is None:
                if not has_capability_anywhere(current_user, capability):
                    abort(403)
                return view(*args, **kwargs)
            cohort, membership = _cohort_and_membership(slug)
            if cohort is None:
                abort(404)
            if not can(current_user, capability, membership):
                abort(403, _left_cohort(cohort) if membership is None else None)
            g.cohort, g.membership = cohort, membership
            return view(*args, **kwargs)

        return _mark(login_required(wrapper), AccessRule("capability", capability))

    return decorate


def declared_capabilities() -> dict[str, Capability]:
    return current_app.extensions["lms_capabilities"]


def roles_granted(capability: str) -> tuple[str, ...]:
    declared = declared_capabilities().get(capability)
    if declared is None:
        raise KeyError(f"capability {capability!r} is not declared by any plugin")
    return declared.roles


def can(user, capability: str, membership=None) -> bool:
    """Whether `user` holds `capability` through `membership` (or as an admin)."""
    roles = roles_granted(capability)
    if getattr(user, "is_admin", False):
        return True
    return membership is not None and membership.is_active and membership.role in roles


def has_capability_anywhere(user, capability: str) -> bool:
    from lms.core.models import Membership

    if user.is_admin:
        return True
    roles = roles_granted(capability)
    found = db.session.scalar(
        select(Membership.id)
        .where(
            Membership.user_id == user.id,
            Membership.role.in_(roles),
            Membership.withdrawn_at.is_(None),
        )
        .limit(1)
    )
    return found is not None


def init_permissions(app, manager) -> None:
    declared: dict[str, Capability] = {}
    for capability in manager.results("lms_capabilities"):
        if capability.name in declared:
            raise RuntimeError(f"capability {capability.name!r} is declared twice")
        declared[capability.name] = capability
    app.extensions["lms_capabilities"] = declared
