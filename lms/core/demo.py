"""`lms demo`: migrate, create a realistic demo cohort, print the logins, serve."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from lms.core.models import Cohort, Membership, User
from lms.core.schedule import monday_of
from lms.extensions import db

DEMO_PASSWORD = "co-production-demo"  # noqa: S105 - printed for the demo, by design
DEMO_SLUG = "demo-2026"
PAST_SLUG = "demo-2025"

# 18 trainees across the three sectors, as in the published Involving People cohort.
TRAINEES = [
    (
        "Aisha",
        "Rahman",
        "statutory",
        "Belfast Health and Social Care Trust",
        "Social worker",
        "Belfast",
        True,
    ),
    (
        "Ben",
        "O'Neill",
        "statutory",
        "Northern Health and Social Care Trust",
        "Occupational therapist",
        "Antrim",
        False,
    ),
    (
        "Ciara",
        "McCann",
        "statutory",
        "Western Health and Social Care Trust",
        "Ward manager",
        "Derry",
        False,
    ),
    ("Daniel", "Kerr", "statutory", "Glasgow City HSCP", "Planning officer", "Glasgow", False),
    ("Eilidh", "Fraser", "statutory", "Highland HSCP", "Community nurse", "Inverness", True),
    (
        "Farhan",
        "Iqbal",
        "statutory",
        "Edinburgh City Council",
        "Housing officer",
        "Edinburgh",
        False,
    ),
    ("Grace", "Doherty", "voluntary", "Carers Network", "Carer support worker", "Belfast", True),
    ("Hamish", "Reid", "voluntary", "Recovery Together", "Peer support lead", "Dundee", True),
    ("Isla", "Campbell", "voluntary", "Community Voices", "Development worker", "Glasgow", False),
    ("Jack", "Murphy", "voluntary", "Youth Link", "Youth worker", "Newry", False),
    ("Kirsty", "Stewart", "voluntary", "Advocacy Matters", "Advocate", "Aberdeen", False),
    ("Liam", "Quinn", "voluntary", "Mind the Gap", "Volunteer coordinator", "Armagh", True),
    ("Megan", "Boyle", "charity", "Alzheimer's Support NI", "Service manager", "Belfast", False),
    ("Niall", "Gallagher", "charity", "Housing First Trust", "Project lead", "Derry", False),
    (
        "Orla",
        "Hughes",
        "charity",
        "Learning Disability Forum",
        "Engagement officer",
        "Lisburn",
        True,
    ),
    ("Priya", "Shah", "charity", "Sight Loss Scotland", "Service coordinator", "Edinburgh", False),
    ("Ruairi", "Byrne", "charity", "Families First", "Family support worker", "Omagh", False),
    (
        "Sophie",
        "Anderson",
        "charity",
        "Age Well Partnership",
        "Programme manager",
        "Stirling",
        False,
    ),
]
TUTORS = [("Tom", "Brennan", "Group A"), ("Una", "Walsh", "Group B")]


def demo_email(given: str, family: str) -> str:
    local = f"{given}.{family}".lower().replace("'", "")
    return f"{local}@demo.example.org"


def _user(email: str, given: str, family: str, admin: bool = False) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, given_name=given, family_name=family, is_admin=admin)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
    return user


def demo_start(today: date) -> date:
    """Ten weeks ago on a Monday, so the demo is always mid-programme."""
    return monday_of(today) - timedelta(weeks=10)


def create_demo(today: date | None = None) -> tuple[Cohort, list[tuple[str, str]]]:
    """Create the demo cohort and accounts once; return them with their logins."""
    from lms.core.cohorts import CohortPlan, create_cohort, group_by_name

    today = today or date.today()
    logins: list[tuple[str, str]] = []
    admin = _user("admin@demo.example.org", "Ada", "Admin", admin=True)
    lead = _user("lead@demo.example.org", "Lena", "Lead")
    logins += [("admin", admin.email), ("lead", lead.email)]
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == DEMO_SLUG))
    created = cohort is None
    if created:
        start = demo_start(today)
        cohort = create_cohort(
            CohortPlan(
                "Involving People – demo cohort",
                DEMO_SLUG,
                "involving-people",
                start,
                start.weekday(),
                (start + timedelta(weeks=6),),
            ),
            lead=lead,
        )
    tutors = []
    for given, family, group_name in TUTORS:
        tutor = _user(demo_email(given, family), given, family)
        tutors.append(tutor)
        logins.append((f"tutor ({group_name})", tutor.email))
        if created:
            db.session.add(
                Membership(
                    user=tutor,
                    cohort=cohort,
                    role="tutor",
                    tutor_group=group_by_name(cohort, group_name),
                    sector="statutory",
                    organisation="Involving People",
                )
            )
    for index, (given, family, *_details) in enumerate(TRAINEES):
        trainee = _user(demo_email(given, family), given, family)
        if index == 0:
            logins.append(("trainee", trainee.email))
        if created:
            _add_trainee(cohort, trainee, index, consent=index % 3 != 2)
    db.session.flush()
    if created:
        current_app.extensions["lms"].hook.lms_demo_data(cohort=cohort)
        _past_cohort(today, lead)
    return cohort, logins


def _add_trainee(cohort: Cohort, user: User, index: int, consent: bool, **fields) -> None:
    """`user` as a trainee with the details of roster row `index`, in Group A or B, and
    their answers to the consent questions, given as a trainee gives them on the page."""
    from lms.core import consent as consent_service
    from lms.core.cohorts import group_by_name

    _, _, sector, org, job, area, lived = TRAINEES[index]
    membership = Membership(
        user=user,
        cohort=cohort,
        role="trainee",
        sector=sector,
        organisation=org,
        job_title=job,
        area=area,
        lived_experience=lived,
        tutor_group=group_by_name(cohort, TUTORS[index % 2][2]),
        **fields,
    )
    db.session.add(membership)
    db.session.flush()
    # Partial, as in the published cohort: most agree to survey analysis, fewer to
    # quotes, fewer still to an interview; some decline; one in six has not answered yet.
    if consent:
        answers = {
            consent_service.SURVEY_ANALYSIS: True,
            consent_service.QUOTES: index % 2 == 0,
            consent_service.INTERVIEW: index % 4 == 0,
        }
    elif index % 2 == 0:
        return  # not answered yet: the dashboard asks, the lead's consent page lists them
    else:
        answers = dict.fromkeys(consent_service.REQUIRED_PURPOSES, False)
    consent_service.record(membership, answers, by=user, source=consent_service.PAGE)


def _past_cohort(today: date, lead: User) -> Cohort:
    """Last year's cohort, finished: every survey wave has closed, so the lead has paired
    start-to-end results, charts and a whole programme's evaluation to explore."""
    from lms.core.cohorts import CohortPlan, create_cohort

    start = demo_start(today) - timedelta(weeks=52)
    cohort = create_cohort(
        CohortPlan(
            "Involving People – last year's cohort",
            PAST_SLUG,
            "involving-people",
            start,
            start.weekday(),
            (start + timedelta(weeks=6),),
        ),
        lead=lead,
    )
    joined = datetime.combine(start - timedelta(days=14), time(9))
    for membership in cohort.memberships:
        # Older than this year's: links in the header keep going to the current cohort.
        membership.created_at = joined
    for index, (_, family, *_details) in enumerate(TRAINEES):
        given = TRAINEES[(index + 7) % len(TRAINEES)][0]  # other people than this year's
        trainee = _user(demo_email(given, family), given, family)
        _add_trainee(cohort, trainee, index, consent=index % 4 != 3, created_at=joined)
    db.session.flush()
    current_app.extensions["lms"].hook.lms_demo_data(cohort=cohort)
    return cohort


@click.command("demo", help="Set up the database and a demo cohort, print logins and serve.")
@click.option("--serve/--no-serve", default=True, help="Serve on http://HOST:PORT afterwards.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def demo_command(serve: bool, host: str, port: int) -> None:
    from lms.migrations_support import upgrade_database

    upgrade_database()
    cohort, logins = create_demo()
    db.session.commit()
    click.echo(f"Demo cohort: {cohort.name} ({cohort.slug})")
    click.echo(f"Every demo account's password is: {DEMO_PASSWORD}")
    for role, email in logins:
        click.echo(f"  {role:<18} {email}  {DEMO_PASSWORD}")
    click.echo(f"Other trainees: any of the {len(TRAINEES)} in the roster, same password.")
    click.echo(
        f"The lead also has last year's finished cohort ({PAST_SLUG}): survey results from"
        " start to end, and a whole programme's evaluation."
    )
    app = current_app._get_current_object()
    if not app.config["BASE_URL"]:
        app.config["BASE_URL"] = f"http://{host}:{port}"  # the demo's emails link here
    if serve:
        serve_until_stopped(app, host, port)


def serve_until_stopped(app, host: str, port: int) -> None:
    """Serve with werkzeug's threaded server until Ctrl+C. Not `app.run()`: inside
    Flask's own CLI that call is ignored and the command would simply exit."""
    from werkzeug.serving import run_simple

    # Plain HTTP on this machine only: a Secure cookie would not be sent back.
    app.config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
    db.session.remove()  # each request opens its own session; hold no connection here
    click.echo(f"Serving on http://{host}:{port} (Ctrl+C to stop)")
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
