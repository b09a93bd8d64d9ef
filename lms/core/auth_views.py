"""Signing in and out, invitations, password resets."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm

from lms.core import accounts, audit, signin_attempts
from lms.core.forms import ChangePasswordForm, LoginForm, NewPasswordForm, ResetRequestForm
from lms.core.permissions import public, signed_in
from lms.extensions import db, limiter

bp = Blueprint("auth", __name__)

TOKEN_PROBLEMS = {
    accounts.TokenProblem.EXPIRED: "This link has expired. Ask for a new one.",
    accounts.TokenProblem.INVALID: "This link is not valid. Check you copied all of it.",
    accounts.TokenProblem.USED: "This link has already been used. Sign in, or ask for a new one.",
    accounts.TokenProblem.DEACTIVATED: "This account has been deactivated, so its links no "
    "longer work. If you need to use the service again, ask your programme lead.",
}
# An invitation is often opened late, or twice: say what to do next in its own words.
INVITATION_PROBLEMS = {
    **TOKEN_PROBLEMS,
    accounts.TokenProblem.EXPIRED: "This invitation has expired. Ask your programme lead to "
    "send it again, or ask for a new link below: it lets you set your password.",
    accounts.TokenProblem.USED: "This invitation has already been used to set a password. "
    "Sign in with that password, or reset it if you have forgotten it.",
}
EMAIL_CHANGE_PROBLEMS = {
    **TOKEN_PROBLEMS,
    accounts.TokenProblem.EXPIRED: "This confirmation link has expired. Ask your programme "
    "lead to change your email address again: your account still uses the old address.",
    accounts.TokenProblem.USED: "This email address change has already been confirmed, or "
    "replaced by a newer one. Sign in with your current address.",
}
DEACTIVATED = (
    "Your account has been deactivated, so you cannot sign in. Everything you recorded is "
    "kept. If you need to use the service again, ask your programme lead."
)


def safe_next(target: str | None) -> str | None:
    """Only same-site paths are followed after signing in (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _failed(response) -> bool:
    return response.status_code != 302


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed
)
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm()
    if form.validate_on_submit():
        # Counted in the database: the per-account limit holds across workers and hosts.
        attempt = signin_attempts.start(form.email.data)
        if attempt is None:
            abort(429)
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None and user.deactivated_at is not None:
            # Said only to someone who knows the password: it tells no one else anything.
            db.session.rollback()
            form.email.errors.append(DEACTIVATED)
            return render_template("auth/login.html", form=form), 403
        if user is not None:
            signin_attempts.succeeded(attempt)
            next_url = safe_next(request.args.get("next"))
            # A fresh session on sign-in: nothing from before survives (no fixation).
            session.clear()
            session.permanent = True  # idle expiry: PERMANENT_SESSION_LIFETIME
            login_user(user, remember=form.remember.data)
            db.session.commit()
            return redirect(next_url or url_for("dashboard.home"))
        # Same message whether or not the address has an account.
        form.password.errors.append("The email address or password is not right")
        return render_template("auth/login.html", form=form), 401
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/sign-out", methods=["POST"])
@public
def logout():
    if current_user.is_authenticated:
        # Copies of this browser's cookies (session or remember-me) stop working too.
        accounts.end_sessions(current_user)
        db.session.commit()
    session.clear()
    logout_user()  # after clearing: it leaves the instruction to delete the remember cookie
    flash("You have signed out.")
    return redirect(url_for("auth.login"))


def _problem_page(found: accounts.TokenProblem, messages: dict):
    status = 410 if found is not accounts.TokenProblem.INVALID else 400
    return render_template("auth/token_problem.html", message=messages[found]), status


def _token_page(token: str, purpose: str, template: str, done_message: str):
    found = accounts.read_token(token, purpose)
    if isinstance(found, accounts.TokenProblem):
        messages = INVITATION_PROBLEMS if purpose == accounts.INVITATION else TOKEN_PROBLEMS
        return _problem_page(found, messages)
    form = NewPasswordForm()
    if form.validate_on_submit():
        accounts.set_password(found, form.password.data)
        db.session.commit()
        session.clear()
        login_user(found)
        flash(done_message)
        return redirect(url_for("dashboard.home"))
    status = 400 if form.errors else 200
    return render_template(template, form=form, user=found), status


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit("30 per 10 minutes", methods=["POST"])
@public
def accept_invitation(token: str):
    return _token_page(
        token, accounts.INVITATION, "auth/invitation.html", "Your password is set. Welcome."
    )


@bp.route("/email-change/<token>", methods=["GET", "POST"])
@limiter.limit("30 per 10 minutes", methods=["POST"])
@public
def confirm_email(token: str):
    """The link sent to a new address: a button confirms it (a mail scanner that
    follows links must not change anyone's address)."""
    found = accounts.read_email_change(token)
    if isinstance(found, accounts.TokenProblem):
        return _problem_page(found, EMAIL_CHANGE_PROBLEMS)
    user, new_email = found
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            accounts.confirm_email_change(user, new_email)
        except accounts.AccountProblem as problem:
            db.session.rollback()
            return render_template("auth/token_problem.html", message=str(problem)), 409
        audit.record("email.changed", user, subject=user)
        db.session.commit()
        return render_template("auth/email_confirmed.html", new_email=new_email)
    return render_template("auth/confirm_email.html", form=form, new_email=new_email), 200


@bp.route("/password-reset", methods=["GET", "POST"])
@limiter.limit("5 per 10 minutes", methods=["POST"])
@public
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        return render_template("auth/reset_sent.html", email=form.email.data)
    status = 400 if form.errors else 200
    return render_template("auth/reset_request.html", form=form), status


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
@limiter.limit("30 per 10 minutes", methods=["POST"])
@public
def reset_password(token: str):
    return _token_page(
        token, accounts.RESET, "auth/reset_password.html", "Your password has been changed."
    )


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append("Your current password is not right")
        else:
            accounts.set_password(current_user, form.password.data)
            db.session.commit()
            # The old cookie no longer matches: issue a new one (for the user, not the proxy).
            login_user(current_user._get_current_object())
            flash("Your password has been changed. Other devices have been signed out.")
            return redirect(url_for("dashboard.home"))
    status = 400 if form.errors else 200
    return render_template("auth/change_password.html", form=form), status
