"""The README's first command, run as a person runs it: `lms demo` serves the demo cohort
until stopped, on the embedded SQLite default, and a second run serves the same data."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

LMS = Path(sys.executable).with_name("lms")
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Demo:
    """`lms demo --port P` in its own process; its printed lines as they come."""

    def __init__(self, workdir: Path, port: int) -> None:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("LMS_") and key != "DATABASE_URL"
        }
        self.port = port
        self.process = subprocess.Popen(  # noqa: S603 - our own console script
            [str(LMS), "demo", "--port", str(port)],
            cwd=workdir,  # the instance folder defaults to ./instance here
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []

    def wait_until_serving(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                pytest.fail("lms demo exited before serving:\n" + "".join(self.lines))
            self.lines.append(line)
            if line.startswith("Serving on"):
                break
        # The server answers once it has bound the port.
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail("lms demo stopped instead of serving:\n" + "".join(self.lines))
            try:
                health = self.url("/healthz")  # our own server on 127.0.0.1
                with urllib.request.urlopen(health, timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        pytest.fail("lms demo did not answer:\n" + "".join(self.lines))

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def login(self, role: str) -> tuple[str, str]:
        for line in self.lines:
            match = re.match(rf"\s+{re.escape(role)}\s+(\S+@\S+)\s+(\S+)$", line)
            if match:
                return match.group(1), match.group(2)
        raise AssertionError(f"no {role} login printed:\n" + "".join(self.lines))

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)  # what Ctrl+C sends
        try:
            return self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self.process.stdout.close()


def sign_in(demo: Demo, email: str, password: str) -> urllib.request.OpenerDirector:
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = browser.open(demo.url("/sign-in"), timeout=30).read().decode()
    form = {"csrf_token": CSRF.search(page).group(1), "email": email, "password": password}
    with browser.open(
        demo.url("/sign-in"), data=urllib.parse.urlencode(form).encode(), timeout=30
    ) as response:
        assert response.status == 200
        assert urllib.parse.urlsplit(response.url).path == "/dashboard"
    return browser


def test_lms_demo_serves_until_stopped_and_serves_again(tmp_path):
    demo = Demo(tmp_path, free_port())
    try:
        demo.wait_until_serving()
        email, password = demo.login("trainee")
        browser = sign_in(demo, email, password)
        with browser.open(demo.url("/dashboard"), timeout=30) as response:
            page = response.read().decode()
        assert response.status == 200
        assert "Aisha" in page  # the trainee's own dashboard
        assert "Sign out" in page
    finally:
        assert demo.stop() == 0  # Ctrl+C ends it cleanly

    database = tmp_path / "instance" / "lms.sqlite3"
    with sqlite3.connect(database) as connection:
        first = connection.execute("select count(*) from cohorts").fetchone()[0]
        people = connection.execute("select count(*) from users").fetchone()[0]
    assert first == 2  # this year's demo cohort and last year's

    again = Demo(tmp_path, free_port())
    try:
        again.wait_until_serving()
        email, password = again.login("lead")
        sign_in(again, email, password)  # the same accounts still work
    finally:
        assert again.stop() == 0
    with sqlite3.connect(database) as connection:
        assert connection.execute("select count(*) from cohorts").fetchone()[0] == first
        assert connection.execute("select count(*) from users").fetchone()[0] == people
