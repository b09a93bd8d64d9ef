"""Survey pages: a trainee's waves, answering, their own answers; results for leads."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from lms.core import audit, consent
from lms.core.numbers import p_text
from lms.core.permissions import requires
from lms.core.rescue import keeps_unsaved_text, take_rescued_fields
from lms.extensions import db
from lms.plugins.surveys import exports, services
from lms.plugins.surveys.forms import AnswerErrors

bp = Blueprint(
    "surveys", __name__, template_folder="templates", url_prefix="/cohorts/<slug>/surveys"
)
WAVES = "any(pre, mid, post)"
BREAKDOWNS = {"sector": "Sector", "area": "Area", "tutor_group": "Tutor group"}


def _wave_or_404(name: str):
    wave = services.find_wave(g.cohort, name)
    if wave is None:
        abort(404)
    return wave, services.instrument_of(g.cohort, wave)


@bp.route("/")
@requires("surveys.answer")
def index(slug: str):
    statuses = services.statuses_of(g.membership) if g.membership else []
    return render_template("surveys/index.html", cohort=g.cohort, statuses=statuses)


@bp.route(f"/<{WAVES}:wave_name>", methods=["GET", "POST"])
@requires("surveys.answer")
@keeps_unsaved_text
def answer(slug: str, wave_name: str):
    if g.membership is None:  # an admin who is not a member has nothing to answer
        abort(404)
    wave, instrument = _wave_or_404(wave_name)
    response = services.response_of(g.membership, wave)
    if response is not None and response.is_submitted:
        if request.method == "POST":
            flash("You have already submitted this survey: it cannot be changed.")
        return redirect(url_for(".your_answers", slug=slug, response_id=response.id))
    state = services.wave_state(g.cohort, wave)
    if state != services.OPEN:
        page = render_template(
            "surveys/closed.html", cohort=g.cohort, wave=wave, instrument=instrument, state=state
        )
        return page, (409 if request.method == "POST" else 200)
    values, errors, status = services.answers_of(response), {}, None
    if request.method == "POST":
        posted = {k: v for k, v in request.form.items() if k not in ("csrf_token", "action")}
        submitting = request.form.get("action") == "submit"
        clean, errors = services.check_answers(instrument, posted, submitting)
        try:
            if not errors:
                services.save_answers(g.membership, wave, clean, submit=submitting)
        except services.SurveyProblem as problem:
            # Another tab or device saved or submitted at the same moment: nothing stored.
            db.session.rollback()
            errors, status = {"survey": str(problem)}, 409
        if not errors:
            db.session.commit()
            if submitting:
                flash("Thank you: your answers are submitted.")
                saved = services.response_of(g.membership, wave)
                return redirect(url_for(".your_answers", slug=slug, response_id=saved.id))
            flash("Your answers are saved. You can come back and finish them before it closes.")
            return redirect(url_for(".answer", slug=slug, wave_name=wave.wave))
        values = posted
    else:
        values = take_rescued_fields() or values
    return render_template(
        "surveys/answer.html",
        cohort=g.cohort,
        wave=wave,
        instrument=instrument,
        values={k: str(v) for k, v in values.items()},
        errors=errors,
        form=AnswerErrors(errors) if errors else None,
        item_range=services.item_range,
        max_text=services.MAX_TEXT,
    ), status or (400 if errors else 200)


@bp.route("/responses/<int:response_id>")
@requires("surveys.answer")
def your_answers(slug: str, response_id: int):
    # Only the respondent ever sees a response; anyone else gets the same 404 as for
    # an id that does not exist.
    response = services.own_response(g.membership, response_id) if g.membership else None
    if response is None or response.cohort_id != g.cohort.id:
        abort(404)
    wave = services.find_wave(g.cohort, response.wave)
    instrument = services.instrument_of(g.cohort, wave)
    return render_template(
        "surveys/your_answers.html",
        cohort=g.cohort,
        wave=wave,
        instrument=instrument,
        response=response,
        answers=services.answers_of(response),
    )


def _results_choice():
    names = [w.wave for w in services.waves(g.cohort)]
    wave_from = request.args.get("from", "pre")
    wave_to = request.args.get("to", "post")
    by = request.args.get("by") or None
    if wave_from not in names or wave_to not in names:
        abort(404)
    if by is not None and by not in BREAKDOWNS:
        abort(404)
    wave = services.find_wave(g.cohort, wave_from)
    return wave_from, wave_to, by, services.instrument_of(g.cohort, wave)


SAME_WAVE = "Choose a different wave to compare to: change needs two waves"


def _same_wave(instrument, wave: str, **shown):
    """The page again, with the choice to correct named next to its field (400)."""
    group = shown.get("group")
    page = _results_page(
        instrument,
        wave,
        wave,
        None,
        ready=False,
        same_wave=SAME_WAVE,
        counts=services.response_counts(g.cohort, group.id if group else None),
        form=AnswerErrors({"to": SAME_WAVE}),
        **shown,
    )
    return page, 400


def _refuse_same_wave(wave_from: str, wave_to: str) -> None:
    if wave_from == wave_to:
        abort(400, SAME_WAVE + ".")


def _results_page(instrument, wave_from: str, wave_to: str, found, **shown):
    """The results page, for the whole cohort or (`group`) one tutor group's members."""
    return render_template(
        "surveys/results.html",
        cohort=g.cohort,
        instrument=instrument,
        waves=services.waves(g.cohort),
        rows=found.rows if found else [],
        charts=found.charts if found else [],
        wave_from=wave_from,
        wave_to=wave_to,
        min_cell=services.min_cell_size(),
        consent_reason=consent.suppression_reason(g.cohort)
        if services.consent_required()
        else None,
        **shown,
    )


@bp.route("/results")
@requires("surveys.results")
def results(slug: str):
    wave_from, wave_to, by, instrument = _results_choice()
    if wave_from == wave_to:
        return _same_wave(instrument, wave_from, by=by or "sector", breakdowns=BREAKDOWNS)
    found = exports.results(g.cohort, instrument, wave_from, wave_to, by=by or "sector")
    return _results_page(
        instrument,
        wave_from,
        wave_to,
        found,
        group=None,
        ready=True,
        counts=services.response_counts(g.cohort),
        breakdown=found.breakdown,
        by=by or "sector",
        breakdowns=BREAKDOWNS,
    )


@bp.route("/results.csv")
@requires("surveys.results")
def results_csv(slug: str):
    wave_from, wave_to, by, instrument = _results_choice()
    _refuse_same_wave(wave_from, wave_to)
    rows = exports.results_rows(g.cohort, instrument, wave_from, wave_to, by=by)
    name = f"{g.cohort.slug}-{instrument.id}-{wave_from}-{wave_to}{'-' + by if by else ''}.csv"
    return _download(exports.results_csv(rows, exports.why_hidden(g.cohort)), "text/csv", name)


def _tutor_group():
    group = g.membership.tutor_group if g.membership else None
    if group is None:  # a tutor not yet given a group (or an admin) has no group results
        abort(404)
    return group


@bp.route("/group-results")
@requires("surveys.group_results")
def group_results(slug: str):
    group = _tutor_group()
    wave_from, wave_to, _, instrument = _results_choice()
    if wave_from == wave_to:
        return _same_wave(instrument, wave_from, group=group)
    ready = services.results_ready_for_group(g.cohort, wave_to)
    found = (
        exports.results(g.cohort, instrument, wave_from, wave_to, tutor_group_id=group.id)
        if ready
        else None
    )
    return _results_page(
        instrument,
        wave_from,
        wave_to,
        found,
        group=group,
        ready=ready,
        counts=services.response_counts(g.cohort, group.id),
    )


@bp.route("/group-results.csv")
@requires("surveys.group_results")
def group_results_csv(slug: str):
    group = _tutor_group()
    wave_from, wave_to, _, instrument = _results_choice()
    _refuse_same_wave(wave_from, wave_to)
    if not services.results_ready_for_group(g.cohort, wave_to):
        abort(404)
    rows = exports.results_rows(g.cohort, instrument, wave_from, wave_to, tutor_group_id=group.id)
    name = f"{g.cohort.slug}-{instrument.id}-{wave_from}-{wave_to}-your-group.csv"
    return _download(exports.results_csv(rows, exports.why_hidden(g.cohort)), "text/csv", name)


@bp.route("/responses.<any(csv, xlsx):fmt>")
@requires("surveys.results")
def responses_export(slug: str, fmt: str):
    wave = services.waves(g.cohort)[0] if services.waves(g.cohort) else abort(404)
    instrument = services.instrument_of(g.cohort, wave)
    table = exports.response_table(g.cohort, instrument)
    name = f"{g.cohort.slug}-{instrument.id}-responses.{fmt}"
    audit.record(
        "data.exported",
        current_user,
        cohort=g.cohort,
        what="survey responses",
        instrument=instrument.id,
        format=fmt,
    )
    db.session.commit()
    if fmt == "csv":
        return _download(exports.responses_csv(table), "text/csv", name)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(exports.responses_xlsx(table), xlsx, name)


def _download(body, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def survey_helpers() -> dict:
    return {"wave_names": services.WAVE_NAMES, "figure": _figure, "p_value": _p_value}


def _p_value(value) -> str:
    return "–" if value is None else p_text(value)


def _figure(value, places: int = 2, percent: bool = False) -> str:
    if value is None:
        return "–"
    if percent:
        return f"{value:.0%}"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{places}f}"
