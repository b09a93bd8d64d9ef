"""Evaluation pages: the lead's dashboard, charts, report downloads and cohort comparison;
the codebook for leads and tutors (the coding pages are in `coding_views`). Thin: the
services do the work."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from lms.core import audit
from lms.core.permissions import can, requires, signed_in
from lms.core.rescue import keeps_unsaved_text, kept_form, refill, take_kept_text
from lms.extensions import db
from lms.plugins.evaluation import charts, coding, exports, figures
from lms.plugins.evaluation.forms import CopyCodebookForm, ThemeForm
from lms.plugins.evaluation.outline import method_of, outline_of

VIEW, CODE = "evaluation.view", "evaluation.code"
TEXTS_PER_PAGE = 50
ROWS_SHOWN = 100


class EvaluationBlueprint(Blueprint):
    # The coding script is used on signed-in pages only; serving it to signed-in people
    # gives the static route the access rule every route must declare.
    @signed_in
    def send_static_file(self, filename):
        return super().send_static_file(filename)


bp = EvaluationBlueprint(
    "evaluation",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/evaluation/static",
)


@bp.context_processor
def helpers() -> dict:
    return {
        "describe": charts.describe,
        "drawable": charts.drawable,
        "nothing_to_draw": charts.NOTHING_TO_DRAW,
        "sections": figures.SECTIONS,
        "rows_shown": ROWS_SHOWN,
    }


# -- the lead's dashboard, charts and report ---------------------------------------------


@bp.route("/cohorts/<slug>/evaluation")
@requires(VIEW)
def dashboard():
    report = figures.build_report(g.cohort)
    return render_template(
        "evaluation/dashboard.html", cohort=g.cohort, report=report, method=method_of(report)
    )


@bp.route("/cohorts/<slug>/evaluation/charts/<key>.svg")
@requires(VIEW)
def chart(key):
    return _chart(key)


@bp.route("/cohorts/<slug>/evaluation/themes/<key>.svg")
@requires(CODE)
def theme_chart(key):
    # Coders see the theme figures (not the rest of the dashboard): only theme charts here.
    if not key.startswith("themes-"):
        abort(404)
    return _chart(key, g.membership)


def _chart(key: str, reader=None):
    report = figures.build_report(g.cohort, figures.parts_for_chart(key), reader)
    table = report.table(key)
    if table is None or not table.chart:
        abort(404)
    response = current_app.response_class(charts.render(table), mimetype="image/svg+xml")
    # matplotlib styles its shapes with style attributes. This document holds no script
    # and no typed text, so inline styles are allowed for it alone; nothing else is.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/cohorts/<slug>/evaluation/report")
@requires(VIEW)
def printable():
    report = figures.build_report(g.cohort)
    return render_template("evaluation/report.html", cohort=g.cohort, outline=outline_of(report))


DOWNLOADS = {
    "docx": (
        exports.report_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (
        exports.report_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "zip": (exports.report_csv_zip, "application/zip"),
}


@bp.route("/cohorts/<slug>/evaluation/report.<fmt>")
@requires(VIEW)
def download(fmt):
    if fmt not in DOWNLOADS:
        abort(404)
    make, mimetype = DOWNLOADS[fmt]
    body = make(figures.build_report(g.cohort))
    return _attachment(body, mimetype, f"evaluation-{g.cohort.slug}.{fmt}", fmt)


@bp.route("/cohorts/<slug>/evaluation/coded-excerpts.csv")
@requires(VIEW)
def excerpts_csv():
    report = figures.build_report(g.cohort, ("themes",))
    body = exports.excerpts_csv(report).encode("utf-8-sig")
    return _attachment(body, "text/csv", f"coded-excerpts-{g.cohort.slug}.csv", "csv")


def _attachment(body: bytes, mimetype: str, filename: str, fmt: str):
    audit.record(
        "data.exported", current_user, cohort=g.cohort, what="evaluation report", format=fmt
    )
    db.session.commit()
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/evaluation/compare")
@requires(VIEW)
def compare():
    from lms.plugins.evaluation.compare import comparable_cohorts, comparison

    available = comparable_cohorts(current_user)
    chosen_slugs = request.args.getlist("cohort")
    chosen = [c for c in available if c.slug in chosen_slugs] or available[:4]
    return render_template(
        "evaluation/compare.html",
        available=available,
        chosen=chosen,
        rows=comparison(chosen) if chosen else [],
    )


# -- the codebook ---------------------------------------------------------------------------


@bp.route("/cohorts/<slug>/evaluation/codebook", methods=["GET", "POST"])
@keeps_unsaved_text
@requires(CODE)
def codebook():
    entries = coding.codebook(g.cohort)
    form = kept_form(ThemeForm)
    form.set_parents(entries)
    if form.validate_on_submit() and _save_theme(form, None):
        return redirect(url_for(".codebook", slug=g.cohort.slug))
    page = render_template(
        "evaluation/codebook.html",
        cohort=g.cohort,
        entries=entries,
        form=form,
        can_copy=can(current_user, VIEW, g.membership),
    )
    return page, 400 if form.errors else 200


@bp.route("/cohorts/<slug>/evaluation/codebook/copy", methods=["GET", "POST"])
@requires(VIEW)
def copy_codebook():
    from lms.plugins.evaluation.compare import comparable_cohorts

    others = [c for c in comparable_cohorts(current_user) if c.id != g.cohort.id]
    form = CopyCodebookForm()
    form.source.choices = [SelectChoice(c.slug, c.name) for c in others]
    if form.validate_on_submit():
        source = next(c for c in others if c.slug == form.source.data)
        added = coding.copy_codebook(source, g.cohort)
        audit.record(
            "codebook.changed",
            current_user,
            cohort=g.cohort,
            change="copied",
            source_cohort=source.slug,
            added=[theme.full_name for theme in added],
        )
        db.session.commit()
        flash(f"{len(added)} themes copied from {source.name}.")
        return redirect(url_for(".codebook", slug=g.cohort.slug))
    page = render_template("evaluation/copy_codebook.html", cohort=g.cohort, form=form)
    return page, 400 if form.errors else 200


@bp.route("/cohorts/<slug>/evaluation/codebook/<int:theme_id>", methods=["GET", "POST"])
@keeps_unsaved_text
@requires(CODE)
def edit_theme(theme_id):
    theme = coding.theme_in(g.cohort, theme_id)
    if theme is None:
        abort(404)
    kept = take_kept_text()
    form = refill(ThemeForm, kept, obj=theme if request.method == "GET" else None)
    if request.method == "GET" and not kept:
        form.parent.data = str(theme.parent_id or "")
    form.set_parents(coding.codebook(g.cohort), exclude=theme.id)
    if form.validate_on_submit() and _save_theme(form, theme):
        return redirect(url_for(".codebook", slug=g.cohort.slug))
    # The passages coded with the theme (or its sub-themes) that this coder may read,
    # with the coders' memos next to them.
    wanted = {theme.id} | {sub.id for sub in theme.children}
    excerpts = [
        item
        for item in coding.current_excerpts(g.cohort, reader=g.membership)
        if any(t.id in wanted for t in item.coding.themes)
    ]
    page = render_template(
        "evaluation/theme.html",
        cohort=g.cohort,
        theme=theme,
        form=form,
        excerpts=excerpts,
        pseudonym=lambda text: coding.pseudonym(g.cohort.id, text.membership_id),
    )
    _texts_viewed("theme", len(excerpts), theme=theme.id)
    return page, 400 if form.errors else 200


def _save_theme(form: ThemeForm, theme) -> bool:
    before = None if theme is None else _theme_facts(theme)
    try:
        saved = coding.save_theme(
            g.cohort,
            form.name.data,
            form.definition.data,
            form.example.data,
            form.parent_id(),
            theme=theme,
        )
    except coding.Problems as problems:
        db.session.rollback()
        for name, message in problems.problems.items():
            getattr(form, name).errors = [message]
        return False
    # A codebook is part of a cohort's analysis: who changed what is on the record.
    audit.record(
        "codebook.changed",
        current_user,
        cohort=g.cohort,
        change="added" if before is None else "changed",
        theme=saved.id,
        before=before,
        after=_theme_facts(saved),
    )
    db.session.commit()
    flash(f"Theme saved: {saved.full_name}")
    return True


def _theme_facts(theme) -> dict:
    return {
        "name": theme.full_name,
        "definition": theme.definition,
        "example": theme.example,
    }


def _texts_viewed(where: str, shown: int, **details) -> None:
    """Coders read other people's words: the audit log says who, where and how many.
    On opening a page (GET), as a refused post stores nothing; called after rendering,
    as the commit expires what the page used."""
    if request.method != "GET":
        return
    audit.record(
        "evaluation_texts.viewed", current_user, cohort=g.cohort, page=where, shown=shown, **details
    )
    db.session.commit()


# The coding pages are routes of this blueprint too (imported last: they use `bp`).
from lms.plugins.evaluation import coding_views  # noqa: E402, F401
