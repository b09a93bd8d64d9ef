"""Fixtures for tests in real Chromium against the app on a live server.

- `live_server`: the test app (migrated test database, pinned TODAY, mail to the outbox)
  served on 127.0.0.1 in a thread; email links point at it.
- `open_page(javascript=True)`: a new browser context and page on the live server.
  Journeys that must work without JavaScript take the `javascript` fixture, which runs
  them twice: ``[js]`` and ``[no-js]``.
- `audit(page, state, status=200)`: the checks every page reached must pass, in every
  state: the expected status, no server error, script error or CSP violation, zero
  axe-core WCAG 2.2 A/AA violations at 1280 and at 320 CSS px wide, no sideways scrolling
  at 320 CSS px (small screens, 400% zoom). Its raw HTML is kept for the Nu HTML Checker,
  which runs once at the end of the run (test_html_validity.py).
- `sign_in(page, user)`; `course`: a cohort in course week 10 (see TODAY) with a lead, a
  tutor and a trainee; `demo`: the full demo cohort of `lms demo`, with every enabled
  plugin's demo data; `needs_plugin(name)`: skip when that plugin is disabled.

A plugin journey is a module here like test_trainee_journey.py: take `course` or `demo`,
`open_page`, `sign_in` and `audit`, call `needs_plugin("reflections")` first, and audit
each page in each state it reaches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from playwright.sync_api import sync_playwright

from lms.core.models import Cohort, Membership, User
from lms.extensions import db
from tests.browser.support import (
    DESKTOP,
    LiveServer,
    PageStore,
    describe_violations,
    launch_chromium,
    reflow_viewport,
    run_axe,
    sideways_scroll,
)
from tests.conftest import PASSWORD

# A Wednesday. The `course` cohort started on Monday 7 September 2026 and had a break
# in the week of 26 October, so this is course week 10.
TODAY = date(2026, 11, 18)
COURSE_START = date(2026, 9, 7)
COURSE_BREAK = date(2026, 10, 26)
COURSE_WEEK = 10


def pytest_collection_modifyitems(session, config, items):
    """Tests in modules with RUN_LAST = True run after every other test (HTML check)."""
    last = [item for item in items if getattr(item.module, "RUN_LAST", False)]
    if last:
        items[:] = [item for item in items if item not in last] + last


@pytest.fixture
def app_config(app_config):
    return {**app_config, "TODAY": TODAY.isoformat()}


@pytest.fixture
def live_server(app):
    server = LiveServer(app).start()
    app.config["BASE_URL"] = server.url
    yield server
    server.stop()
    assert not server.errors, f"the app raised: {server.errors!r}"


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(params=["js", "no-js"])
def javascript(request) -> bool:
    """Run the test with JavaScript on, then off."""
    return request.param == "js"


@dataclass
class PageProblems:
    """What the browser told us about a page besides its content."""

    script_errors: list[str]
    responses: list  # main-frame HTML document responses, last one is the current page


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def open_(javascript: bool = True, viewport: dict | None = None):
        context = browser.new_context(
            base_url=live_server.url,
            java_script_enabled=javascript,
            viewport=viewport or DESKTOP,
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.lms_javascript = javascript
        page.lms_problems = PageProblems([], [])

        def on_response(response):
            html = "text/html" in response.headers.get("content-type", "")
            navigation = response.request.is_navigation_request()
            if html and navigation and response.frame == page.main_frame:
                page.lms_problems.responses.append(response)

        def on_console(message):
            # CSP violations are console errors; GOV.UK Frontend logs its own errors (for
            # example a component that did not start) with console.log.
            text = message.text
            csp = message.type == "error" and "Content Security Policy" in text
            if csp or re.match(r"^\w*Error: ", text):
                page.lms_problems.script_errors.append(text)

        page.on("response", on_response)
        page.on("console", on_console)
        page.on("pageerror", lambda error: page.lms_problems.script_errors.append(str(error)))
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def page_store(tmp_path_factory) -> PageStore:
    return PageStore(tmp_path_factory.mktemp("pages-reached"))


@pytest.fixture
def audit(request, browser, live_server, page_store):
    """`audit(page, state, status=200)`: check the page as it is now; see the module doc."""
    inspector = {}
    count = 0

    def no_js_render(page, url: str, html: bytes):
        # Playwright cannot run axe in a page with JavaScript off, so the same HTML is
        # rendered in a JavaScript-enabled page whose own scripts are blocked: the same
        # DOM and CSS as without JavaScript, with axe injected from outside.
        if "page" not in inspector:
            context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
            inspector["context"], inspector["page"] = context, context.new_page()
        other = inspector["page"]
        other.unroute("**/*")

        def route(route_):
            if route_.request.url == url and route_.request.resource_type == "document":
                route_.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
            elif route_.request.resource_type == "script":
                route_.abort()
            else:
                route_.continue_()

        other.route("**/*", route)
        other.goto(url)
        return other

    def check(page, state: str, status: int = 200) -> None:
        nonlocal count
        count += 1
        page.wait_for_load_state("load")
        problems: list[str] = []
        responses = page.lms_problems.responses
        assert responses, f"{state}: no HTML page has been loaded"
        response = responses[-1]
        if response.status != status:
            problems.append(f"status {response.status}, expected {status}")
        html = response.body()
        label = f"{request.node.name}: {count:02d} {state}"
        page_store.add(f"{request.node.name}-{count:02d}-{state}", html, f"{label} ({page.url})")
        target = page if page.lms_javascript else no_js_render(page, response.url, html)
        violations = run_axe(target)
        if violations:
            problems.append("axe-core WCAG A/AA violations:\n" + describe_violations(violations))
        with reflow_viewport(target):  # small screens and 400% zoom: a layout of its own
            overflow = sideways_scroll(target)
            narrow = [v for v in run_axe(target) if v["id"] not in {x["id"] for x in violations}]
        if overflow:
            problems.append(f"scrolls sideways at 320 CSS px: {overflow}")
        if narrow:
            problems.append("axe-core violations at 320 CSS px:\n" + describe_violations(narrow))
        if page.lms_problems.script_errors:
            problems.append(f"script errors or CSP violations: {page.lms_problems.script_errors}")
        if live_server.errors:
            problems.append(f"the app raised: {live_server.errors!r}")
        assert not problems, f"{label} ({page.url}):\n" + "\n".join(problems)

    yield check
    if "context" in inspector:
        inspector["context"].close()


@pytest.fixture
def sign_in():
    """Sign in through the form (not audited: the sign-in page has its own tests)."""

    def sign_in_(page, user_or_email, password: str = PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        # End the test's read transaction: with SQLite in WAL mode, a transaction that
        # began before the app's writes cannot write later ("database is locked").
        db.session.commit()
        page.goto("/sign-in")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/dashboard")

    return sign_in_


@dataclass
class Course:
    cohort: Cohort
    lead: User
    tutor: User
    trainee: User
    trainee_membership: Membership


@pytest.fixture
def course(make_cohort, make_membership, make_user) -> Course:
    """A cohort in course week 10 (see TODAY) with a lead, a tutor and a trainee in Group A."""
    cohort = make_cohort(
        slug="belfast-2026",
        name="Belfast 2026",
        start=COURSE_START,
        breaks=(COURSE_BREAK,),
    )
    lead = make_user("lena.lead@example.org", given_name="Lena", family_name="Lead")
    tutor = make_user("tom.tutor@example.org", given_name="Tom", family_name="Tutor")
    trainee = make_user("aisha@example.org", given_name="Aisha", family_name="Rahman")
    make_membership(cohort, "lead", user=lead)
    make_membership(cohort, "tutor", user=tutor, group="Group A", sector="statutory")
    membership = make_membership(
        cohort,
        "trainee",
        user=trainee,
        group="Group A",
        sector="voluntary",
        organisation="Carers Network",
        job_title="Support worker",
    )
    return Course(cohort, lead, tutor, trainee, membership)


@pytest.fixture
def needs_plugin(app):
    """`needs_plugin(name)` skips the test when the plugin is disabled (LMS_DISABLED_PLUGINS)."""

    def needs(name: str) -> None:
        if app.extensions["lms"].get_plugin(name) is None:
            pytest.skip(f"the {name} plugin is disabled")

    return needs


@dataclass
class Demo:
    cohort: Cohort
    logins: dict[str, str]  # role ("trainee", "lead", "tutor (Group A)", ...) -> email
    password: str


@pytest.fixture
def demo(app) -> Demo:
    """The demo cohort of `lms demo` (18 trainees, 2 tutors, a lead), as of TODAY."""
    from lms.core.demo import DEMO_PASSWORD, create_demo

    cohort, logins = create_demo(TODAY)
    db.session.commit()
    return Demo(cohort, dict(logins), DEMO_PASSWORD)
