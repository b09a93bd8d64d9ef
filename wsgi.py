"""WSGI entry point: `gunicorn wsgi:app`."""

import gc

from lms import create_app

app = create_app()

# What start-up made (modules, routes, the plugin catalogue, the curriculum) lives as
# long as the worker. Frozen, it is left out of the collector's full passes, which a
# large report's many small objects set off again and again (BENCHMARKS.md).
gc.freeze()
