"""What the evaluation reads from the surveys: the headline tables (hook
`lms_evaluation_tables`) and consenting members' free-text answers (hook
`lms_codable_texts`)."""

from __future__ import annotations

from sqlalchemy import select

from lms.contracts import CodableText, source_ids
from lms.core.curriculum_loader import programme
from lms.core.models import Cohort, Membership
from lms.extensions import db
from lms.plugins.surveys import analysis, exports, services
from lms.plugins.surveys.models import SurveyAnswer, SurveyResponse


def evaluation_tables(cohort: Cohort) -> list[dict]:
    """Paired pre → post change for the scale and each item, suppressed like the page."""
    names = [wave.wave for wave in services.waves(cohort)]
    if "pre" not in names or "post" not in names:
        return []
    instrument = services.instrument_of(cohort, services.find_wave(cohort, "pre"))
    hidden = f"Fewer than {services.min_cell_size()} responses"
    rows = []
    for row in exports.results_rows(cohort, instrument, "pre", "post"):
        r = row.result
        label = (
            "Confidence scale score"
            if row.item_id == analysis.SCALE_ID
            else instrument.items_by_id[row.item_id].wording
        )
        if r.suppressed:
            rows.append([label, hidden, "", "", "", "", "", "", ""])
            continue
        # Raw numbers: the evaluation formats them (`formats`) for pages and documents.
        rows.append(
            [
                label,
                r.n_paired,
                *(
                    "" if v is None else v
                    for v in (
                        r.pre_mean,
                        r.post_mean,
                        r.mean_change,
                        r.ci95_low,
                        r.ci95_high,
                        r.p_value,
                        r.rank_biserial,
                    )
                ),
            ]
        )
    rows.sort(key=lambda row: row[0] != "Confidence scale score")
    minimum = services.min_cell_size()
    decimals = ["Mean at start", "Mean at end", "Mean change", "95% CI from", "95% CI to"]
    return [
        {
            "key": "confidence-change",
            "section": "confidence",
            "title": f"{instrument.title}: change from the start to the end (paired)",
            "description": (
                "Mean answers of the same people at the start and at the end of the programme "
                "(paired), with the mean change, its 95% confidence interval, a Wilcoxon "
                "signed-rank test and the rank-biserial correlation."
            ),
            "columns": [
                "Measure",
                "People paired",
                *decimals,
                "p (Wilcoxon)",
                "Rank-biserial r",
            ],
            "rows": rows,
            "count_columns": ["People paired"],
            "formats": {
                "People paired": "count",
                **dict.fromkeys(decimals, "decimal2"),
                "p (Wilcoxon)": "p",
                "Rank-biserial r": "decimal2",
            },
            "chart": {
                "kind": "slope",
                "x": "Measure",
                "y": ["Mean at start", "Mean at end"],
                "y_label": "Mean answer",
            },
            "suppressed": [
                f"A measure answered by fewer than {minimum} people at both the start and the "
                "end is not shown.",
                "Only members who consented to evaluation use are counted."
                if services.consent_required()
                else "Every member who answered both waves is counted.",
            ],
            "method": [
                "Pre and post survey answers are paired by person: only people who answered "
                "both the start (pre) and the end (post) survey are compared, each with "
                "themselves; anyone who answered only one is left out.",
                "A person's scale score is the mean of their answers to the scale's items, "
                f"counted only when they answered at least {analysis.SCALE_MIN_ANSWERED:.0%} "
                "of those items.",
                "Change is the mean at the end minus the mean at the start, over the same "
                "people: a positive change means higher answers at the end. Its 95% "
                "confidence interval uses the t distribution.",
                "The p-value is from the Wilcoxon signed-rank test (two-sided), which asks "
                "whether the changes lean one way more than chance would give; a p-value "
                "below 0.001 is shown as <0.001. The rank-biserial correlation (from -1 to 1) "
                "is the size of the change: the share of ranked changes that were rises "
                "minus the share that were falls.",
            ],
        }
    ]


def codable_texts(cohort: Cohort, sources=None, reader=None) -> list[CodableText]:
    """Free-text answers of submitted responses by consenting active trainees (one query).

    Only for the figures and the cohort's lead (`reader`): tutors see group figures of
    surveys, never anyone's answers, so they get none here either.

    Consent is always required here, whatever `SURVEYS_REQUIRE_CONSENT` says: this is
    the person's own words, not a figure. An erased member's responses have no
    membership (and their free text was deleted), so they never appear."""
    if reader is not None and not (reader.role == "lead" and reader.cohort_id == cohort.id):
        return []
    query = (
        select(SurveyAnswer.id, SurveyAnswer.item_id, SurveyAnswer.text)
        .add_columns(SurveyResponse.membership_id, SurveyResponse.instrument, SurveyResponse.wave)
        .join(SurveyAnswer.response)
        .join(Membership, Membership.id == SurveyResponse.membership_id)
        .where(
            SurveyResponse.cohort_id == cohort.id,
            SurveyResponse.submitted_at.is_not(None),
            SurveyAnswer.text.is_not(None),
            Membership.evaluation_consent.is_(True),
            Membership.withdrawn_at.is_(None),
            Membership.role == "trainee",
        )
        .order_by(SurveyAnswer.id)
    )
    if sources is not None:
        ids = source_ids(sources, "surveys")
        if not ids:
            return []
        query = query.where(SurveyAnswer.id.in_(ids))
    wanted = None if sources is None else set(sources)
    instruments = programme(cohort.programme).instruments
    waves = {wave.wave: wave for wave in services.waves(cohort)}
    texts = []
    for answer_id, item_id, text, membership_id, instrument_id, wave in db.session.execute(query):
        source = f"surveys:{answer_id}:{item_id}"
        if not text.strip() or (wanted is not None and source not in wanted):
            continue
        instrument = instruments.get(instrument_id)
        item = instrument.items_by_id.get(item_id) if instrument else None
        wave_name = services.WAVE_NAMES.get(wave, wave).lower()
        texts.append(
            CodableText(
                source=source,
                kind="survey",
                label=f"{item.wording if item else item_id} (survey: {wave_name})",
                text=text,
                membership_id=membership_id,
                week=waves[wave].opens_week if wave in waves else None,
            )
        )
    return texts
