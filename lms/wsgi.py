"""The WSGI entry point of an installed package: `gunicorn lms.wsgi:app`."""

from lms import create_app
from lms.server import settle

app = create_app()
settle()  # the garbage collector tuned for a long-running worker (lms/server.py)
