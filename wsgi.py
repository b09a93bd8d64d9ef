"""WSGI entry point in a checkout: `gunicorn wsgi:app` (installed: `gunicorn lms.wsgi:app`)."""

from lms.wsgi import app

__all__ = ["app"]
