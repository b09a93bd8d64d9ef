"""Evaluation pages: the lead's dashboard, charts, report downloads and cohort comparison;
the codebook and coding pages for leads and tutors. Thin: the services do the work."""

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
from lms.core.models import SECTORS
from lms.core.permissions import can, requires, signed_in
from lms.core.rescue import keeps_unsaved_text, kept_form, refill, take_kept_text
from lms.extensions import db
from lms.plugins.evaluation import charts, coding, exports, figures, finding
from lms.plugins.evaluation.forms import (
    CodingForm,
    CopyCodebookForm,
    DeleteForm,
    MemoForm,
    ThemeForm,
)

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
        "sections": figures.SECTIONS,
        "rows_shown": ROWS_SHOWN,
    }


# -- the lead's dashboard, charts and report ---------------------------------------------


@bp.route("/cohorts/<slug>/evaluation")
@requires(VIEW)
def dashboard():
    report = figures.build_report(g.cohort)
    return render_template("evaluation/dashboard.html", cohort=g.cohort, report=report)


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
    return render_template(
        "evaluation/report.html",
        cohort=g.cohort,
        report=report,
        notes=exports.method_notes(report),
    )


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


# -- coding ----------------------------------------------------------------------------------


@bp.route("/cohorts/<slug>/evaluation/texts")
@requires(CODE)
def texts():
    filters = finding.Filters.from_args(request.args)
    found = finding.find_texts(g.cohort, current_user, filters, g.membership)
    pages = max(1, -(-len(found.texts) // TEXTS_PER_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    shown = found.texts[(page - 1) * TEXTS_PER_PAGE : page * TEXTS_PER_PAGE]
    html = render_template(
        "evaluation/texts.html",
        cohort=g.cohort,
        texts=shown,
        found=found,
        filters=filters,
        statuses=finding.STATUSES,
        sectors=SECTORS,
        page=page,
        pages=pages,
        total=len(found.texts),
        pseudonym=lambda text: coding.pseudonym(g.cohort.id, text.membership_id),
    )
    # Which filters, not the words searched for (they may name someone).
    used = {key: value for key, value in filters.query().items() if key != "q"}
    _texts_viewed("texts", len(shown), page_number=page, searched=bool(filters.q), **used)
    return html


@bp.route("/cohorts/<slug>/evaluation/texts/next")
@requires(CODE)
def next_text():
    """The next text the coder has not coded that matches the filters (after `after`)."""
    filters = finding.Filters.from_args(request.args)
    found = finding.find_texts(g.cohort, current_user, filters, g.membership)
    text = finding.next_to_code(found, filters, request.args.get("after"))
    if text is None:
        flash(
            "There are no more texts matching your filters that you have not coded."
            if filters.active
            else "There are no more texts that you have not coded."
        )
        return redirect(url_for(".texts", slug=g.cohort.slug, **filters.query()))
    return redirect(
        url_for(".code_text", slug=g.cohort.slug, source=text.source, **filters.query())
    )


@bp.route("/cohorts/<slug>/evaluation/texts/<source>", methods=["GET", "POST"])
@keeps_unsaved_text
@requires(CODE)
def code_text(source):
    text = coding.codable_text(g.cohort, source, g.membership)
    if text is None:
        abort(404)
    filters = finding.Filters.from_args(request.args)
    entries = coding.codebook(g.cohort)
    kept = take_kept_text()
    form = refill(CodingForm, kept)
    form.set_themes(entries)
    if form.validate_on_submit():
        try:
            coding.add_coding(
                g.cohort,
                current_user,
                source,
                form.excerpt.data,
                form.theme_ids(),
                start=form.start.data,
                end=form.end.data,
                reader=g.membership,
                memo=form.memo.data,
            )
        except coding.Problems as problems:
            db.session.rollback()
            for name, message in problems.problems.items():
                getattr(form, name).errors = [message]
        else:
            db.session.commit()
            flash("Passage coded")
            if form.stay.data:
                return redirect(
                    url_for(".code_text", slug=g.cohort.slug, source=source, **filters.query())
                )
            return redirect(
                url_for(".next_text", slug=g.cohort.slug, after=source, **filters.query())
            )
    return _code_page(text, entries, form, filters, kept)


def _memo_url(source: str, coding_id: int) -> str:
    return url_for("evaluation.save_memo", slug=g.cohort.slug, source=source, coding_id=coding_id)


def _memo_form(kept=None, action=None, **kwargs) -> MemoForm:
    return refill(MemoForm, kept or {}, action=action, **kwargs)


def _code_page(text, entries, form, filters, kept=None, failed=None):
    """The coding page; `failed` is a memo form that was refused (shown with its error)."""
    excerpts = coding.current_excerpts(g.cohort, text.source, g.membership)
    memo_forms = {}
    for item in excerpts:
        if item.coding.coder_id != current_user.id:
            continue
        if failed is not None and failed.coding_id == item.coding.id:
            memo_forms[item.coding.id] = failed
            continue
        # formdata=None: a post on this page is another form's, never this memo's.
        memo_forms[item.coding.id] = _memo_form(
            kept,
            action=_memo_url(text.source, item.coding.id),
            formdata=None,
            data={"memo": item.coding.memo},
        )
    page = render_template(
        "evaluation/code.html",
        cohort=g.cohort,
        text=text,
        author=coding.pseudonym(g.cohort.id, text.membership_id),
        excerpts=excerpts,
        entries=entries,
        form=form,
        memo_forms=memo_forms,
        filters=filters,
        delete_form=DeleteForm(),
        max_memo=coding.MAX_MEMO,
    )
    _texts_viewed("text", 1, source=text.source)
    errors = form.errors or (failed is not None and failed.errors)
    return page, 400 if errors else 200


def _memo_page(slug, source, coding_id):
    return url_for("evaluation.code_text", slug=slug, source=source)


@bp.route(
    "/cohorts/<slug>/evaluation/texts/<source>/codings/<int:coding_id>/memo", methods=["POST"]
)
@keeps_unsaved_text(shown_on=_memo_page)
@requires(CODE)
def save_memo(source, coding_id):
    text = coding.codable_text(g.cohort, source, g.membership)
    if text is None:
        abort(404)
    form = _memo_form()
    form.coding_id = coding_id
    if form.validate_on_submit():
        try:
            saved = coding.save_memo(
                g.cohort, source, coding_id, current_user, form.memo.data, g.membership
            )
        except coding.Problems as problems:
            db.session.rollback()
            form.memo.errors = [problems.problems["memo"]]
        else:
            if saved is None:
                abort(404)
            db.session.commit()
            flash("Memo saved" if saved.memo else "Memo removed")
            return redirect(url_for(".code_text", slug=g.cohort.slug, source=source) + "#codings")
    elif not form.errors:
        abort(404)
    entries = coding.codebook(g.cohort)
    coding_form = CodingForm(formdata=None)  # the memo posted is not a new coding's
    coding_form.set_themes(entries)
    return _code_page(text, entries, coding_form, finding.Filters(), failed=form)


@bp.route("/cohorts/<slug>/evaluation/codings/<int:coding_id>/delete", methods=["POST"])
@requires(CODE)
def delete_coding(coding_id):
    form = DeleteForm()
    source = request.form.get("source", "")
    if not form.validate_on_submit() or not coding.delete_coding(g.cohort, coding_id, current_user):
        abort(404)
    db.session.commit()
    flash("Coding removed")
    if coding.SOURCE_PATTERN.match(source):
        return redirect(url_for(".code_text", slug=g.cohort.slug, source=source))
    return redirect(url_for(".texts", slug=g.cohort.slug))


@bp.route("/cohorts/<slug>/evaluation/themes")
@requires(CODE)
def themes():
    report = figures.build_report(g.cohort, ("themes",), g.membership)
    page = render_template("evaluation/themes.html", cohort=g.cohort, report=report)
    _texts_viewed("themes", len(report.excerpt_rows))
    return page
