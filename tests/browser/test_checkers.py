"""The checks find what they are meant to find: a seeded known-bad page fails each of
them (axe-core, reflow, focus indicator, Nu HTML Checker), and a good page passes."""

from __future__ import annotations

import pytest

from tests.browser.support import (
    PageStore,
    horizontal_overflow,
    run_axe,
    tab_to,
    validate_html,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

KNOWN_BAD = """<!DOCTYPE html>
<html lang="en">
<head><title>Known bad</title><style>a.bare:focus { outline: none; }</style></head>
<body>
<main>
<h1>Known bad</h1>
<img src="/static/favicon.svg">
<input type="text" name="unlabelled">
<p><div>A block inside a paragraph</div></p>
<a class="bare" href="#nowhere">A link with no focus indicator</a>
<pre>{wide}</pre>
</main>
</body>
</html>
""".replace("{wide}", "no-wrapping-" * 60)


@pytest.fixture
def page_store(tmp_path):
    """A store of this test's own: the known-bad page must not join the run's pages."""
    return PageStore(tmp_path)


def test_the_checks_catch_a_known_bad_page(live_server, open_page, audit, page_store):
    live_server.extra_pages["/known-bad"] = KNOWN_BAD
    page = open_page(javascript=True)
    page.goto("/known-bad")

    violations = {violation["id"] for violation in run_axe(page)}
    assert {"image-alt", "label"} <= violations
    assert horizontal_overflow(page) is not None
    with pytest.raises(AssertionError, match="no visible focus indicator"):
        tab_to(page, page.get_by_role("link", name="A link with no focus indicator"))

    # `audit`, as the journeys use it, fails the page: with JavaScript and without.
    for javascript in (True, False):
        page = open_page(javascript=javascript)
        page.goto("/known-bad")
        with pytest.raises(AssertionError) as failed:
            audit(page, "known bad")
        for expected in ("image-alt", "label", "scrolls sideways at 320 CSS px"):
            assert expected in str(failed.value)

    # A good page passes the same checks, and vnu tells the two apart in one run.
    good = open_page(javascript=True)
    good.goto("/sign-in")
    audit(good, "sign-in")
    found = validate_html(list(page_store.pages))
    bad_files = [path for path, text in page_store.pages.items() if "known bad" in text]
    good_files = [path for path, text in page_store.pages.items() if "sign-in" in text]
    assert len(bad_files) == 2 and len(good_files) == 1
    for path in bad_files:
        messages = " ".join(problem.message for problem in found[path])
        assert "“alt” attribute" in messages
        assert "No “p” element in scope" in messages
    assert found[good_files[0]] == []
