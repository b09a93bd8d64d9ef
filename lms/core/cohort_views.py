"""Cohort pages: schedule and weeks, members and tutor groups, roster import/export."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from lms.core import audit, people, progress
from lms.core import cohorts as cohort_service
from lms.core import roster as roster_service
from lms.core.accounts import find_user, send_invitations
from lms.core.clock import today
from lms.core.cohort_forms import (
    AddMemberForm,
    CohortForm,
    MemberForm,
    RosterUploadForm,
    ScheduleForm,
    TutorGroupForm,
    WithdrawalForm,
)
from lms.core.curriculum_loader import programme, programme_slugs
from lms.core.links import BaseUrlMissing, base_url
from lms.core.models import WITHDRAWAL_REASONS, Cohort, Membership, TutorGroup
from lms.core.permissions import can, requires, signed_in
from lms.core.rescue import keeps_unsaved_text, kept_form, refill, take_kept_text
from lms.core.roster import RosterInvalid, apply_roster, export_roster, parse_roster
from lms.core.spreadsheets import Sheet, csv_text, xlsx_bytes
from lms.extensions import db

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")


def _apply_problems(form, problems) -> None:
    for field, message in problems.problems:
        getattr(form, field).errors.append(message)


@bp.route("/")
@signed_in
def index():
    if current_user.is_admin:
        visible = list(db.session.scalars(select(Cohort).order_by(Cohort.start_date.desc())))
    else:
        visible = [m.cohort for m in cohort_service.memberships_of(current_user)]
    can_create = current_user.is_admin or any(
        m.role == "lead" for m in cohort_service.memberships_of(current_user)
    )
    titles = {slug: programme(slug).title for slug in {c.programme for c in visible}}
    return render_template(
        "cohorts/index.html", cohorts=visible, can_create=can_create, programme_titles=titles
    )


@bp.route("/new", methods=["GET", "POST"])
@keeps_unsaved_text
@requires("cohorts.create")
def create():
    form = kept_form(CohortForm)
    form.programme.choices = [
        SelectChoice(slug, programme(slug).title) for slug in programme_slugs()
    ]
    if form.validate_on_submit():
        plan = cohort_service.CohortPlan(
            form.name.data,
            form.slug.data,
            form.programme.data,
            form.start_date.data,
            int(form.session_weekday.data),
            tuple(form.breaks.dates),
        )
        try:
            cohort = cohort_service.create_cohort(plan, lead=current_user)
        except cohort_service.CohortProblems as problems:
            db.session.rollback()
            _apply_problems(form, problems)
        else:
            db.session.commit()
            flash(f"Cohort {cohort.name} created. Next, import its roster.")
            return redirect(url_for("cohorts.overview", slug=cohort.slug))
    status = 400 if form.errors else 200
    return render_template("cohorts/new.html", form=form), status


@bp.route("/<slug>/")
@requires("cohorts.view")
def overview():
    cohort = g.cohort
    schedule = cohort_service.schedule_of(cohort)
    sessions = progress.session_details(cohort, range(1, schedule.number_of_weeks + 1))
    return render_template(
        "cohorts/overview.html",
        cohort=cohort,
        programme=programme(cohort.programme),
        rows=progress.schedule_rows(schedule),
        sessions=sessions,
        usual_place=progress.usual_place(sessions),
        position=schedule.position(today()),
        can_manage=can(current_user, "cohorts.manage", g.membership),
        counts=cohort_service.counts_by_sector(cohort),
    )


@bp.route("/<slug>/weeks/<int:week>")
@requires("cohorts.view")
def week(week: int):
    cohort = g.cohort
    course = programme(cohort.programme)
    if not 1 <= week <= course.number_of_weeks:
        abort(404)
    schedule = cohort_service.schedule_of(cohort)
    tasks = []
    if g.membership is not None and g.membership.role == "trainee":
        tasks = progress.week_tasks(g.membership, week)
    return render_template(
        "cohorts/week.html",
        cohort=cohort,
        week=course.week(week),
        course=course,
        session_date=schedule.session_date(week),
        session=progress.session_details(cohort, [week]).get(week),
        tasks=tasks,
    )


@bp.route("/<slug>/progress")
@requires("cohorts.view")
def my_progress():
    if g.membership is None or g.membership.role != "trainee":
        abort(404)
    return render_template(
        "cohorts/progress.html",
        cohort=g.cohort,
        weeks=progress.trainee_progress(g.membership, today()),
    )


@bp.route("/<slug>/settings", methods=["GET", "POST"])
@keeps_unsaved_text
@requires("cohorts.manage")
def settings():
    cohort = g.cohort
    kept = take_kept_text()
    form = refill(ScheduleForm, kept, obj=None)
    if not form.is_submitted() and not kept:
        form.start_date.data = cohort.start_date
        form.session_weekday.data = str(cohort.session_weekday)
        form.breaks.data = "\n".join(f"{d:%d/%m/%Y}" for d in cohort.break_dates)
    if form.validate_on_submit():
        try:
            cohort_service.update_schedule(
                cohort,
                form.start_date.data,
                int(form.session_weekday.data),
                tuple(form.breaks.dates),
            )
        except cohort_service.CohortProblems as problems:
            db.session.rollback()
            _apply_problems(form, problems)
        else:
            db.session.commit()
            flash("Schedule saved. Course week dates have been recalculated.")
            return redirect(url_for("cohorts.overview", slug=cohort.slug))
    status = 400 if form.errors else 200
    return render_template("cohorts/settings.html", cohort=cohort, form=form), status


@bp.route("/<slug>/members")
@requires("cohorts.manage")
def members():
    cohort = g.cohort
    withdrawn = db.session.scalars(
        select(Membership)
        .where(Membership.cohort_id == cohort.id, Membership.withdrawn_at.is_not(None))
        .options(joinedload(Membership.user))
        .order_by(Membership.withdrawn_at.desc())
    ).all()
    return render_template(
        "cohorts/members.html",
        cohort=cohort,
        members=cohort_service.active_members(cohort),
        withdrawn=withdrawn,
        reasons=WITHDRAWAL_REASONS,
        counts=cohort_service.counts_by_sector(cohort),
    )


def _membership_of(cohort, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.cohort_id != cohort.id:
        abort(404)
    return membership


@bp.route("/<slug>/members/new", methods=["GET", "POST"])
@keeps_unsaved_text
@requires("cohorts.manage")
def add_member():
    cohort = g.cohort
    form = kept_form(AddMemberForm)
    if not form.is_submitted():
        form.role.data, form.sector.data = "trainee", "other"
    if form.validate_on_submit():
        typed = [name for name in roster_service.HEADER if name != "lived_experience"]
        values = {name: (getattr(form, name).data or "").strip() for name in typed}
        values["lived_experience"] = "yes" if form.lived_experience.data else "no"
        try:
            result = roster_service.add_member(
                cohort, roster_service.parse_member(values), by=current_user
            )
            if result.invited:
                base_url()  # no member without their invitation: refuse before committing
        except roster_service.RosterInvalid as invalid:
            db.session.rollback()
            for error in invalid.errors:
                field = getattr(form, error.field, form.email)
                field.errors.append(f"{field.label.text} {error.message}")
        except BaseUrlMissing as missing:
            db.session.rollback()
            form.email.errors.append(f"Nobody was added. {missing}")
        else:
            person = find_user(values["email"])
            audit.record("member.added", current_user, subject=person, cohort=cohort)
            name = cohort.name
            db.session.commit()
            send_invitations(result.invited, name)  # after the commit: outside the lock
            invited = " and sent an invitation" if result.invited else ""
            flash(f"Added {person.full_name}{invited}.")
            return redirect(url_for("cohorts.members", slug=cohort.slug))
    status = 400 if form.errors else 200
    return render_template("cohorts/add_member.html", cohort=cohort, form=form), status


@bp.route("/<slug>/members/<int:membership_id>", methods=["GET", "POST"])
@keeps_unsaved_text
@requires("cohorts.manage")
def member(membership_id: int):
    cohort = g.cohort
    membership = _membership_of(cohort, membership_id)
    form = kept_form(MemberForm, obj=membership)
    form.tutor_group.choices = [SelectChoice("", "No group")] + [
        SelectChoice(str(t.id), t.name) for t in cohort.tutor_groups
    ]
    if not form.is_submitted():
        form.tutor_group.data = str(membership.tutor_group_id or "")
    if form.validate_on_submit():
        before = {"role": membership.role}
        cohort_service.update_membership(
            membership,
            role=form.role.data,
            sector=form.sector.data,
            organisation=form.organisation.data.strip(),
            job_title=form.job_title.data.strip(),
            area=form.area.data.strip(),
            tutor_group_id=int(form.tutor_group.data) if form.tutor_group.data else None,
            lived_experience=form.lived_experience.data,
        )
        audit.record(
            "role.changed",
            current_user,
            subject=membership.user,
            cohort=cohort,
            before=before,
            after={"role": membership.role},
        )
        db.session.commit()
        flash(f"Saved {membership.user.full_name}.")
        return redirect(url_for("cohorts.members", slug=cohort.slug))
    status = 400 if form.errors else 200
    return render_template(
        "cohorts/member.html",
        cohort=cohort,
        membership=membership,
        form=form,
        reasons=WITHDRAWAL_REASONS,
        may_manage_person=people.may_manage(current_user, membership.user),
    ), status


@bp.route("/<slug>/members/<int:membership_id>/withdrawal", methods=["GET", "POST"])
@keeps_unsaved_text
@requires("cohorts.manage")
def withdrawal(membership_id: int):
    cohort = g.cohort
    membership = _membership_of(cohort, membership_id)
    if membership.withdrawn_at is not None:
        return redirect(url_for("cohorts.member", slug=cohort.slug, membership_id=membership.id))
    form = kept_form(WithdrawalForm)
    if not form.is_submitted() and form.withdrawn_on.data is None:
        form.withdrawn_on.data = today()
    if form.validate_on_submit():
        try:
            cohort_service.record_withdrawal(
                membership, form.withdrawn_on.data, form.reason.data or None, today()
            )
        except cohort_service.CohortProblems as problems:
            db.session.rollback()
            _apply_problems(form, problems)
        else:
            audit.record(
                "member.withdrawn",
                current_user,
                subject=membership.user,
                cohort=cohort,
                on=form.withdrawn_on.data.isoformat(),
                reason=membership.withdrawal_reason,
            )
            name = membership.user.full_name
            db.session.commit()
            flash(f"Recorded that {name} left the programme. Everything they recorded is kept.")
            return redirect(url_for("cohorts.members", slug=cohort.slug))
    status = 400 if form.errors else 200
    return render_template(
        "cohorts/withdrawal.html", cohort=cohort, membership=membership, form=form
    ), status


@bp.route("/<slug>/members/<int:membership_id>/reinstate", methods=["POST"])
@requires("cohorts.manage")
def reinstate(membership_id: int):
    cohort = g.cohort
    membership = _membership_of(cohort, membership_id)
    form = FlaskForm()
    if form.validate_on_submit() and membership.withdrawn_at is not None:
        try:
            cohort_service.reinstate(membership)
        except cohort_service.CohortProblems as problems:
            db.session.rollback()
            flash(problems.problems[0][1])
        else:
            audit.record("member.reinstated", current_user, subject=membership.user, cohort=cohort)
            db.session.commit()
            flash(f"{membership.user.full_name} is an active member again.")
    return redirect(url_for("cohorts.member", slug=cohort.slug, membership_id=membership.id))


@bp.route("/<slug>/groups", methods=["GET", "POST"])
@keeps_unsaved_text
@requires("cohorts.manage")
def groups():
    cohort = g.cohort
    form = kept_form(TutorGroupForm)
    if form.validate_on_submit():
        name = form.name.data.strip()
        if any(group.name == name for group in cohort.tutor_groups):
            form.name.errors.append(f"There is already a group called {name}")
        else:
            db.session.add(TutorGroup(cohort=cohort, name=name))
            db.session.commit()
            flash(f"Added {name}.")
            return redirect(url_for("cohorts.groups", slug=cohort.slug))
    members = cohort_service.active_members(cohort)
    status = 400 if form.errors else 200
    return render_template("cohorts/groups.html", cohort=cohort, form=form, members=members), status


@bp.route("/<slug>/groups/<int:group_id>")
@requires("groups.view")
def group(group_id: int):
    cohort = g.cohort
    tutor_group = db.session.get(TutorGroup, group_id)
    if tutor_group is None or tutor_group.cohort_id != cohort.id:
        abort(404)
    membership = g.membership
    if (
        not current_user.is_admin
        and membership.role == "tutor"
        and membership.tutor_group_id != group_id
    ):
        abort(403)  # tutors see their own group only
    grid = progress.group_grid(cohort, tutor_group, today())
    return render_template("cohorts/group.html", cohort=cohort, group=tutor_group, grid=grid)


@bp.route("/<slug>/roster", methods=["GET", "POST"])
@requires("cohorts.manage")
def roster():
    cohort = g.cohort
    slug, name = cohort.slug, cohort.name
    form = RosterUploadForm()
    row_errors = []
    if form.validate_on_submit():
        data = form.roster.data.read(10 * 1024 * 1024 + 1)
        filename = form.roster.data.filename or ""
        # A post's transaction holds the write lock from its first query: end it, so
        # that others' saves do not wait while the file is checked.
        db.session.commit()
        try:
            rows = parse_roster(data, filename)
            result = apply_roster(cohort, rows, by=current_user)
            if result.invited:
                base_url()  # no member without their invitation: refuse before committing
        except RosterInvalid as invalid:
            row_errors = invalid.errors
            form.roster.errors.append(
                f"Nothing was imported: {len(row_errors)} problem(s) in the file, listed below"
            )
        except BaseUrlMissing as missing:
            db.session.rollback()
            form.roster.errors.append(f"Nothing was imported. {missing}")
        else:
            audit.record(
                "roster.imported",
                current_user,
                cohort=cohort,
                added=len(result.added),
                updated=len(result.updated),
                unchanged=len(result.unchanged),
            )
            db.session.commit()
            send_invitations(result.invited, name)  # after the commit: outside the lock
            flash(
                f"Roster imported: {len(result.added)} added, {len(result.updated)} updated, "
                f"{len(result.unchanged)} unchanged; {len(result.invited)} invitations sent."
                + _consent_note(result)
            )
            return redirect(url_for("cohorts.members", slug=slug))
    status = 400 if form.errors else 200
    return render_template(
        "cohorts/roster.html",
        cohort=cohort,
        form=form,
        row_errors=row_errors,
        unit="Row" if row_errors and row_errors[0].unit == "row" else "Line",
    ), status


def _consent_note(result) -> str:
    if not result.consent_recorded:
        return ""
    return f" Consent recorded from paper forms for {len(result.consent_recorded)}."


@bp.route("/<slug>/roster.csv")
@requires("cohorts.manage")
def roster_export():
    cohort = g.cohort
    body = export_roster(cohort, cohort_service.active_members(cohort))
    audit.record("data.exported", current_user, cohort=cohort, what="roster")
    db.session.commit()
    return Response(
        "\ufeff" + body,  # a BOM so Excel reads UTF-8 names correctly
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{cohort.slug}-roster.csv"'},
    )


TEMPLATE_NOTES = [
    ["How to fill in the roster"],
    ["Fill in the first sheet, one person a row, under its header row; keep the header."],
    ["role: trainee, tutor, lead or expert"],
    ["sector: statutory, voluntary, charity or other"],
    ["lived_experience: yes or no"],
    ["tutor_group: a group's name (created when first named), or blank"],
    ["evaluation_consent: yes or no from a paper consent form, or blank if not collected"],
    ["Nothing is imported unless every row is right; each problem names its row and column."],
]


@bp.route("/<slug>/roster-template.<any(csv, xlsx):fmt>")
@requires("cohorts.manage")
def roster_template(fmt: str):
    """An empty roster with the right header, to fill in and import."""
    header = [*roster_service.HEADER, roster_service.CONSENT_COLUMN]
    if fmt == "csv":
        body = "\ufeff" + csv_text([header])  # a BOM so Excel reads UTF-8 names correctly
        mimetype = "text/csv"
    else:
        body = xlsx_bytes(
            [
                Sheet(
                    "Roster",
                    [header],
                    bold={0: None},
                    freeze="A2",
                    widths=dict.fromkeys(range(len(header)), 18),
                ),
                Sheet("How to fill in", TEMPLATE_NOTES, bold={0: 14}, widths={0: 90}),
            ]
        )
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="roster-template.{fmt}"'},
    )
