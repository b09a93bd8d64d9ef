"""Reflection pages: a trainee's weeks, the editor, history and export; the tutor's
review queue, entry view and member × week grid. Thin: services do the work."""

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

from lms.core import audit
from lms.core.cohorts import active_members
from lms.core.curriculum import render_markdown
from lms.core.curriculum_loader import programme
from lms.core.permissions import requires, signed_in
from lms.core.rescue import keeps_unsaved_text, refill, take_kept_text
from lms.extensions import db
from lms.plugins.reflections import notices, portfolio, review, services
from lms.plugins.reflections.forms import (
    ANSWER_PREFIX,
    MessageForm,
    ReviewedForm,
    SharingForm,
    entry_form_class,
)


class ReflectionsBlueprint(Blueprint):
    # The autosave script is only used on signed-in pages; serving it to signed-in
    # people only gives the static route the access rule every route must declare.
    # The URL prefix carries the cohort's slug, which the file does not depend on.
    @signed_in
    def send_static_file(self, filename, slug=None):
        return super().send_static_file(filename)


bp = ReflectionsBlueprint(
    "reflections",
    __name__,
    template_folder="templates",
    static_folder="static",
    url_prefix="/cohorts/<slug>/reflections",
)

WRITE, REVIEW = "reflections.write", "reflections.review"


@bp.context_processor
def helpers() -> dict:
    return {"markdown": render_markdown, "saved_at_label": services.saved_at_label}


def _author():
    """The signed-in trainee's membership; admins and others without one have no entries."""
    membership = g.membership
    if membership is None or membership.role != "trainee":
        abort(404)
    return membership


def _course_week(week: int):
    if not 1 <= week <= services.number_of_weeks(g.cohort):
        abort(404)
    return programme(g.cohort.programme).week(week)


# -- trainee ---------------------------------------------------------------------------


@bp.route("/")
@requires(WRITE)
def index(slug: str):
    membership = _author()
    return render_template(
        "reflections/index.html", cohort=g.cohort, rows=services.weeks_of(membership)
    )


def _editor(membership, week, form, *, status=200, conflict=None, notice=None, **forms):
    course_week = programme(g.cohort.programme).week(week)
    entry = services.entry_of(membership, week)
    sharing_form = forms.get("sharing_form") or SharingForm(
        data={
            "sharing": "tutors" if _shared(entry) else "private",
            "evaluation_consent": bool(entry and entry.evaluation_consent),
        },
        formdata=None,
    )
    reply_form = forms.get("reply_form") or MessageForm(formdata=None)
    thread = review.thread_of(entry) if entry else []
    shown = next((f for f in (form, sharing_form, reply_form) if f.errors), form)
    from lms.plugins.reflections.evidence_views import own_file_rows

    page = render_template(
        "reflections/edit.html",
        cohort=g.cohort,
        week=course_week,
        dates=services.week_dates(g.cohort, week),
        entry=entry,
        latest=services.latest_version(entry),
        form=shown,
        entry_form=form,
        sharing_form=sharing_form,
        reply_form=reply_form,
        thread=thread,
        conflict=conflict,
        notice=notice,
        answer_prefix=ANSWER_PREFIX,
        evidence_files=own_file_rows(entry, week),
    )
    return page, status


def _shared(entry) -> bool:
    return entry.shared if entry else g.cohort.reflections_shared_by_default


@bp.route("/weeks/<int:week>", methods=["GET", "POST"])
@keeps_unsaved_text
@requires(WRITE)
def edit(slug: str, week: int):
    membership = _author()
    course_week = _course_week(week)
    form_class = entry_form_class(course_week.prompts)
    if not services.is_open(g.cohort, week):
        return render_template(
            "reflections/not_open.html",
            cohort=g.cohort,
            week=course_week,
            dates=services.week_dates(g.cohort, week),
        ), (400 if request.method == "POST" else 200)
    if request.method == "POST":
        form = form_class()
        return _save_from_form(membership, week, form)
    kept = take_kept_text()
    entry_text = kept.get(request.path)
    reply_text = kept.get(url_for(".reply", slug=g.cohort.slug, week=week))
    if entry_text or reply_text:
        form = form_class(formdata=entry_text) if entry_text else None
        notice = (
            "Your session had expired, so this text was not saved. It is all here: "
            "check it, then save a draft, submit or send it."
        )
        return _editor(
            membership,
            week,
            form or _fresh_entry_form(membership, week),
            notice=notice,
            reply_form=MessageForm(formdata=reply_text) if reply_text else None,
        )
    return _editor(membership, week, _fresh_entry_form(membership, week))


def _save_from_form(membership, week, form):
    submitting = bool(form.submit_entry.data)
    based_on = form.based_on_number()
    try:
        if based_on is None:
            raise services.StaleVersion(
                services.latest_version(services.entry_of(membership, week))
            )
        version = services.save(membership, week, form.answers(), based_on, submit=submitting)
        if submitting:
            notices.shared_with_tutors(version.entry)
        db.session.commit()
    except services.AnswersInvalid as invalid:
        db.session.rollback()
        form.add_problems(invalid.problems)
        return _editor(membership, week, form, status=400)
    except services.StaleVersion as stale:
        db.session.rollback()
        # The next save is a deliberate choice made with both texts in view.
        form.based_on.data = str(stale.latest.number if stale.latest else 0)
        return _editor(membership, week, form, status=409, conflict=stale.latest)
    if submitting:
        flash(f"Week {week} reflection submitted.")
    else:
        flash(f"Draft saved at {version.created_at:%H:%M} (version {version.number}).")
    return redirect(url_for(".edit", slug=g.cohort.slug, week=week))


@bp.route("/weeks/<int:week>/autosave", methods=["POST"])
@requires(WRITE)
def autosave(slug: str, week: int):
    """The background save of the editor's script: JSON in every case."""
    membership = _author()
    course_week = _course_week(week)
    if not services.is_open(g.cohort, week):
        return jsonify(error="This week's reflection is not open yet."), 400
    form = entry_form_class(course_week.prompts)()
    based_on = form.based_on_number()
    try:
        if based_on is None:
            raise services.StaleVersion(
                services.latest_version(services.entry_of(membership, week))
            )
        version = services.save(membership, week, form.answers(), based_on)
        db.session.commit()
    except services.AnswersInvalid as invalid:
        db.session.rollback()
        return jsonify(error="Not saved: " + " ".join(invalid.problems.values())), 422
    except services.StaleVersion as stale:
        db.session.rollback()
        latest = stale.latest
        return jsonify(
            error=(
                "Not saved: this reflection was changed in another tab or device. "
                "Select ‘Save draft’ to see both versions side by side."
            ),
            version=latest.number if latest else 0,
            saved_at=latest.created_at.isoformat() if latest else None,
            saved_answers=latest.answers if latest else {},
        ), 409
    return jsonify(
        version=version.number,
        saved_at=version.created_at.isoformat(),
        message=f"Draft saved at {version.created_at:%H:%M}",
    )


@bp.route("/weeks/<int:week>/sharing", methods=["POST"])
@requires(WRITE)
def sharing(slug: str, week: int):
    membership = _author()
    _course_week(week)
    form = SharingForm()
    if not form.validate():
        return _editor(
            membership, week, _fresh_entry_form(membership, week), status=400, sharing_form=form
        )
    entry = services.ensure_entry(membership, week)
    was_shared = entry.shared
    services.set_sharing(entry, form.sharing.data == "tutors", form.evaluation_consent.data)
    if not was_shared:
        notices.shared_with_tutors(entry)
    db.session.commit()
    flash("Your choices are saved.")
    return redirect(url_for(".edit", slug=g.cohort.slug, week=week) + "#who-can-read")


@bp.route("/weeks/<int:week>/reply", methods=["POST"])
@keeps_unsaved_text(shown_on=lambda slug, week: url_for(".edit", slug=slug, week=week))
@requires(WRITE)
def reply(slug: str, week: int):
    membership = _author()
    _course_week(week)
    entry = services.entry_of(membership, week)
    if entry is None or not entry.is_submitted:
        abort(404)
    form = MessageForm()
    if not form.validate():
        return _editor(
            membership, week, _fresh_entry_form(membership, week), status=400, reply_form=form
        )
    review.add_feedback(entry, current_user, "trainee", form.body.data)
    notices.reply_posted(entry)
    db.session.commit()
    flash("Your reply is sent.")
    return redirect(url_for(".edit", slug=g.cohort.slug, week=week) + "#feedback")


def _fresh_entry_form(membership, week):
    course_week = programme(g.cohort.programme).week(week)
    latest = services.latest_version(services.entry_of(membership, week))
    data = {"based_on": str(latest.number if latest else 0)}
    if latest is not None:
        data.update({ANSWER_PREFIX + key: text for key, text in latest.answers.items()})
    return entry_form_class(course_week.prompts)(data=data, formdata=None)


@bp.route("/weeks/<int:week>/history")
@requires(WRITE)
def history(slug: str, week: int):
    membership = _author()
    course_week = _course_week(week)
    entry = services.entry_of(membership, week)
    versions = services.versions_of(entry) if entry else []
    return render_template(
        "reflections/history.html", cohort=g.cohort, week=course_week, versions=versions
    )


@bp.route("/portfolio.<fmt>")
@requires(WRITE)
def export(slug: str, fmt: str):
    membership = _author()
    name = f"reflections-{g.cohort.slug}"
    if fmt == "md":
        body, mimetype = portfolio.portfolio_markdown(membership), "text/markdown; charset=utf-8"
    elif fmt == "docx":
        body = portfolio.portfolio_docx(membership)
        mimetype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        abort(404)
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


# -- tutor -------------------------------------------------------------------------------


@bp.route("/review")
@requires(REVIEW)
def queue(slug: str):
    entries = review.review_queue(g.membership)
    titles = {w.number: w.title for w in programme(g.cohort.programme).weeks}
    return render_template(
        "reflections/queue.html",
        cohort=g.cohort,
        entries=entries,
        titles=titles,
        is_tutor=g.membership is not None and g.membership.role == "tutor",
    )


def _entry_page(entry, form=None, status=200):
    from lms.plugins.reflections.evidence_views import tutor_file_rows

    version = services.version_of(entry, entry.submitted_version)
    form = form or refill(MessageForm, take_kept_text(), formdata=None)
    page = render_template(
        "reflections/review_entry.html",
        cohort=g.cohort,
        entry=entry,
        week=programme(g.cohort.programme).week(entry.week),
        version=version,
        thread=review.thread_of(entry),
        form=form,
        reviewed_form=ReviewedForm(formdata=None),
        evidence_files=tutor_file_rows(entry),
    )
    if request.method == "GET":
        _record_reading(entry)  # after rendering: the commit expires what the page used
    return page, status


def _record_reading(entry) -> None:
    # Every time a tutor opens someone's words, the log says so (README, audit). A
    # refused post stores nothing: its text was logged when the page was opened.
    audit.record(
        "reflection.viewed",
        current_user,
        subject=entry.membership.user,
        cohort=g.cohort,
        entry=entry.id,
        week=entry.week,
    )
    db.session.commit()


@bp.route("/review/<int:entry_id>", methods=["GET", "POST"])
@keeps_unsaved_text
@requires(REVIEW)
def review_entry(slug: str, entry_id: int):
    entry = review.entry_for_tutor(g.membership, entry_id)
    if entry is None:
        abort(404)
    if request.method == "POST":
        form = MessageForm()
        if not form.validate():
            return _entry_page(entry, form, 400)
        review.add_feedback(entry, current_user, "tutor", form.body.data)
        notices.feedback_left(entry)
        db.session.commit()
        flash("Your feedback is sent.")
        return redirect(url_for(".review_entry", slug=slug, entry_id=entry.id) + "#feedback")
    return _entry_page(entry)


@bp.route("/review/<int:entry_id>/reviewed", methods=["POST"])
@requires(REVIEW)
def mark_reviewed(slug: str, entry_id: int):
    entry = review.entry_for_tutor(g.membership, entry_id)
    if entry is None:
        abort(404)
    review.mark_reviewed(entry, current_user)
    db.session.commit()
    flash(
        f"{entry.membership.user.full_name}'s week {entry.week} reflection is marked as reviewed."
    )
    return redirect(url_for(".queue", slug=slug))


@bp.route("/grid")
@requires("groups.view")
def grid(slug: str):
    """Statuses only (no text): tutors see their group, leads the whole cohort."""
    membership = g.membership
    group_id = None
    if membership is not None and membership.role == "tutor":
        if membership.tutor_group_id is None:
            abort(404)
        group_id = membership.tutor_group_id
    members = active_members(g.cohort, role="trainee", group_id=group_id)
    weeks = list(range(1, services.number_of_weeks(g.cohort) + 1))
    statuses = review.member_week_statuses(g.cohort, members, weeks)
    return render_template(
        "reflections/grid.html",
        cohort=g.cohort,
        weeks=weeks,
        # Each trainee with their statuses in week order, and the few distinct statuses:
        # the template draws each tag once and hundreds of cells from those.
        rows=[(member, [statuses[(member.id, week)] for week in weeks]) for member in members],
        distinct=sorted(set(statuses.values())),
    )
