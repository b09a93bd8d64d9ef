#!/usr/bin/env bash
# A real install, as an operator makes one: the wheel, with its pinned dependencies, in a
# fresh virtualenv outside the checkout, used from an empty folder with no settings at all.
# `make test` runs this after the suite.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== install check: building the wheel"
"$repo/.venv/bin/pip" wheel --quiet --no-deps --wheel-dir "$work/dist" "$repo"
wheel=$(ls "$work"/dist/*.whl)
echo "== install check: installing $(basename "$wheel") into a fresh virtualenv"
"${PYTHON:-python3}" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --upgrade pip
"$work/venv/bin/pip" install --quiet --require-hashes -r "$repo/requirements.lock"
"$work/venv/bin/pip" install --quiet --no-deps "$wheel"

mkdir "$work/site"
cd "$work/site"
# Nothing from this shell or the checkout: defaults only (SQLite in ./instance).
run() { env -i HOME="$work/site" PATH="$work/venv/bin:/usr/bin:/bin" LANG=C.UTF-8 "$@"; }

installed=$(run python -c 'import lms; print(lms.__file__)')
case "$installed" in
  "$work/venv/"*) ;;
  *) echo "lms was imported from $installed, not the installed wheel" >&2; exit 1 ;;
esac
echo "== install check: lms db upgrade"
run lms db upgrade
echo "== install check: lms demo --no-serve"
run lms demo --no-serve | grep -q "trainee .*@demo.example.org"
echo "== install check: lms curriculum check"
run lms curriculum check
test -f instance/lms.sqlite3 -a -f instance/secret_key

port=$(run python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "== install check: gunicorn lms.wsgi:app on 127.0.0.1:$port"
run gunicorn --workers 2 --bind "127.0.0.1:$port" lms.wsgi:app >"$work/gunicorn.log" 2>&1 &
server=$!
run python - "$port" <<'PY' || { cat "$work/gunicorn.log" >&2; exit 1; }
import sys, time, urllib.request
base = f"http://127.0.0.1:{sys.argv[1]}"
deadline = time.monotonic() + 60
while True:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=5) as health:
            assert health.status == 200, health.status
            break
    except OSError:
        if time.monotonic() > deadline:
            raise
        time.sleep(0.3)
for path, expected in (("/sign-in", b"Sign in"), ("/static/app.css", b"govuk")):
    with urllib.request.urlopen(base + path, timeout=10) as page:
        assert page.status == 200 and expected in page.read(), path
print("== install check: /healthz, /sign-in and the built assets answer from the wheel")
PY
