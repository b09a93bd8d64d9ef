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
