"""The signed-in home page: a dashboard for each of the user's roles."""

from flask import Blueprint, render_template
from flask_login import current_user

from lms.core.permissions import signed_in

bp = Blueprint("dashboard", __name__)


@bp.route("/dashboard")
@signed_in
def home():
    return render_template("dashboard/home.html", memberships=current_user.memberships)
