"""Pages of the sessions plugin: session times, the register, attendance, completion,
certificates and their public verification."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from lms.core.clock import today
from lms.core.cohorts import active_members, schedule_of
from lms.core.curriculum_loader import programme
from lms.core.models import Membership
from lms.core.permissions import public, requires, signed_in
from lms.core.rescue import keeps_unsaved_text, take_rescued_fields
from lms.extensions import db, limiter
from lms.plugins.sessions import certificates, completion, notices, register, timetable
from lms.plugins.sessions.forms import ConfirmForm, PlanForm, ReasonForm
from lms.plugins.sessions.models import DEFAULT_WEEK, STATUSES, Certificate


class SessionsBlueprint(Blueprint):
    # The register's script is used on signed-in pages only.
    @signed_in
    def send_static_file(self, filename):
        return super().send_static_file(filename)


bp = SessionsBlueprint(
    "sessions",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/sessions/static",
)

MANAGE, REGISTER, ATTENDANCE, CERTIFICATE = (
    "sessions.manage",
    "sessions.register",
    "sessions.attendance",
    "sessions.certificate",
)


def _plan_problems(form, problems) -> None:
    for name, message in problems:
        getattr(form, name if hasattr(form, name) else "starts_at").errors.append(message)


def _fill(form, plan) -> None:
    if plan is not None:
        form.starts_at.data = f"{plan.starts_at:%H:%M}"
        form.ends_at.data = f"{plan.ends_at:%H:%M}"
        form.venue.data = plan.venue
        form.link.data = plan.link


def _save_plan(form, week: int) -> bool:
    if not form.validate_on_submit():
        return False
    try:
        timetable.set_plan(
            g.cohort,
            week,
            form.starts_at.time,
            form.ends_at.time,
            form.venue.data or "",
            form.link.data or "",
        )
    except timetable.PlanProblems as invalid:
        db.session.rollback()
        _plan_problems(form, invalid.problems)
        return False
    db.session.commit()
    return True


# -- session times (the lead) -------------------------------------------------------------


@bp.route("/cohorts/<slug>/sessions", methods=["GET", "POST"])
@requires(MANAGE)
@keeps_unsaved_text
def times():
    cohort = g.cohort
    plans = timetable.plans_of(cohort)
    form = PlanForm()
    if not form.is_submitted():
        _fill(form, plans.get(DEFAULT_WEEK))
        for name, value in (take_rescued_fields() or {}).items():
            if name in form and isinstance(value, str):
                form[name].data = value
    if _save_plan(form, DEFAULT_WEEK):
        flash("Session times saved. Weeks you changed one by one keep their own times.")
        return redirect(url_for("sessions.times", slug=cohort.slug))
    schedule = schedule_of(cohort)
    return render_template(
        "sessions/times.html",
        cohort=cohort,
        form=form,
        course=programme(cohort.programme),
        sessions=timetable.details(cohort),
        overrides={week for week in plans if week != DEFAULT_WEEK},
        dates=schedule.session_dates,
    ), (400 if form.errors else 200)


@bp.route("/cohorts/<slug>/sessions/weeks/<int:week>", methods=["GET", "POST"])
@requires(MANAGE)
@keeps_unsaved_text
def week_times(week: int):
    cohort = g.cohort
    schedule = schedule_of(cohort)
    if not 1 <= week <= schedule.number_of_weeks:
        abort(404)
    plans = timetable.plans_of(cohort)
    form = PlanForm()
    if request.method == "POST" and request.form.get("action") == "default":
        if ConfirmForm().validate_on_submit():
            timetable.clear_override(cohort, week)
            db.session.commit()
            flash(f"Week {week} now uses the cohort's usual session times.")
        return redirect(url_for("sessions.times", slug=cohort.slug))
    if not form.is_submitted():
        _fill(form, plans.get(week, plans.get(DEFAULT_WEEK)))
        for name, value in (take_rescued_fields() or {}).items():
            if name in form and isinstance(value, str):
                form[name].data = value
    if _save_plan(form, week):
        flash(f"Week {week}'s session times saved.")
        return redirect(url_for("sessions.times", slug=cohort.slug))
    return render_template(
        "sessions/week_times.html",
        cohort=cohort,
        form=form,
        week=week,
        title=programme(cohort.programme).week(week).title,
        day=schedule.session_date(week),
        overridden=week in plans,
    ), (400 if form.errors else 200)


# -- the register (tutors and the lead) ------------------------------------------------------


@bp.route("/cohorts/<slug>/register")
@requires(REGISTER)
def register_now():
    """This week's register (the last session held during a break)."""
    week = max(1, completion.course_week(g.cohort, today()))
    return redirect(url_for("sessions.take_register", slug=g.cohort.slug, week=week))


@bp.route("/cohorts/<slug>/register/<int:week>", methods=["GET", "POST"])
@requires(REGISTER)
@keeps_unsaved_text  # marks made on a phone whose session ran out are shown again
def take_register(week: int):
    cohort = g.cohort
    schedule = schedule_of(cohort)
    if not 1 <= week <= schedule.number_of_weeks:
        abort(404)
    members = register.register_members(cohort, g.membership)
    wants_json = request.accept_mimetypes.best == "application/json"
    problems: dict[int, str] = {}
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        allowed = {m.id: m for m in members}
        saved = 0
        for name, value in request.form.items():
            if not name.startswith("status-"):
                continue
            try:
                member = allowed[int(name.removeprefix("status-"))]
            except (ValueError, KeyError):
                abort(404)  # not someone on this person's register
            if value not in STATUSES:
                problems[member.id] = "Choose present, late, absent or apologies"
                continue
            register.record(member, week, value, current_user)
            notices.attendance_recorded(member, week, value)
            saved += 1
        db.session.commit()
        if wants_json:
            if problems:
                return jsonify({"saved": saved, "problems": problems}), 400
            return jsonify({"saved": saved})
        if not problems:
            flash(f"Register for week {week} saved: {saved} marked.")
            return redirect(url_for("sessions.take_register", slug=cohort.slug, week=week))
    marks = {
        mid: status for (mid, _), status in register.marks([m.id for m in members], [week]).items()
    }
    rescued = {}
    if request.method == "GET":
        for name, value in (take_rescued_fields() or {}).items():
            if name.startswith("status-") and value in STATUSES:
                rescued[name.removeprefix("status-")] = value
        marks.update({m.id: rescued[str(m.id)] for m in members if str(m.id) in rescued})
    return render_template(
        "sessions/register.html",
        cohort=cohort,
        week=week,
        weeks=schedule.number_of_weeks,
        title=programme(cohort.programme).week(week).title,
        day=schedule.session_date(week),
        session=timetable.details(cohort, [week]).get(week),
        members=members,
        marks=marks,
        rescued=bool(rescued),
        labels=register.STATUS_LABELS,
        problems=problems,
        statuses=STATUSES,
    ), (400 if problems else 200)


# -- attendance ------------------------------------------------------------------------------


@bp.route("/cohorts/<slug>/attendance")
@requires(ATTENDANCE)
def attendance():
    """A trainee's own attendance; a tutor's group; the lead's whole cohort."""
    cohort = g.cohort
    membership = g.membership
    schedule = schedule_of(cohort)
    sessions = timetable.details(cohort)
    reached = completion.course_week(cohort, today())
    if membership is not None and membership.role == "trainee":
        marks = register.attendance_of(membership)
        hours = completion.cpd_hours(cohort, [membership])[membership.id]
        return render_template(
            "sessions/my_attendance.html",
            cohort=cohort,
            course=programme(cohort.programme),
            marks=marks,
            reached=reached,
            dates=schedule.session_dates,
            sessions=sessions,
            labels=register.STATUS_LABELS,
            hours=hours,
            certificate=certificates.current_certificate(membership),
        )
    if membership is not None and membership.role == "tutor":
        members = register.register_members(cohort, membership)
    else:
        members = active_members(cohort, role="trainee")
    weeks = list(range(1, max(reached, 1) + 1))
    return render_template(
        "sessions/attendance.html",
        cohort=cohort,
        members=members,
        weeks=weeks,
        marks=register.marks([m.id for m in members], weeks),
        attended=register.attended_weeks(m.id for m in members),
        taken=register.weeks_taken(cohort),
        can_register=membership is None or membership.role in ("tutor", "lead"),
    )


# -- completion (the lead) --------------------------------------------------------------------


@bp.route("/cohorts/<slug>/completion")
@requires(MANAGE)
def completion_view():
    cohort = g.cohort
    rules = completion.rules_of(cohort)
    found = completion.standings(cohort, today())
    counts = {status: 0 for status in completion.STATUS_ORDER}
    for standing in found:
        counts[standing.status] += 1
    order = {status: index for index, status in enumerate(completion.STATUS_ORDER)}
    return render_template(
        "sessions/completion.html",
        cohort=cohort,
        rules=rules,
        standings=sorted(found, key=lambda s: order[s.status]),
        counts=counts,
        week=completion.course_week(cohort, today()),
        certificates=certificates.certificates_of(cohort),
        issue_form=ConfirmForm(),
    )


def _trainee(membership_id: int) -> Membership:
    member = db.session.get(Membership, membership_id)
    if member is None or member.cohort_id != g.cohort.id or member.role != "trainee":
        abort(404)
    return member


@bp.route("/cohorts/<slug>/completion/<int:membership_id>/exception", methods=["GET", "POST"])
@requires(MANAGE)
@keeps_unsaved_text
def exception(membership_id: int):
    cohort = g.cohort
    member = _trainee(membership_id)
    standing = completion.standing_of(member, today())
    form = ReasonForm()
    if request.method == "POST" and request.form.get("action") == "remove":
        if ConfirmForm().validate_on_submit():
            completion.remove_exception(member, current_user)
            db.session.commit()
            flash(f"The exception for {member.user.full_name} is removed.")
        return redirect(url_for("sessions.completion_view", slug=cohort.slug))
    if not form.is_submitted():
        if standing and standing.exception:
            form.reason.data = standing.exception.reason
        rescued = take_rescued_fields()
        if rescued and isinstance(rescued.get("reason"), str):
            form.reason.data = rescued["reason"]
    if form.validate_on_submit():
        completion.record_exception(member, form.reason.data, current_user)
        db.session.commit()
        flash(f"Exception recorded: {member.user.full_name} completes the programme.")
        return redirect(url_for("sessions.completion_view", slug=cohort.slug))
    return render_template(
        "sessions/exception.html",
        cohort=cohort,
        member=member,
        standing=standing,
        rules=completion.rules_of(cohort),
        form=form,
    ), (400 if form.errors else 200)


# -- certificates --------------------------------------------------------------------------------


@bp.route("/cohorts/<slug>/certificates/issue", methods=["POST"])
@requires(MANAGE)
def issue():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    issued = certificates.issue(g.cohort, current_user, today())
    notices.certificates_issued(issued)
    db.session.commit()
    flash(
        f"{len(issued)} certificate{'s' if len(issued) != 1 else ''} issued."
        if issued
        else "No new certificates: everyone who has completed already has one."
    )
    return redirect(url_for("sessions.completion_view", slug=g.cohort.slug))


@bp.route("/cohorts/<slug>/certificates.zip")
@requires(MANAGE)
def certificates_zip():
    data = certificates.archive(g.cohort)
    return Response(
        data,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="certificates-{g.cohort.slug}.zip"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/cohorts/<slug>/certificate.pdf")
@requires(CERTIFICATE)
def my_certificate():
    if g.membership is None or g.membership.role != "trainee":
        abort(404)
    certificate = certificates.current_certificate(g.membership)
    if certificate is None:
        abort(404)
    return Response(
        certificates.render_pdf(certificate),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{certificates.file_name(certificate)}"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/cohorts/<slug>/certificates/<int:certificate_id>/revoke", methods=["GET", "POST"])
@requires(MANAGE)
@keeps_unsaved_text
def revoke(certificate_id: int):
    certificate = db.session.get(Certificate, certificate_id)
    member = certificate.membership if certificate else None
    if member is None or member.cohort_id != g.cohort.id:
        abort(404)
    form = ReasonForm()
    if not form.is_submitted():
        rescued = take_rescued_fields()
        if rescued and isinstance(rescued.get("reason"), str):
            form.reason.data = rescued["reason"]
    if certificate.is_valid and form.validate_on_submit():
        certificates.revoke(certificate, current_user, form.reason.data)
        db.session.commit()
        flash(f"{certificate.name}'s certificate is revoked: its verification page says so.")
        return redirect(url_for("sessions.completion_view", slug=g.cohort.slug))
    return render_template(
        "sessions/revoke.html", cohort=g.cohort, certificate=certificate, form=form
    ), (400 if form.errors else 200)


@bp.route("/certificates/<code>")
@limiter.limit("60 per minute")
@public
def verify(code: str):
    """Anyone may confirm a certificate: the name, programme and dates, nothing else."""
    certificate = certificates.by_code(code)
    if certificate is None:
        return render_template("sessions/verify.html", certificate=None, code=code), 404
    return render_template("sessions/verify.html", certificate=certificate, code=code)
