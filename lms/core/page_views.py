"""Static pages every service needs: accessibility statement, privacy notice."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from lms.core.permissions import public

bp = Blueprint("pages", __name__)


@bp.route("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    return redirect(url_for("auth.login"))


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("pages/accessibility.html")


@bp.route("/privacy")
@public
def privacy():
    return render_template("pages/privacy.html")


@bp.route("/healthz")
@public
def healthz():
    """For load balancers and process managers: does this worker reach its database?
    Says nothing about anyone; 503 when the database does not answer."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from lms.extensions import db

    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "not answering"}, 503
    return {"status": "ok", "database": "ok"}, 200
