"""Cohort-wide figures for the lead's view and the evaluation, with small-cell suppression.

The suppression rule (cohorts are small: 18 trainees, so one person is easy to spot):

1. A count of 1 to 4 is shown as "fewer than 5" (the threshold is MIN_CELL_SIZE, 5 by
   default; the rules are lms.core.disclosure's). Zeros are shown: they say nobody.
2. Where counts add up to a total that is also shown (RAG status, ladder movement, rungs)
   and exactly one count in the set is hidden, the next smallest count is hidden too
   ("not shown"), so the hidden one cannot be worked out by subtraction.
3. A mean (rung, SCIE score) is shown only when it is based on 5 or more initiatives.
4. Barrier and enabler counts are counts of initiatives that tagged each, in any update;
   one initiative can tag many, so they do not add up to a total and rule 2 does not apply.
5. For the evaluation (`lms_evaluation_tables`) only members who consented to evaluation
   use are counted; the lead's working view counts every active trainee.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from statistics import mean

from sqlalchemy import distinct, func, select

from lms.contracts import CodableText, source_ids
from lms.core import disclosure
from lms.core.models import Cohort, Membership
from lms.extensions import db
from lms.plugins.initiatives.models import Initiative, Partner, PartnerView, Update, UpdateTag
from lms.plugins.initiatives.vocab import JIGSAW, LADDER, RAG, tag_name

# The rules and the threshold (MIN_CELL_SIZE) are core's, shared by every output.
HIDDEN = disclosure.HIDDEN


def shown(count: int) -> str:
    return str(disclosure.shown(count))


def suppress_set(counts: list[tuple[str, int]]) -> list[tuple[str, str]]:
    """Rules 1 and 2 for counts that add up to a published total."""
    display = disclosure.suppress_set([count for _, count in counts])
    return [(label, str(cell)) for (label, _), cell in zip(counts, display, strict=True)]


def shown_mean(values: list[int]) -> str:
    if len(values) < disclosure.threshold():
        return f"not shown ({disclosure.fewer()})"
    # Whole numbers: sum / n is the correctly rounded mean, as `statistics.mean` gives,
    # without its exact fractions (a national cohort takes thousands of these values).
    if all(type(value) is int for value in values):
        return f"{sum(values) / len(values):.1f}"
    return f"{mean(values):.1f}"


@dataclass
class Summary:
    trainees: int
    initiatives: int
    with_updates: int
    rag: list[tuple[str, str]] = field(default_factory=list)
    movement: list[tuple[str, str]] = field(default_factory=list)
    rungs: list[tuple[str, str, str]] = field(default_factory=list)
    mean_rung: tuple[str, str] = ("", "")
    jigsaw: list[tuple[str, str, str]] = field(default_factory=list)
    barriers: list[tuple[str, str]] = field(default_factory=list)
    enablers: list[tuple[str, str]] = field(default_factory=list)


def _members_query(cohort: Cohort, consented_only: bool):
    query = select(Membership.id).where(
        Membership.cohort_id == cohort.id,
        Membership.role == "trainee",
        Membership.withdrawn_at.is_(None),
    )
    if consented_only:
        query = query.where(Membership.evaluation_consent.is_(True))
    return query


def cohort_summary(cohort: Cohort, consented_only: bool = False) -> Summary:
    """Aggregates over the cohort's initiatives, suppressed; a fixed number of queries."""
    members = _members_query(cohort, consented_only)
    trainees = db.session.scalar(select(func.count()).select_from(members.subquery()))
    mine = (Initiative.cohort_id == cohort.id, Initiative.membership_id.in_(members))
    initiatives = list(db.session.scalars(select(Initiative.id).where(*mine)))
    # Only the columns the figures read, as rows in each initiative's update order: a
    # national cohort has thousands of updates, and full ORM objects cost 5x as much.
    updates: dict[int, list] = {}
    for row in db.session.execute(
        select(
            Update.initiative_id,
            Update.rag,
            Update.rung,
            *(getattr(Update, piece.key) for piece in JIGSAW),
        )
        .join(Initiative, Initiative.id == Update.initiative_id)
        .where(*mine)
        .order_by(Update.initiative_id, Update.recorded_on, Update.id)
    ):
        updates.setdefault(row.initiative_id, []).append(row)
    histories = [updates[i] for i in initiatives if i in updates]
    summary = Summary(trainees or 0, len(initiatives), len(histories))
    # The first (baseline) and latest update of each initiative, counted in one pass.
    firsts = [u[0] for u in histories]
    lasts = [u[-1] for u in histories]
    lengths = [len(u) for u in histories]

    latest_rag = {key: 0 for key, _ in RAG}
    for last in lasts:
        latest_rag[last.rag] += 1
    summary.rag = suppress_set(
        [(name, latest_rag[key]) for key, name in RAG]
        + [("No update yet", len(initiatives) - len(histories))]
    )

    moved = Counter(
        "baseline" if n == 1 else "up" if b.rung > a.rung else "down" if b.rung < a.rung else "same"
        for a, b, n in zip(firsts, lasts, lengths, strict=True)
    )
    summary.movement = suppress_set(
        [
            ("Moved up the ladder", moved["up"]),
            ("Stayed on the same rung", moved["same"]),
            ("Moved down the ladder", moved["down"]),
            ("Baseline only so far", moved["baseline"]),
        ]
    )
    base_rungs = [u.rung for u in firsts]
    now_rungs = [u.rung for u in lasts]
    at_base, at_now = Counter(base_rungs), Counter(now_rungs)
    base = suppress_set([(r.name, at_base[r.number]) for r in LADDER])
    now = suppress_set([(r.name, at_now[r.number]) for r in LADDER])
    summary.rungs = [
        (f"{rung.number}. {rung.name}", b[1], n[1])
        for rung, b, n in zip(LADDER, base, now, strict=True)
    ]
    summary.mean_rung = (shown_mean(base_rungs), shown_mean(now_rungs))
    summary.jigsaw = [
        (
            piece.name,
            shown_mean([getattr(u, piece.key) for u in firsts]),
            shown_mean([getattr(u, piece.key) for u in lasts]),
        )
        for piece in JIGSAW
    ]
    tags = tag_counts(cohort, members)
    summary.barriers = [(tag_name("barrier", t), shown(n)) for k, t, n in tags if k == "barrier"]
    summary.enablers = [(tag_name("enabler", t), shown(n)) for k, t, n in tags if k == "enabler"]
    return summary


def tag_counts(cohort: Cohort, members) -> list[tuple[str, str, int]]:
    """(kind, tag, number of initiatives that tagged it), most frequent first (in SQL)."""
    initiatives = func.count(distinct(Update.initiative_id))
    rows = db.session.execute(
        select(UpdateTag.kind, UpdateTag.tag, initiatives)
        .join(Update, Update.id == UpdateTag.update_id)
        .join(Initiative, Initiative.id == Update.initiative_id)
        .where(Initiative.cohort_id == cohort.id, Initiative.membership_id.in_(members))
        .group_by(UpdateTag.kind, UpdateTag.tag)
        .order_by(initiatives.desc(), UpdateTag.tag)
    )
    return [(kind, tag, count) for kind, tag, count in rows]


def notes() -> list[str]:
    n = disclosure.threshold()
    return [
        f"Counts of 1 to {n - 1} are shown as '{disclosure.fewer()}'; where that could be "
        f"worked out from a total, the next smallest count is '{HIDDEN}' too.",
        f"Means are shown only when based on {n} or more initiatives.",
        "Only trainees who consented to evaluation use are counted.",
    ]


LADDER_GROUPS = tuple(dict.fromkeys(rung.group for rung in LADDER))


def partners_view(cohort: Cohort) -> list[list[str]]:
    """Where trainees and their partners put the same initiatives on Arnstein's ladder,
    by the ladder's three groups: each trainee's rung at their latest update that a
    partner gave a view of, and each partner's latest view. Consenting trainees' initiatives
    only; partners are counted without names (a view stays after they leave or are erased).
    Each column is suppressed as a set (rules 1 and 2): each adds up to its total."""
    members = _members_query(cohort, consented_only=True)
    rows = db.session.execute(
        select(Partner.id, Partner.initiative_id, Update.id, Update.rung, PartnerView.rung)
        .join(PartnerView, PartnerView.partner_id == Partner.id)
        .join(Update, Update.id == PartnerView.update_id)
        .join(Initiative, Initiative.id == Partner.initiative_id)
        .where(Initiative.cohort_id == cohort.id, Initiative.membership_id.in_(members))
        .order_by(Update.recorded_on, Update.id)
    ).all()
    trainee_latest: dict[int, int] = {}  # initiative -> trainee's rung at the latest viewed
    partner_latest: dict[int, int] = {}  # partner -> their rung at the latest update viewed
    for partner_id, initiative_id, _update_id, trainee_rung, partner_rung in rows:
        trainee_latest[initiative_id] = trainee_rung
        partner_latest[partner_id] = partner_rung
    group_of = {rung.number: rung.group for rung in LADDER}
    trainees = Counter(group_of[r] for r in trainee_latest.values())
    partners = Counter(group_of[r] for r in partner_latest.values())
    by_trainees = suppress_set([(g, trainees[g]) for g in LADDER_GROUPS])
    by_partners = suppress_set([(g, partners[g]) for g in LADDER_GROUPS])
    return [
        [group, t, p]
        for group, (_, t), (_, p) in zip(LADDER_GROUPS, by_trainees, by_partners, strict=True)
    ]


def evaluation_tables(cohort: Cohort) -> list[dict]:
    """The evaluation's view: consented members only, suppressed as in the module rules."""
    summary = cohort_summary(cohort, consented_only=True)
    common = {"section": "initiatives", "suppressed": notes()}
    return [
        {
            **common,
            "key": "initiatives-rag",
            # No counts in a title: a title is never suppressed (the participation table
            # may hide the number who consented).
            "title": "Change initiatives: status now (consenting trainees only)",
            "description": "RAG status of each initiative's latest progress update.",
            "columns": ["Status", "Initiatives"],
            "rows": [list(row) for row in summary.rag],
            "count_columns": ["Initiatives"],
            "chart": {
                "kind": "bar",
                "x": "Status",
                "y": ["Initiatives"],
                "y_label": "Initiatives",
            },
        },
        {
            **common,
            "key": "initiatives-ladder-movement",
            "title": "Participation on Arnstein's ladder: baseline to latest update",
            "description": "Rung at the first (baseline) update compared with the latest.",
            "columns": ["Movement", "Initiatives"],
            "rows": [list(row) for row in summary.movement],
            "count_columns": ["Initiatives"],
            "chart": {"kind": "bar", "x": "Movement", "y": ["Initiatives"]},
        },
        {
            **common,
            "key": "initiatives-ladder-rungs",
            "title": "Initiatives on each rung of Arnstein's ladder",
            "description": "Rungs 1 (manipulation) to 8 (citizen control), baseline and latest.",
            "columns": ["Rung", "Baseline", "Latest update"],
            "rows": [list(row) for row in summary.rungs],
            "count_columns": ["Baseline", "Latest update"],
        },
        {
            **common,
            "key": "initiatives-mean-rung",
            "title": "Mean rung on Arnstein's ladder: baseline to latest update",
            "description": "Mean rung (1 manipulation to 8 citizen control) of initiatives "
            "with a baseline, at the baseline and at the latest update.",
            "columns": ["Measure", "Baseline", "Latest update"],
            "rows": [["Mean rung", summary.mean_rung[0], summary.mean_rung[1]]],
            "chart": {
                "kind": "slope",
                "x": "Measure",
                "y": ["Baseline", "Latest update"],
                "y_label": "Rung (1 to 8)",
                "y_max": 8,
            },
        },
        {
            **common,
            "key": "initiatives-jigsaw",
            "title": "SCIE whole-system jigsaw: mean self-assessment (1 to 4)",
            "description": "Trainees' self-assessment of culture, practice, structure, review.",
            "columns": ["Piece", "Baseline", "Latest update"],
            "rows": [list(row) for row in summary.jigsaw],
            "chart": {
                "kind": "slope",
                "x": "Piece",
                "y": ["Baseline", "Latest update"],
                "y_max": 4,
            },
        },
        {
            **common,
            "key": "initiatives-barriers-enablers",
            "title": "Barriers and enablers: initiatives tagging each",
            "description": "Tags from the curated list chosen in any progress update.",
            "columns": ["Kind", "Tag", "Initiatives"],
            "rows": [["Barrier", name, count] for name, count in summary.barriers]
            + [["Enabler", name, count] for name, count in summary.enablers],
            "count_columns": ["Initiatives"],
        },
        {
            **common,
            "key": "initiatives-partners-view",
            "title": "Participation seen from both sides: trainees and their partners",
            "description": "Where on Arnstein's ladder trainees put their initiative at the "
            "latest update their partners (service users, carers, colleagues) gave a view "
            "of, and where the partners put it. Non-participation is rungs 1-2, tokenism "
            "3-5, citizen power 6-8.",
            "columns": ["Ladder", "Initiatives (trainee's view)", "Partners (their own view)"],
            "rows": partners_view(cohort),
            "count_columns": ["Initiatives (trainee's view)", "Partners (their own view)"],
        },
    ]


def codable_texts(cohort: Cohort, sources=None, reader=None) -> list[CodableText]:
    """What happened, in the words of consenting active trainees' progress updates.

    Updates are append-only, so a source key keeps naming the same words; erasure blanks
    the narrative, and blank text is never returned. One query. A tutor `reader` gets
    only their own group's, as on their board; other members nothing."""
    in_group = []
    if reader is not None and not (reader.role == "lead" and reader.cohort_id == cohort.id):
        if reader.role != "tutor" or reader.cohort_id != cohort.id or not reader.is_active:
            return []
        if reader.tutor_group_id is None:
            return []
        in_group = [Membership.tutor_group_id == reader.tutor_group_id]
    query = (
        select(Update.id, Update.week, Update.narrative, Initiative.membership_id)
        .join(Initiative, Initiative.id == Update.initiative_id)
        .join(Membership, Membership.id == Initiative.membership_id)
        .where(
            Initiative.cohort_id == cohort.id,
            Membership.evaluation_consent.is_(True),
            Membership.withdrawn_at.is_(None),
            Membership.role == "trainee",
            Update.narrative != "",
            *in_group,
        )
        .order_by(Update.recorded_on, Update.id)
    )
    if sources is not None:
        ids = source_ids(sources, "initiatives")
        if not ids:
            return []
        query = query.where(Update.id.in_(ids))
    wanted = None if sources is None else set(sources)
    texts = []
    for update_id, week, narrative, membership_id in db.session.execute(query):
        source = f"initiatives:{update_id}:narrative"
        if not narrative.strip() or (wanted is not None and source not in wanted):
            continue
        when = f", week {week}" if week else ""
        texts.append(
            CodableText(
                source=source,
                kind="initiative",
                label=f"Change initiative progress update{when}: what happened",
                text=narrative,
                membership_id=membership_id,
                week=week,
            )
        )
    return texts
