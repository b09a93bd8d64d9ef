"""Coding pages: the texts to code (search, filters, pages), a text and its codings, the
next text still to code, memos on codings, and the coders' theme figures. Routes of the
evaluation blueprint (`views.bp`); thin, as the services do the work."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from lms.core.models import SECTORS
from lms.core.permissions import requires
from lms.core.rescue import keeps_unsaved_text, refill, take_kept_text
from lms.extensions import db
from lms.plugins.evaluation import coding, figures, finding
from lms.plugins.evaluation.forms import CodingForm, DeleteForm, MemoForm
from lms.plugins.evaluation.views import CODE, TEXTS_PER_PAGE, _texts_viewed, bp


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
