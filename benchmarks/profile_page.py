"""Profile one page of a seeded benchmark database in process, with pyinstrument.

    LMS_INSTANCE_PATH=<data folder> LMS_TODAY=2027-06-16 \\
        python -m benchmarks.profile_page EMAIL PATH [--repeat 5] [--html out.html]

Prints the CPU time per request and pyinstrument's call tree of the repeated requests
(after one warm-up request), so the slowest calls of a page show up in a minute.
"""

from __future__ import annotations

import argparse
import os
import time

from benchmarks.run import CSRF, PASSWORD


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("email")
    parser.add_argument("path")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--html")
    args = parser.parse_args()
    os.environ.setdefault("LMS_RATELIMIT_ENABLED", "false")
    os.environ.setdefault("LMS_COOKIE_SECURE", "false")
    from pyinstrument import Profiler

    from lms import create_app

    app = create_app()
    client = app.test_client()
    token = CSRF.search(client.get("/sign-in").get_data(as_text=True)).group(1)
    signed_in = client.post(
        "/sign-in", data={"email": args.email, "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 302, signed_in.status_code
    assert client.get(args.path).status_code == 200  # warm-up: imports, caches
    profiler = Profiler(interval=0.0005)
    started = time.process_time()
    with profiler:
        for _ in range(args.repeat):
            client.get(args.path)
    cpu = (time.process_time() - started) / args.repeat * 1000
    print(f"{args.path}: {cpu:.1f} ms CPU per request")
    if args.html:
        with open(args.html, "w") as out:
            out.write(profiler.output_html())
    else:
        print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
