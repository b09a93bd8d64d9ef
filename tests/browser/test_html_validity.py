"""Every page the browser tests reached is valid HTML (Nu HTML Checker, errors only).

The pages are collected by `audit` during the run and checked here in one Java run;
this module runs last (RUN_LAST, see conftest.py)."""

from __future__ import annotations

import pytest

from tests.browser.support import validate_html

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]
RUN_LAST = True


def test_every_page_reached_is_valid_html(page_store):
    if not page_store.pages:
        pytest.skip("no browser test reached a page in this run")
    found = validate_html(list(page_store.pages))
    invalid = {path: errors for path, errors in found.items() if errors}
    report = [
        f"{page_store.pages.get(path, path)}, saved as {path}\n"
        + "\n".join(f"    {e}" for e in errors)
        for path, errors in invalid.items()
    ]
    assert not invalid, (
        f"{len(invalid)} of {len(page_store.pages)} pages are not valid HTML:\n" + "\n".join(report)
    )
