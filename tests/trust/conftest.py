"""A populated "world" for the trust tests: the demo cohort with every plugin's demo data,
one trainee whose records everyone else tries to reach (the victim), and a second cohort.

Roles, as the access matrix names them:
    anonymous      not signed in
    trainee        a trainee in the victim's own tutor group (the most tempting attacker)
    other_trainee  a trainee of another cohort
    tutor_other    the tutor of the other tutor group of the same cohort
    tutor          the tutor of the victim's group
    lead           the cohort's lead
    admin          a site admin who is not a member of the cohort
    partner        an initiative partner (a carer) of the attacking trainee's initiative:
                   no member of any cohort, signed in by their emailed one-time link
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import func, inspect, select

from lms.extensions import db
from tests.conftest import PASSWORD, record_consent

TODAY = date(2026, 11, 18)
ROLES = (
    "anonymous",
    "trainee",
    "other_trainee",
    "tutor_other",
    "tutor",
    "lead",
    "admin",
    "partner",
)

# Strings only the victim's records hold. None may reach anyone not allowed to see them.
SECRET_REFLECTION = "VictimSecretReflection quokka"
SECRET_INITIATIVE = "VictimSecretInitiative narwhal"
SECRET_MILESTONE = "VictimSecretMilestone axolotl"
SECRET_SURVEY = "VictimSecretSurvey pangolin"
SECRET_ORGANISATION = "VictimSecretOrganisation okapi"
VICTIM_SECRETS = (
    SECRET_REFLECTION,
    SECRET_INITIATIVE,
    SECRET_MILESTONE,
    SECRET_SURVEY,
    SECRET_ORGANISATION,
)


@dataclass
class World:
    slug: str
    other_slug: str
    users: dict  # role -> User (no entry for anonymous)
    victim: object  # the victim's Membership
    ids: dict = field(default_factory=dict)  # names -> ids and keys used in URLs
    own: dict = field(default_factory=dict)  # the attacking trainee's own record ids

    def secrets_in(self, body: str) -> list[str]:
        return [secret for secret in (*VICTIM_SECRETS, self.victim_email) if secret in body]

    @property
    def victim_email(self) -> str:
        return self.ids["victim_email"]


@pytest.fixture
def app_config(migrated, tmp_path):
    from tests.conftest import test_config

    return {**test_config(migrated, tmp_path), "TODAY": TODAY.isoformat()}


def _demo_users(make_user) -> None:
    """The demo's accounts, made first with the tests' password hash (hashing is slow)."""
    from lms.core.demo import TRAINEES, TUTORS, demo_email

    make_user("admin@demo.example.org", admin=True, given_name="Ada", family_name="Admin")
    make_user("lead@demo.example.org", given_name="Lena", family_name="Lead")
    for given, family, *_ in (*TUTORS, *TRAINEES):
        make_user(demo_email(given, family), given_name=given, family_name=family)


def _membership(cohort, email):
    from lms.core.models import Membership, User

    return db.session.scalar(
        select(Membership).join(User).where(Membership.cohort_id == cohort.id, User.email == email)
    )


@pytest.fixture
def world(app, make_user, make_cohort, make_membership) -> World:
    from lms.core.accounts import make_token
    from lms.core.demo import create_demo
    from lms.core.models import User
    from lms.plugins.calendar import services as calendar
    from lms.plugins.evaluation import coding, figures
    from lms.plugins.initiatives import services as initiatives
    from lms.plugins.reflections import services as reflections
    from lms.plugins.reminders.services import unsubscribe_token
    from lms.plugins.surveys.models import SurveyResponse

    _demo_users(make_user)
    cohort, _ = create_demo(today=TODAY)
    db.session.commit()
    users = {
        "trainee": _membership(cohort, "aisha.rahman@demo.example.org").user,
        "tutor_other": _membership(cohort, "una.walsh@demo.example.org").user,
        "tutor": _membership(cohort, "tom.brennan@demo.example.org").user,
        "lead": _membership(cohort, "lead@demo.example.org").user,
        "admin": db.session.scalar(select(User).where(User.email == "admin@demo.example.org")),
    }
    trainee = _membership(cohort, "aisha.rahman@demo.example.org")
    victim = _membership(cohort, "ciara.mccann@demo.example.org")
    assert (
        victim.tutor_group_id
        == trainee.tutor_group_id
        == _membership(cohort, "tom.brennan@demo.example.org").tutor_group_id
    )
    victim.organisation = SECRET_ORGANISATION
    record_consent(victim, True)

    other = make_cohort(slug="other-2026", start=cohort.start_date)
    other_member = make_membership(other, group="Group A")
    users["other_trainee"] = other_member.user
    # Staff of the other cohort: for guessing ids across cohorts (not matrix roles).
    users["other_tutor"] = make_membership(other, "tutor", group="Group A").user
    users["other_lead"] = make_membership(other, "lead").user

    # The victim's week 1 reflection: submitted, shared with tutors, consented.
    answers = {p.id: f"{SECRET_REFLECTION} {p.id}" for p in reflections.prompts_for(cohort, 1)}
    entry = reflections.entry_of(victim, 1)
    reflections.save(victim, 1, answers, entry.current_version if entry else 0, submit=True)
    entry = reflections.entry_of(victim, 1)
    reflections.set_sharing(entry, True, True)
    # The trainee's own week 1: submitted too, so the reply form is theirs to use.
    own_entry = reflections.entry_of(trainee, 1)
    own_answers = {p.id: f"Aisha's own words {p.id}" for p in reflections.prompts_for(cohort, 1)}
    reflections.save(
        trainee, 1, own_answers, own_entry.current_version if own_entry else 0, submit=True
    )
    own_entry = reflections.entry_of(trainee, 1)

    initiative = initiatives.initiative_of(victim)
    initiative.title = SECRET_INITIATIVE
    milestone = initiative.milestones[0]
    milestone.title = SECRET_MILESTONE
    update = initiative.updates[-1]

    response = db.session.scalar(
        select(SurveyResponse).where(
            SurveyResponse.membership_id == victim.id, SurveyResponse.wave == "pre"
        )
    )
    text_answer = next(a for a in response.answers if a.text is not None)
    text_answer.text = SECRET_SURVEY
    own_response = db.session.scalar(
        select(SurveyResponse).where(
            SurveyResponse.membership_id == trainee.id, SurveyResponse.wave == "pre"
        )
    )
    db.session.flush()

    source = next(
        text.source
        for text in coding.codable_texts(cohort).values()
        if text.membership_id == victim.id and SECRET_REFLECTION in text.text
    )
    theme = coding.themes_of(cohort)[0]
    tutor_coding = coding.add_coding(cohort, users["tutor"], source, SECRET_REFLECTION, [theme.id])
    # A second: the matrix removes the first before it writes a memo on this one.
    memo_coding = coding.add_coding(cohort, users["tutor"], source, SECRET_REFLECTION, [theme.id])
    report = figures.build_report(cohort)
    chart_key = next(t.key for t in report.tables if t.chart and not t.key.startswith("themes-"))
    theme_chart_key = next(t.key for t in report.tables if t.chart and t.key.startswith("themes-"))

    ids: dict = {}
    if "api_tokens" in app.blueprints:  # the JSON API plugin is enabled
        from lms.plugins.api.tokens import create_token

        ids["victim_api_token"] = create_token(victim.user, "Victim's report", "read")[0].id
    if "sessions" in app.blueprints:  # the sessions plugin is enabled
        from lms.plugins.sessions import certificates, completion

        completion.record_exception(victim, "Completed through catch-up work", users["lead"])
        (certificate,) = certificates.issue(cohort, users["lead"], TODAY)
        ids["victim_certificate"] = certificate.id
        ids["certificate_code"] = certificate.code
    # Evidence files of the victim's, through the service the upload pages use; their
    # content holds the secrets, so a download that reaches the wrong person is caught.
    from lms.core.files import Upload, store_files
    from tests.evidence import pdf_bytes

    (initiative_file,) = store_files(
        victim.user,
        f"initiative:{initiative.id}",
        [Upload("outline.pdf", pdf_bytes(SECRET_INITIATIVE))],
    )
    (reflection_file,) = store_files(
        victim.user, f"reflection:{entry.id}", [Upload("notes.pdf", pdf_bytes(SECRET_REFLECTION))]
    )
    ids["victim_initiative_file"] = initiative_file.id
    ids["victim_reflection_file"] = reflection_file.id
    invited = make_user(password=False)
    feed_token = calendar.create_feed(users["trainee"])
    from flask import url_for

    from lms.core import notifications

    with app.test_request_context():
        note = notifications.notify(
            "reflections.feedback",
            victim,
            "Your tutor left feedback on your week 1 reflection",
            url_for("reflections.edit", slug=cohort.slug, week=1),
        )
    ids["victim_notification"] = note.id
    ids["notification_unsubscribe_token"] = notifications.unsubscribe_token(
        victim.user, ["reflections.feedback"]
    )
    db.session.commit()
    ids.update(
        {
            "victim_email": victim.user.email,
            "victim_user": victim.user_id,
            "victim_membership": victim.id,
            "victim_entry": entry.id,
            "victim_initiative": initiative.id,
            "victim_milestone": milestone.id,
            "victim_update": update.id,
            "victim_response": response.id,
            "victim_source": source,
            "tutor_coding": tutor_coding.id,
            "memo_coding": memo_coding.id,
            "group": victim.tutor_group_id,
            "theme": theme.id,
            "chart": chart_key,
            "theme_chart": theme_chart_key,
            "invitation_token": make_token(invited, "invitation"),
            "reset_token": make_token(users["other_trainee"], "reset"),
            "email_change_token": make_token(
                invited, "email-change", old=invited.email, new="moved@example.org"
            ),
            "feed_token": feed_token,
            "unsubscribe_token": unsubscribe_token(users["trainee"]),
        }
    )
    own_initiative = initiatives.initiative_of(trainee)
    if "initiatives" in app.blueprints:
        from lms.plugins.initiatives import partners

        # Invited through the service the trainee's page uses: the partner of the
        # attacking trainee's own initiative, and another of the victim's.
        partner = partners.invite(
            own_initiative, "Pat Partner", "pat.partner@example.net", "carer", trainee.user
        )
        victim_partner = partners.invite(
            initiative, "Vic Partner", "vic.partner@example.net", "service user", victim.user
        )
        db.session.commit()
        users["partner"] = partner.user
        ids["own_partner"] = partner.id
        ids["victim_partner"] = victim_partner.id
        ids["own_update"] = own_initiative.updates[-1].id
        ids["partner_link_token"] = partners.make_link_token(partner)
    own = {
        "entry": own_entry.id,
        "initiative": own_initiative.id,
        "milestone": own_initiative.milestones[0].id,
        "update": own_initiative.updates[-1].id,
        "response": own_response.id,
    }
    return World(cohort.slug, other.slug, users, victim, ids, own)


def partner_sign_in(app, user) -> object:
    """A new browser signed in as the partner `user`, by a fresh emailed link (they have
    no password): the page's button posts the link."""
    from lms.plugins.initiatives import partners

    (partner,) = partners.partnerships_of(user)
    client = app.test_client()
    url = f"/cohorts/{partner.initiative.membership.cohort.slug}/initiatives/partners/sign-in/"
    response = client.post(url + partners.make_link_token(partner), data={})
    assert response.status_code == 302, ("partner", response.status_code)
    return client


@pytest.fixture
def clients(app, world):
    """One signed-in test client per role (anonymous: none signed in)."""
    made = {"anonymous": app.test_client()}
    for role, user in world.users.items():
        if role == "partner":
            made[role] = partner_sign_in(app, user)
            continue
        client = app.test_client()
        response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, (role, response.status_code)
        made[role] = client
    return made


def row_counts() -> dict[str, int]:
    """Rows in every table: a request refused must leave all of them unchanged."""
    names = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    tables = [t for t in db.metadata.sorted_tables if t.name in names]
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in tables}
