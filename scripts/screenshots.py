"""Screenshots of the main pages of the demo cohort, into docs/screenshots/*.png.

    python scripts/screenshots.py [--today 2026-11-18] [--out docs/screenshots] [--only NAME ...]

Builds the demo cohort (`lms demo`'s) in a throwaway SQLite database with today's date
pinned, serves the app on 127.0.0.1 and photographs each page in system Chromium at
1280 CSS px wide (full page). The same date gives the same pages, so the PNGs only change
when the pages do. Plugins disabled with LMS_DISABLED_PLUGINS are left out, as in the app.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PINNED_TODAY = date(2026, 11, 18)  # a Wednesday, in course week 10 of the demo cohort
WIDTH = 1280
PHONE = {"width": 390, "height": 844}

BAD_ROSTER = (
    "email,given_name,family_name,role,sector,organisation,job_title,area,tutor_group,"
    "lived_experience\r\n"
    "aoife.byrne@example.org,Aoife,Byrne,trainee,voluntary,Carers Network,Support worker,"
    "Belfast,Group A,yes\r\n"
    "sean.at.example.org,Seán,Kelly,trainee,statutory,Belfast Trust,Social worker,"
    "Belfast,Group B,no\r\n"
    "mary@example.org,Mary,Quinn,boss,charity,Age Well,Manager,Derry,Group A,maybe\r\n"
)


@dataclass(frozen=True)
class Shot:
    name: str  # docs/screenshots/<name>.png
    who: str | None  # "trainee", "tutor", "lead", "partner" or None (signed out)
    path: str  # relative to the cohort, or absolute when it starts with "/"
    what: str
    plugin: str | None = None  # left out when this plugin is disabled
    phone: bool = False  # also <name>-390.png, at a phone's width


SHOTS = [
    Shot("sign-in", None, "/sign-in", "Sign in"),
    Shot("trainee-dashboard", "trainee", "/dashboard", "A trainee's to-do list", phone=True),
    Shot("tutor-dashboard", "tutor", "/dashboard", "What awaits a tutor", phone=True),
    Shot("notifications", "trainee", "/notifications", "A trainee's notifications", phone=True),
    Shot(
        "notification-preferences",
        "trainee",
        "/account/notifications",
        "Which notifications are emailed, and when",
        phone=True,
    ),
    Shot("week", "trainee", "weeks/{week}", "This week's page"),
    Shot("progress", "trainee", "progress", "The 35-week progress view"),
    Shot("cohort-schedule", "lead", "", "The cohort's schedule, with its break"),
    Shot("lead-members", "lead", "members", "Members, for the programme lead"),
    Shot("roster-import-errors", "lead", "roster", "A roster import with problems"),
    Shot("person", "lead", "/people/{person}", "A member's account, for the lead", phone=True),
    Shot("add-member", "lead", "members/new", "Adding one member", phone=True),
    Shot("withdrawal", "lead", "members/{member}/withdrawal", "Recording a withdrawal", phone=True),
    Shot("consent", "trainee", "consent", "A trainee's consent to the evaluation", phone=True),
    Shot("consent-overview", "lead", "consent/overview", "Consent, for the lead", phone=True),
    Shot(
        "reflection-editor",
        "trainee",
        "reflections/weeks/{week}",
        "This week's reflection, in the editor",
        "reflections",
    ),
    Shot(
        "initiative", "trainee", "initiatives/mine", "A trainee's change initiative", "initiatives"
    ),
    Shot(
        "evidence-files",
        "trainee",
        "initiatives/mine/files",
        "Evidence files on an initiative: two added",
        "initiatives",
        phone=True,
    ),
    Shot(
        "trainee-partners",
        "trainee",
        "initiatives/mine/partners",
        "A trainee's initiative partners, and the invitation form",
        "initiatives",
        phone=True,
    ),
    Shot(
        "evidence-files-refused",
        "trainee",
        "initiatives/mine/files",
        "Evidence files: a file whose name lies about its content, refused",
        "initiatives",
        phone=True,
    ),
    Shot(
        "partner-initiative",
        "partner",
        "initiatives/partner/{partner}",
        "An initiative partner's page: the one initiative, their say, their comments",
        "initiatives",
        phone=True,
    ),
    Shot(
        "partner-view",
        "partner",
        "initiatives/partner/{partner}/updates/{update}",
        "An initiative partner gives their view of an update, in easy-read words",
        "initiatives",
        phone=True,
    ),
    Shot("review-queue", "tutor", "reflections/review", "A tutor's review queue", "reflections"),
    Shot("survey-results", "lead", "surveys/results", "Survey results, paired", "surveys"),
    Shot("evaluation-dashboard", "lead", "evaluation", "The evaluation dashboard", "evaluation"),
    Shot(
        "register",
        "tutor",
        "register/{week}",
        "This week's register, taken on a tutor's phone",
        "sessions",
        phone=True,
    ),
    Shot("trainee-attendance", "trainee", "attendance", "A trainee's own attendance", "sessions"),
    Shot("completion", "lead", "completion", "Completion, for the lead", "sessions", phone=True),
    Shot(
        "certificate-verify",
        None,
        "/certificates/{code}",
        "A certificate's public verification page",
        "sessions",
    ),
]
# Not a web page: the first certificate of last year's cohort, its PDF rendered to PNG.
CERTIFICATE_SHOT = "certificate"
# Demo logins are keyed by role; tutors by their group.
LOGIN_OF = {"trainee": "trainee", "tutor": "tutor (Group A)", "lead": "lead"}


def take_screenshots(out: Path, today: date, only: set[str] | None = None) -> list[Path]:
    from playwright.sync_api import sync_playwright

    from lms import create_app
    from lms.core.clock import today as pinned_today
    from lms.core.cohorts import schedule_of
    from lms.core.demo import DEMO_PASSWORD, create_demo
    from lms.extensions import db
    from lms.migrations_support import upgrade_database
    from tests.browser.support import DESKTOP, LiveServer, launch_chromium

    out.mkdir(parents=True, exist_ok=True)
    taken = []
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/screenshots.sqlite3",
                "SECRET_KEY": "screenshots-only",
                "TODAY": today.isoformat(),
                "MAIL_BACKEND": "memory",
                "COOKIE_SECURE": False,
                "RATELIMIT_ENABLED": False,
                "FILES_PATH": f"{tmp}/files",
                # Printed on certificates as their verification address.
                "BASE_URL": "https://lms.involving-people.example",
            }
        )
        with app.app_context():
            upgrade_database()
            cohort, logins = create_demo(today)
            db.session.commit()
            slug = cohort.slug
            week = max(schedule_of(cohort).position(pinned_today()).week, 1)
            emails = dict(logins)
            partner = _demo_partner(app, cohort, emails["trainee"])
            certificate = _first_certificate(app)
            code = certificate.code if certificate else ""
            from lms.core.accounts import find_user

            trainee = find_user(emails[LOGIN_OF["trainee"]])
            person = trainee.id
            member = next(m.id for m in trainee.memberships if m.cohort_id == cohort.id)
            if certificate and (only is None or CERTIFICATE_SHOT in only):
                taken.append(_certificate_png(certificate, out / f"{CERTIFICATE_SHOT}.png"))
        server = LiveServer(app).start()
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                pages = {}
                for who in (None, *LOGIN_OF, *(["partner"] if partner else [])):
                    context = browser.new_context(
                        base_url=server.url, viewport={**DESKTOP, "width": WIDTH}
                    )
                    page = context.new_page()
                    if who == "partner":  # no password: their emailed link
                        page.goto(partner["link"])
                        page.get_by_role("button", name="Sign in").click()
                        page.wait_for_url("**/partner/*")
                    elif who:
                        page.goto("/sign-in")
                        page.get_by_label("Email address").fill(emails[LOGIN_OF[who]])
                        page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
                        page.get_by_role("button", name="Sign in").click()
                        page.wait_for_url("**/dashboard")
                    pages[who] = page
                plugins = app.extensions["lms"]
                for shot in SHOTS:
                    if shot.plugin and plugins.get_plugin(shot.plugin) is None:
                        continue
                    if only is not None and shot.name not in only:
                        continue
                    page = pages[shot.who]
                    path = shot.path.format(
                        week=week, code=code, person=person, member=member, **(partner or {})
                    )
                    page.goto(path if path.startswith("/") else f"/cohorts/{slug}/{path}")
                    if shot.name == "roster-import-errors":
                        page.get_by_label("Roster file (Excel .xlsx or CSV)").set_input_files(
                            files=[
                                {
                                    "name": "roster.csv",
                                    "mimeType": "text/csv",
                                    "buffer": BAD_ROSTER.encode(),
                                }
                            ]
                        )
                        page.get_by_role("button", name="Import roster").click()
                        page.get_by_role("table", name="Problems in the file").wait_for()
                    if shot.name.startswith("evidence-files"):
                        _add_evidence(page, refused=shot.name.endswith("refused"))
                    if shot.name == "register":
                        # A register being taken: the first few tapped, each saved.
                        groups = page.locator("form.lms-register fieldset")
                        for index, choice in enumerate(("Present", "Present", "Late")):
                            groups.nth(index).get_by_label(choice).check()
                            groups.nth(index).get_by_text("saved").wait_for()
                    page.wait_for_load_state("load")
                    sizes = [(f"{shot.name}.png", None)]
                    if shot.phone:
                        sizes.append((f"{shot.name}-390.png", PHONE))
                    for name, viewport in sizes:
                        if viewport:
                            page.set_viewport_size(viewport)
                        target = out / name
                        page.screenshot(
                            path=str(target), full_page=True, animations="disabled", caret="hide"
                        )
                        taken.append(target)
                        where = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
                        print(f"{where}: {shot.what}{' (phone)' if viewport else ''}")
                    if shot.phone:
                        page.set_viewport_size({**DESKTOP, "width": WIDTH})
                browser.close()
        finally:
            server.stop()
            with app.app_context():
                db.engine.dispose()
    if server.errors:
        raise SystemExit(f"the app raised while taking screenshots: {server.errors!r}")
    return taken


def _add_evidence(page, refused: bool) -> None:
    """Files chosen on the upload page: a PDF and a picture, or a picture named .pdf."""
    from tests.evidence import pdf_bytes, png_bytes

    chosen = (
        [{"name": "outline.pdf", "mimeType": "application/pdf", "buffer": png_bytes(40, 30)}]
        if refused
        else [
            {
                "name": "Initiative outline (week 10).pdf",
                "mimeType": "application/pdf",
                "buffer": pdf_bytes(),
            },
            {
                "name": "Co-design workshop.png",
                "mimeType": "image/png",
                "buffer": png_bytes(400, 300),
            },
        ]
    )
    page.get_by_label("Files to add").set_input_files(files=chosen)
    page.get_by_role("button", name="Add files").click()
    page.wait_for_load_state("load")


def _demo_partner(app, cohort, trainee_email: str) -> dict | None:
    """A carer invited to the demo trainee's initiative, with a view and a comment, made
    through the services the pages use; their sign-in link, partner and update ids."""
    if app.extensions["lms"].get_plugin("initiatives") is None:
        return None
    from sqlalchemy import select

    from lms.core.models import Membership, User
    from lms.extensions import db
    from lms.plugins.initiatives import partners, services

    membership = db.session.scalar(
        select(Membership)
        .join(User)
        .where(Membership.cohort_id == cohort.id, User.email == trainee_email)
    )
    initiative = services.initiative_of(membership)
    if initiative is None or not initiative.updates:
        return None
    partner = partners.invite(
        initiative, "Sam Carer", "sam.carer@example.net", "carer", membership.user
    )
    first = initiative.updates[0]
    partners.save_view(partner, first, 3, "We were told about the plan at the end.")
    partners.add_comment(partner, "Evening slots would help carers who work.")
    db.session.commit()
    link = f"/cohorts/{cohort.slug}/initiatives/partners/sign-in/"
    return {
        "link": link + partners.make_link_token(partner),
        "partner": partner.id,
        "update": initiative.updates[-1].id,
    }


def _first_certificate(app):
    """A certificate of last year's demo cohort (the sessions plugin issues them)."""
    if app.extensions["lms"].get_plugin("sessions") is None:
        return None
    from sqlalchemy import select

    from lms.extensions import db
    from lms.plugins.sessions.models import Certificate

    return db.session.scalar(
        select(Certificate).where(Certificate.revoked_at.is_(None)).order_by(Certificate.name)
    )


def _certificate_png(certificate, target: Path) -> Path:
    """The certificate's PDF, as the trainee downloads it, rendered to PNG (pdftoppm)."""
    import shutil
    import subprocess

    from lms.plugins.sessions.certificates import render_pdf

    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "certificate.pdf"
        pdf.write_bytes(render_pdf(certificate))
        pdftoppm = shutil.which("pdftoppm")
        if pdftoppm is None:
            raise SystemExit(
                "pdftoppm is needed for the certificate's image: apt install poppler-utils"
            )
        # Our own file names only: nothing from outside reaches the command line.
        subprocess.run(  # noqa: S603
            [pdftoppm, "-png", "-r", "96", "-singlefile", str(pdf), str(target.with_suffix(""))],
            check=True,
        )
    print(
        f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: "
        "A certificate of completion (its PDF)"
    )
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", type=date.fromisoformat, default=PINNED_TODAY)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument(
        "--only", nargs="+", metavar="NAME", help="take only these shots (names without .png)"
    )
    args = parser.parse_args(argv)
    take_screenshots(args.out.resolve(), args.today, set(args.only) if args.only else None)


if __name__ == "__main__":
    main()
