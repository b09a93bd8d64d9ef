"""What the browser tests (and scripts/screenshots.py) share: system Chromium, a live
server for the Flask app, the axe-core, reflow and Nu HTML Checker checks, keyboard helpers.

Nothing here is a fixture, so a script can use it as well as a test.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, got_request_exception
from werkzeug.serving import make_server

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LMS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VNU_JAR = PROJECT_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# WCAG 2.0, 2.1 and 2.2 success criteria at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 800}
# 400% zoom of a 1280 x 1024 window lays the page out in 320 x 256 CSS pixels (WCAG 1.4.10).
REFLOW = {"width": 320, "height": 256}


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


class LiveServer:
    """The app served by werkzeug on 127.0.0.1 (a free port) in a background thread.

    `extra_pages` maps a path to HTML served instead of the app (to seed known-bad
    pages); `errors` collects exceptions the app raised while handling a request."""

    def __init__(self, app: Flask):
        self.app = app
        self.extra_pages: dict[str, str] = {}
        self.errors: list[BaseException] = []
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _record(self, sender, exception, **extra) -> None:
        self.errors.append(exception)

    def _wsgi(self, environ, start_response):
        page = self.extra_pages.get(environ.get("PATH_INFO", ""))
        if page is not None:
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [page.encode()]
        return self.app(environ, start_response)

    def start(self) -> LiveServer:
        got_request_exception.connect(self._record, self.app)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        got_request_exception.disconnect(self._record, self.app)


# -- axe-core --------------------------------------------------------------------------


def axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def run_axe(page) -> list[dict]:
    """axe-core's WCAG 2.2 A/AA violations on the page as it is now (needs page JS on).

    Injected over the DevTools protocol, so the page's Content-Security-Policy (no
    inline scripts) does not stop it."""
    page.evaluate(axe_script())
    results = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
        WCAG_TAGS,
    )
    return results["violations"]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


# -- reflow ------------------------------------------------------------------------------


@contextmanager
def reflow_viewport(page):
    """Lay the page out at 320 x 256 CSS px (400% zoom) for the duration of the block."""
    size = page.viewport_size
    page.set_viewport_size(REFLOW)
    try:
        yield page
    finally:
        page.set_viewport_size(size)


def sideways_scroll(page) -> dict | None:
    """None if the page does not scroll sideways at its current width, else what sticks out."""
    return page.evaluate(
        """() => {
            const root = document.documentElement;
            if (root.scrollWidth <= root.clientWidth) return null;
            const wide = [];
            for (const el of document.body.querySelectorAll('*')) {
                const box = el.getBoundingClientRect();
                if (box.right > root.clientWidth + 1 && wide.length < 5) {
                    wide.push(el.outerHTML.slice(0, 120));
                }
            }
            return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide};
        }"""
    )


def horizontal_overflow(page) -> dict | None:
    """At 320 CSS px wide: None if the page does not scroll sideways, else what sticks out."""
    with reflow_viewport(page):
        return sideways_scroll(page)


# -- Nu HTML Checker -------------------------------------------------------------------


@dataclass
class HtmlProblem:
    line: int | None
    message: str
    extract: str = ""

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}  [{self.extract.strip()[:100]}]"


def validate_html(files: list[Path]) -> dict[Path, list[HtmlProblem]]:
    """Check HTML files with the Nu HTML Checker in one Java run: errors per file."""
    found: dict[Path, list[HtmlProblem]] = {path: [] for path in files}
    if not files:
        return found
    by_name = {path.name: path for path in files}  # names are unique: numbered
    run = subprocess.run(  # noqa: S603 - fixed command, our own files
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout", *map(str, files)],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError as error:
        raise RuntimeError(f"vnu.jar gave no report: {run.stderr[-2000:]}") from error
    for message in report["messages"]:
        if message["type"] == "info":  # warnings are allowed
            continue
        path = by_name.get(message.get("url", "").rsplit("/", 1)[-1])
        found.setdefault(path, []).append(
            HtmlProblem(message.get("lastLine"), message["message"], message.get("extract", ""))
        )
    return found


@dataclass
class PageStore:
    """Raw HTML of every page a test reached, checked with vnu at the end of the run."""

    directory: Path
    pages: dict[Path, str] = field(default_factory=dict)  # file -> "test: state (url)"

    def add(self, name: str, html: bytes, description: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in name)[:150]
        path = self.directory / f"{len(self.pages) + 1:03d}-{safe}.html"
        path.write_bytes(html)
        self.pages[path] = description
        return path


# -- keyboard --------------------------------------------------------------------------

FOCUS_VISIBLE = """el => {
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
        && !style.outlineColor.endsWith(', 0)') && style.outlineColor !== 'transparent';
    return outline || style.boxShadow !== 'none';
}"""


def tab_to(page, target, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until `target` (a locator) has focus; check it shows focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if target.evaluate("el => el === document.activeElement"):
            assert target.evaluate(FOCUS_VISIBLE), f"no visible focus indicator on {target}"
            return
    raise AssertionError(f"{key} never reached {target} in {limit} presses")


def focused_text(page) -> str:
    return page.evaluate(
        "() => (document.activeElement.innerText || document.activeElement.value || '').trim()"
    )


def error_link(page, message):
    """The link to a field's error in the page's GOV.UK error summary."""
    return page.locator(".govuk-error-summary").get_by_role("link", name=message)


def wait_for_image(page, image, timeout: float = 30_000) -> None:
    """Wait until the image (a locator) has loaded and has a size: not broken.

    Charts are drawn on request, which takes a while on a busy machine."""
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=timeout
    )
