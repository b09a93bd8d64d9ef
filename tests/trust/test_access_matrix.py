"""Who may use which page: one declared table, checked for every route and every role.

`MATRIX` maps each endpoint of the app (all plugins enabled) to how its URL is built
from the world (conftest) and what each role gets. Routes that take a record's id are
given the VICTIM's records (a trainee in the attacking trainee's own tutor group), so the
table also states who may reach other people's records by guessing ids. A route missing
from the table fails `test_every_route_is_in_the_matrix`: adding a page means deciding
here who may use it.

Outcomes: ALLOWED means the role gets through (never 401/403/404/405, no redirect to
sign-in, never a 5xx); SIGN_IN is a redirect to the sign-in page; 403 and 404 are exact.
GET is checked for routes that answer GET, and a POST with a valid CSRF token and no
other data for routes that take POST: the question is access, not validation.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import url_for

from lms.extensions import db
from tests.conftest import PASSWORD
from tests.trust.conftest import (
    ROLES,
    SECRET_INITIATIVE,
    SECRET_REFLECTION,
    World,
    partner_sign_in,
)

ALLOWED, SIGN_IN = "allowed", "sign-in"
CHECKED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
DENIED_STATUSES = {401, 403, 404, 405}


def expect(default=403, anonymous=SIGN_IN, **roles) -> dict[str, object]:
    """Every role's outcome: `default` for signed-in roles unless named."""
    table = {role: default for role in ROLES}
    table["anonymous"] = anonymous
    unknown = set(roles) - set(ROLES)
    assert not unknown, unknown
    table.update(roles)
    return table


EVERYONE = expect(default=ALLOWED, anonymous=ALLOWED)
SIGNED_IN = expect(default=ALLOWED)
ADMIN = expect(admin=ALLOWED)
LEAD = expect(lead=ALLOWED, admin=ALLOWED)
MEMBERS = expect(trainee=ALLOWED, tutor_other=ALLOWED, tutor=ALLOWED, lead=ALLOWED, admin=ALLOWED)
STAFF = expect(tutor_other=ALLOWED, tutor=ALLOWED, lead=ALLOWED, admin=ALLOWED)
# Trainee-only pages: an admin passes the capability check but, being no trainee of the
# cohort, has no records there: 404.
GROUP_TUTORS = expect(tutor_other=ALLOWED, tutor=ALLOWED, admin=404)
OWN_WORK = expect(trainee=ALLOWED, admin=404)
# A record of the victim's: only the tutor of their group, the lead and admins.
VICTIMS_INITIATIVE = expect(
    trainee=404, tutor_other=404, tutor=ALLOWED, lead=ALLOWED, admin=ALLOWED
)
# Reflection text is read by the group's own tutor only (leads see statuses, not text).
VICTIMS_REFLECTION = expect(tutor_other=404, tutor=ALLOWED, admin=404)
NO_TOKEN = expect(default=401, anonymous=401)
# An initiative partner's own pages: theirs alone. Every other signed-in person, the
# trainee whose initiative it is and admins included, is no partner there: 404. (Every
# other route refuses the partner by the default above: they are no cohort member.)
PARTNERS_OWN = expect(default=404, partner=ALLOWED)


@dataclass(frozen=True)
class Route:
    args: Callable[[World], dict]
    expected: dict[str, object]
    query: str = ""


def cohort(**names: str) -> Callable[[World], dict]:
    """URL arguments: the world's cohort slug and the named ids (`arg="ids key"`)."""
    return lambda world: {"slug": world.slug, **{k: world.ids[v] for k, v in names.items()}}


def fixed(**values) -> Callable[[World], dict]:
    return lambda world: dict(values)


def token(name: str) -> Callable[[World], dict]:
    return lambda world: {"token": world.ids[name]}


def cohort_with(**values) -> Callable[[World], dict]:
    return lambda world: {"slug": world.slug, **values}


def cohort_file(file: str, **values) -> Callable[[World], dict]:
    """A file's URL: the cohort, `file_id` from the world, other values as given (names
    of world ids when they end in a record's name, e.g. entry_id="victim_entry")."""

    def args(world: World) -> dict:
        named = {k: world.ids[v] if isinstance(v, str) else v for k, v in values.items()}
        return {"slug": world.slug, "file_id": world.ids[file], **named}

    return args


MATRIX: dict[str, Route] = {
    # -- public pages and the links that carry their own credential ----------------------
    "static": Route(fixed(filename="favicon.svg"), EVERYONE),
    # The front door sends visitors to sign in and members to their dashboard.
    "pages.index": Route(fixed(), expect(default=ALLOWED)),
    "pages.accessibility": Route(fixed(), EVERYONE),
    "pages.privacy": Route(fixed(), EVERYONE),
    "pages.healthz": Route(fixed(), EVERYONE),  # for load balancers: no personal data
    "auth.login": Route(fixed(), EVERYONE),
    "auth.logout": Route(fixed(), expect(default=SIGN_IN)),  # signs out, then to sign in
    "auth.request_reset": Route(fixed(), EVERYONE),
    "auth.accept_invitation": Route(token("invitation_token"), EVERYONE),
    "auth.reset_password": Route(token("reset_token"), EVERYONE),
    # Confirming a new email address: the first post confirms it, later ones are told
    # the link is used (410). Another person's link, so the victim's address stays.
    "auth.confirm_email": Route(token("email_change_token"), EVERYONE),
    "calendar.feed": Route(token("feed_token"), EVERYONE),
    "reminders.unsubscribe": Route(token("unsubscribe_token"), EVERYONE),
    "notifications.unsubscribe": Route(token("notification_unsubscribe_token"), EVERYONE),
    # -- your own account ------------------------------------------------------------------
    "auth.change_password": Route(fixed(), SIGNED_IN),
    "admin.account": Route(fixed(), SIGNED_IN),
    "admin.download_personal_data": Route(fixed(), SIGNED_IN),
    "calendar.index": Route(fixed(), SIGNED_IN),
    "calendar.create": Route(fixed(), SIGNED_IN),
    "calendar.revoke": Route(fixed(), SIGNED_IN),
    "reminders.settings": Route(fixed(), SIGNED_IN),
    "notifications.index": Route(fixed(), SIGNED_IN),
    "notifications.preferences": Route(fixed(), SIGNED_IN),
    "notifications.read_all": Route(fixed(), SIGNED_IN),
    # Only its own person opens a notification: everyone else, admins too, gets 404.
    "notifications.open": Route(
        lambda w: {"notification_id": w.ids["victim_notification"]}, expect(default=404)
    ),
    "dashboard.home": Route(fixed(), SIGNED_IN),
    "cohorts.index": Route(fixed(), SIGNED_IN),
    # -- admins ----------------------------------------------------------------------------
    "admin.users": Route(fixed(), ADMIN),
    "admin.user": Route(lambda w: {"user_id": w.ids["victim_user"]}, ADMIN),
    "admin.audit_log": Route(fixed(), ADMIN),
    "admin.audit_export": Route(fixed(), ADMIN),
    # -- a person's account: admins, and the leads of a cohort the person is in ------------
    # A post with no data is refused as from an out-of-date page (400): nothing changes.
    "people.person": Route(lambda w: {"user_id": w.ids["victim_user"]}, LEAD),
    "people.resend_invitation": Route(lambda w: {"user_id": w.ids["victim_user"]}, LEAD),
    "people.send_reset_link": Route(lambda w: {"user_id": w.ids["victim_user"]}, LEAD),
    "people.deactivate": Route(lambda w: {"user_id": w.ids["victim_user"]}, LEAD),
    "people.reactivate": Route(lambda w: {"user_id": w.ids["victim_user"]}, LEAD),
    "people.change_email": Route(lambda w: {"user_id": w.ids["victim_user"]}, LEAD),
    # -- cohorts ---------------------------------------------------------------------------
    "cohorts.create": Route(fixed(), LEAD),
    "cohorts.overview": Route(cohort(), MEMBERS),
    "cohorts.week": Route(cohort_with(week=3), MEMBERS),
    # Staff hold `cohorts.view` but have no progress of their own: 404.
    "cohorts.my_progress": Route(
        cohort(), expect(trainee=ALLOWED, tutor_other=404, tutor=404, lead=404, admin=404)
    ),
    "cohorts.settings": Route(cohort(), LEAD),
    "cohorts.members": Route(cohort(), LEAD),
    "cohorts.member": Route(cohort(membership_id="victim_membership"), LEAD),
    "cohorts.add_member": Route(cohort(), LEAD),
    "cohorts.withdrawal": Route(cohort(membership_id="victim_membership"), LEAD),
    "cohorts.reinstate": Route(cohort(membership_id="victim_membership"), LEAD),
    "cohorts.roster_template": Route(cohort_with(fmt="xlsx"), LEAD),
    "cohorts.groups": Route(cohort(), LEAD),
    "cohorts.group": Route(
        cohort(group_id="group"), expect(tutor=ALLOWED, lead=ALLOWED, admin=ALLOWED)
    ),
    "cohorts.roster": Route(cohort(), LEAD),
    "cohorts.roster_export": Route(cohort(), LEAD),
    # -- consent to the evaluation -----------------------------------------------------------
    # A trainee answers for themself; the lead sees counts and who has not answered.
    "consent.give": Route(cohort(), OWN_WORK),
    "consent.withdraw": Route(cohort(), OWN_WORK),
    "consent.overview": Route(cohort(), LEAD),
    "consent.remind": Route(cohort(), LEAD),
    # -- reflections -----------------------------------------------------------------------
    "reflections.static": Route(cohort_with(filename="autosave.js"), SIGNED_IN),
    "reflections.index": Route(cohort(), OWN_WORK),
    "reflections.edit": Route(cohort_with(week=1), OWN_WORK),
    "reflections.autosave": Route(cohort_with(week=1), OWN_WORK),
    "reflections.sharing": Route(cohort_with(week=1), OWN_WORK),
    "reflections.reply": Route(cohort_with(week=1), OWN_WORK),
    "reflections.history": Route(cohort_with(week=1), OWN_WORK),
    "reflections.export": Route(cohort_with(fmt="md"), OWN_WORK),
    "reflections.queue": Route(cohort(), expect(tutor_other=ALLOWED, tutor=ALLOWED, admin=ALLOWED)),
    "reflections.review_entry": Route(cohort(entry_id="victim_entry"), VICTIMS_REFLECTION),
    "reflections.mark_reviewed": Route(cohort(entry_id="victim_entry"), VICTIMS_REFLECTION),
    "reflections.grid": Route(cohort(), STAFF),
    # Evidence files: the author adds and removes their own; the victim's file, through
    # the trainee's own week, is not theirs (404); a tutor reads it where they read the entry.
    "reflections.files_page": Route(cohort_with(week=1), OWN_WORK),
    "reflections.remove_file": Route(
        cohort_file("victim_reflection_file", week=1), expect(trainee=404, admin=404)
    ),
    "reflections.own_file": Route(
        cohort_file("victim_reflection_file", week=1), expect(trainee=404, admin=404)
    ),
    "reflections.entry_file": Route(
        cohort_file("victim_reflection_file", entry_id="victim_entry"), VICTIMS_REFLECTION
    ),
    # -- initiatives -----------------------------------------------------------------------
    "initiatives.index": Route(cohort(), MEMBERS),
    "initiatives.mine": Route(cohort(), expect(trainee=ALLOWED, admin=ALLOWED)),
    "initiatives.edit": Route(cohort(), OWN_WORK),
    "initiatives.new_milestone": Route(cohort(), OWN_WORK),
    "initiatives.new_update": Route(cohort(), OWN_WORK),
    # The victim's milestone through the trainee's own /mine/ URL: not theirs, 404.
    "initiatives.milestone_done": Route(
        cohort(milestone_id="victim_milestone"), expect(trainee=404, admin=404)
    ),
    "initiatives.show": Route(cohort(initiative_id="victim_initiative"), VICTIMS_INITIATIVE),
    "initiatives.journey": Route(cohort(initiative_id="victim_initiative"), VICTIMS_INITIATIVE),
    "initiatives.comment": Route(
        cohort(initiative_id="victim_initiative", update_id="victim_update"),
        expect(tutor_other=404, tutor=ALLOWED, lead=ALLOWED, admin=ALLOWED),
    ),
    "initiatives.board": Route(cohort(), STAFF),
    # Evidence files: the owner's page and remove button under /mine (the victim's file is
    # not the trainee's: 404); downloads for whoever may read the initiative.
    "initiatives.files_page": Route(cohort(), OWN_WORK),
    "initiatives.remove_file": Route(
        cohort_file("victim_initiative_file"), expect(trainee=404, admin=404)
    ),
    "initiatives.download_file": Route(
        cohort_file("victim_initiative_file", initiative_id="victim_initiative"),
        VICTIMS_INITIATIVE,
    ),
    "initiatives.overview": Route(cohort(), LEAD),
    # Experts by experience (a role this world has none of): an admin passes the check
    # but has no assignments, so sees an empty list and 404 for any initiative.
    "initiatives.reviews": Route(cohort(), expect(admin=ALLOWED)),
    "initiatives.review": Route(cohort(initiative_id="victim_initiative"), expect(admin=404)),
    "initiatives.review_journey": Route(
        cohort(initiative_id="victim_initiative"), expect(admin=404)
    ),
    "initiatives.assign": Route(cohort(initiative_id="victim_initiative"), LEAD),
    # Initiative partners. The trainee invites and removes their own partners under
    # /mine; the victim's partner, removed through the trainee's own URL: not theirs, 404.
    "initiatives.partners_page": Route(cohort(), OWN_WORK),
    "initiatives.remove_partner": Route(
        cohort(partner_id="victim_partner"), expect(trainee=404, admin=404)
    ),
    # The emailed link is the credential (signed, single use, expiring): anyone holding
    # it gets the page; once used, a clear refusal (410) offering a new link.
    "initiatives.partner_sign_in": Route(
        lambda w: {"slug": w.slug, "token": w.ids["partner_link_token"]}, EVERYONE
    ),
    "initiatives.partner_new_link": Route(
        lambda w: {"slug": w.slug, "token": w.ids["partner_link_token"]}, EVERYONE
    ),
    "initiatives.partner_home": Route(cohort(partner_id="own_partner"), PARTNERS_OWN),
    "initiatives.partner_comment": Route(cohort(partner_id="own_partner"), PARTNERS_OWN),
    "initiatives.partner_view": Route(
        cohort(partner_id="own_partner", update_id="own_update"), PARTNERS_OWN
    ),
    # -- surveys ---------------------------------------------------------------------------
    "surveys.index": Route(cohort(), expect(trainee=ALLOWED, admin=ALLOWED)),
    "surveys.answer": Route(cohort_with(wave_name="pre"), OWN_WORK),
    "surveys.your_answers": Route(
        cohort(response_id="victim_response"), expect(trainee=404, admin=404)
    ),
    "surveys.results": Route(cohort(), LEAD),
    "surveys.results_csv": Route(cohort(), LEAD),
    "surveys.responses_export": Route(cohort_with(fmt="csv"), LEAD),
    # Each tutor sees their own group's aggregates once the later wave has closed (the
    # start-of-programme wave has, on the world's date); admins have no group.
    "surveys.group_results": Route(cohort(), GROUP_TUTORS, query="?from=mid&to=pre"),
    "surveys.group_results_csv": Route(cohort(), GROUP_TUTORS, query="?from=mid&to=pre"),
    # -- evaluation ------------------------------------------------------------------------
    "evaluation.static": Route(fixed(filename="coding.js"), SIGNED_IN),
    "evaluation.dashboard": Route(cohort(), LEAD),
    "evaluation.chart": Route(cohort(key="chart"), LEAD),
    "evaluation.printable": Route(cohort(), LEAD),
    "evaluation.download": Route(cohort_with(fmt="xlsx"), LEAD),
    "evaluation.excerpts_csv": Route(cohort(), LEAD),
    "evaluation.compare": Route(fixed(), LEAD),
    # Coders (tutors and the lead) work on consented, pseudonymised text of the cohort.
    "evaluation.codebook": Route(cohort(), STAFF),
    "evaluation.edit_theme": Route(cohort(theme_id="theme"), STAFF),
    "evaluation.copy_codebook": Route(cohort(), LEAD),
    "evaluation.texts": Route(cohort(), STAFF),
    # A coder reads a text only where their role reads it elsewhere: the victim's
    # reflection is their own group tutor's to read (and the lead's: it is consented).
    "evaluation.code_text": Route(
        cohort(source="victim_source"),
        expect(tutor_other=404, tutor=ALLOWED, lead=ALLOWED, admin=ALLOWED),
    ),
    # The next text a coder has not coded, among those they may read (a redirect).
    "evaluation.next_text": Route(cohort(), STAFF),
    # A memo is written by the coding's own coder only (the tutor made this one).
    "evaluation.save_memo": Route(
        cohort(source="victim_source", coding_id="memo_coding"),
        expect(tutor_other=404, tutor=ALLOWED, lead=404, admin=404),
    ),
    "evaluation.themes": Route(cohort(), STAFF),
    "evaluation.theme_chart": Route(cohort(key="theme_chart"), STAFF),
    # A coding is removed by its own coder only (the tutor made this one).
    "evaluation.delete_coding": Route(
        cohort(coding_id="tutor_coding"),
        expect(tutor_other=404, tutor=ALLOWED, lead=404, admin=404),
    ),
    # -- sessions, attendance, completion and certificates ------------------------------------
    "sessions.static": Route(fixed(filename="register.js"), SIGNED_IN),
    "sessions.times": Route(cohort(), LEAD),
    "sessions.week_times": Route(cohort_with(week=3), LEAD),
    # Tutors mark their own group; the lead everyone (an admin, as the lead).
    "sessions.register_now": Route(cohort(), STAFF),
    "sessions.take_register": Route(cohort_with(week=3), STAFF),
    # A trainee sees their own; a tutor their group's; the lead the cohort's.
    "sessions.attendance": Route(cohort(), MEMBERS),
    "sessions.completion_view": Route(cohort(), LEAD),
    "sessions.exception": Route(cohort(membership_id="victim_membership"), LEAD),
    "sessions.issue": Route(cohort(), LEAD),
    "sessions.certificates_zip": Route(cohort(), LEAD),
    "sessions.revoke": Route(cohort(certificate_id="victim_certificate"), LEAD),
    # Their own certificate only (the attacking trainee has none: 404).
    "sessions.my_certificate": Route(cohort(), expect(trainee=404, admin=404)),
    # Anyone holding a certificate's address may confirm it: name, programme, dates.
    "sessions.verify": Route(lambda w: {"code": w.ids["certificate_code"]}, EVERYONE),
    # -- the JSON API: bearer tokens only. A browser's session cookie opens none of it
    # (so no cross-site request can use it); its token-based checks are the API's tests.
    "api.openapi": Route(fixed(), EVERYONE),
    "api.docs": Route(fixed(), EVERYONE),
    "api.me_read": Route(fixed(), NO_TOKEN),
    "api.cohorts_list": Route(fixed(), NO_TOKEN),
    "api.cohorts_read": Route(cohort(), NO_TOKEN),
    "api.cohorts_roster": Route(cohort(), NO_TOKEN),
    "api.initiatives_read": Route(cohort(), NO_TOKEN),
    "api.initiatives_list_updates": Route(cohort(), NO_TOKEN),
    "api.initiatives_add_update": Route(cohort(), NO_TOKEN),
    "api.reflections_list": Route(cohort(), NO_TOKEN),
    "api.reflections_read": Route(cohort_with(week=1), NO_TOKEN),
    "api.reflections_read_entry": Route(cohort(entry_id="victim_entry"), NO_TOKEN),
    "api.reflections_save_draft": Route(cohort_with(week=1), NO_TOKEN),
    "api.reflections_submit": Route(cohort_with(week=1), NO_TOKEN),
    "api.surveys_list": Route(cohort(), NO_TOKEN),
    "api.surveys_read": Route(cohort_with(wave="pre"), NO_TOKEN),
    "api.surveys_results": Route(cohort(), NO_TOKEN),
    "api.surveys_save_response": Route(cohort_with(wave="pre"), NO_TOKEN),
    "api_tokens.index": Route(fixed(), SIGNED_IN),
    "api_tokens.create": Route(fixed(), SIGNED_IN),
    # The victim's token, revoked by anyone else: not theirs, 404.
    "api_tokens.revoke": Route(
        lambda w: {"token_id": w.ids["victim_api_token"]}, expect(default=404)
    ),
}


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - set(MATRIX)) == [], "routes with no declared access: add them"
    # Entries of plugins switched off here (LMS_DISABLED_PLUGINS) are not missing routes.
    enabled = {e for e in MATRIX if "." not in e or e.split(".")[0] in app.blueprints}
    assert sorted(enabled - endpoints) == [], "the matrix names routes that do not exist"


def methods_of(app, endpoint: str) -> list[str]:
    """The methods checked for an endpoint (none if the app has no such route: the
    comparison of the table with the routes reports that)."""
    methods = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == endpoint:
            methods |= rule.methods or set()
    return [m for m in CHECKED_METHODS if m in methods]


class Browsers:
    """One client per role; each request starts from the role's signed-in session, so a
    sign-out (or anything else that changes the session) cannot leak into the next."""

    def __init__(self, clients: dict):
        self.clients = clients
        self.tokens = {role: client.csrf_token() for role, client in clients.items()}
        self.sessions = {
            role: client.get_cookie("session").value for role, client in clients.items()
        }
        self.user_ids = {}
        for role, client in clients.items():
            with client.session_transaction() as session:
                if "_user_id" in session:
                    self.user_ids[role] = int(session["_user_id"].partition(".")[0])

    def request(self, role: str, method: str, url: str):
        client = self.clients[role]
        client.set_cookie("session", self.sessions[role])
        if method == "GET":
            return client.get(url)
        response = client.open(url, method=method, data={"csrf_token": self.tokens[role]})
        if url == "/sign-out" and role != "anonymous":
            self._sign_in_again(role)
        return response

    def _sign_in_again(self, role: str) -> None:
        """Signing out voids every copy of the session: the role signs in afresh."""
        from lms.core.models import User

        user_id = self.user_ids[role]
        app = self.clients[role].application
        if role == "partner":  # no password: a new emailed link
            fresh = partner_sign_in(app, db.session.get(User, user_id))
        else:
            fresh = app.test_client()
            email = db.session.get(User, user_id).email
            response = fresh.post("/sign-in", data={"email": email, "password": PASSWORD})
            assert response.status_code == 302, role
        self.clients[role] = fresh
        self.tokens[role] = fresh.csrf_token()
        self.sessions[role] = fresh.get_cookie("session").value


def readable_text(data: bytes) -> str:
    """The text of a response, looking inside ZIP-based downloads (XLSX, DOCX, ZIP)."""
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = b"".join(archive.read(name) for name in archive.namelist())
    return data.decode("utf-8", errors="replace")


def outcome_problem(response, expected) -> str | None:
    status = response.status_code
    location = response.headers.get("Location", "")
    to_sign_in = status == 302 and urlsplit(location).path == "/sign-in"
    if status >= 500:
        return f"server error {status}"
    if expected == ALLOWED:
        if status in DENIED_STATUSES or to_sign_in:
            return f"refused ({status} {location})"
        return None
    if expected == SIGN_IN:
        return None if to_sign_in else f"{status} {location}, not a redirect to sign in"
    return None if status == expected else f"{status} {location}, expected {expected}"


def run_matrix(app, world, browsers, methods=CHECKED_METHODS) -> list[str]:
    failures = []
    # GETs first: a POST may change state a later GET depends on (a new calendar link).
    for method in methods:
        for endpoint, route in sorted(MATRIX.items()):
            if method not in methods_of(app, endpoint):
                continue
            with app.test_request_context():
                url = url_for(endpoint, **route.args(world)) + route.query
            for role in ROLES:
                if role not in browsers.clients:  # its plugin is disabled (the partner)
                    continue
                try:
                    response = browsers.request(role, method, url)
                except Exception as error:  # noqa: BLE001 - TESTING re-raises what would be a 500
                    failures.append(f"{method} {endpoint} as {role}: raised {error!r:.200}")
                    continue
                body = readable_text(response.get_data())
                expected = route.expected[role]
                problem = outcome_problem(response, expected)
                # Data of the victim never reaches a refused request, nor another trainee.
                if expected != ALLOWED or role in (
                    "anonymous",
                    "trainee",
                    "other_trainee",
                    "partner",
                ):
                    leaked = world.secrets_in(body)
                    if leaked:
                        problem = f"{problem or ''} leaked {leaked}".strip()
                if problem:
                    failures.append(f"{method} {endpoint} as {role}: {problem}")
                response.close()
    return failures


def test_every_role_gets_what_the_matrix_declares(app, world, clients):
    from lms.core.models import Membership, User

    failures = run_matrix(app, world, Browsers(clients))
    assert not failures, "\n".join(failures)
    # Posts by the allowed (with no data) and by the refused changed nothing of the victim.
    victim = db.session.get(Membership, world.ids["victim_membership"])
    db.session.refresh(victim)
    assert (victim.role, victim.tutor_group_id, victim.withdrawn_at) == (
        "trainee",
        world.ids["group"],
        None,
    )
    assert db.session.get(User, world.ids["victim_user"]).email == world.victim_email


# URL arguments that name no one's record: everything else is an object id (a theme
# too: it belongs to its cohort's codebook).
NOT_IDS = {"slug", "week", "fmt", "wave_name", "filename", "token", "key"}


def id_routes(app) -> list[str]:
    return sorted(
        {
            rule.endpoint
            for rule in app.url_map.iter_rules()
            if set(rule.arguments) - NOT_IDS and "slug" in rule.arguments
        }
    )


def test_ids_of_another_cohorts_records_lead_nowhere(app, world, clients):
    """Staff and trainees of another cohort put the victim's ids into their own
    cohort's URLs: every such request is refused and shows nothing of the victim."""
    browsers = Browsers(clients)
    routes = id_routes(app)
    assert "surveys.your_answers" in routes and "cohorts.member" in routes
    failures = []
    for endpoint in routes:
        arguments = {**MATRIX[endpoint].args(world), "slug": world.other_slug}
        with app.test_request_context():
            url = url_for(endpoint, **arguments)
        for method in methods_of(app, endpoint):
            for role in ("other_trainee", "other_tutor", "other_lead"):
                response = browsers.request(role, method, url)
                body = readable_text(response.get_data())
                if response.status_code not in (401, 403, 404) or world.secrets_in(body):
                    failures.append(
                        f"{method} {url} as {role}: {response.status_code} {world.secrets_in(body)}"
                    )
    assert not failures, "\n".join(failures)


def test_the_same_pages_show_records_to_whom_they_belong(app, world, clients):
    """The refusals above are about ownership, not broken URLs: with their own ids the
    trainee gets their records, and the victim's tutor reads the victim's reflection."""
    browsers = Browsers(clients)
    slug, own = world.slug, world.own
    own_pages = [
        f"/cohorts/{slug}/surveys/responses/{own['response']}",
        f"/cohorts/{slug}/initiatives/{own['initiative']}",
        f"/cohorts/{slug}/initiatives/{own['initiative']}/journey.svg",
        f"/cohorts/{slug}/initiatives/mine/milestones/{own['milestone']}/done",
    ]
    for url in own_pages:
        assert browsers.request("trainee", "GET", url).status_code == 200, url
    entry = f"/cohorts/{slug}/reflections/review/{world.ids['victim_entry']}"
    page = browsers.request("tutor", "GET", entry).get_data(as_text=True)
    assert SECRET_REFLECTION in page
    initiative = f"/cohorts/{slug}/initiatives/{world.ids['victim_initiative']}"
    assert SECRET_INITIATIVE in browsers.request("tutor", "GET", initiative).get_data(as_text=True)
    for role in ("trainee", "tutor_other"):
        response = browsers.request(role, "GET", entry)
        assert response.status_code in (403, 404)
        assert SECRET_REFLECTION not in response.get_data(as_text=True)
