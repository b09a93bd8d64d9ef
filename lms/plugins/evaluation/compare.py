"""Cohorts side by side: the same suppressed figures as each cohort's dashboard."""

from __future__ import annotations

from sqlalchemy import select

from lms.core import disclosure as s
from lms.core.models import Cohort, Membership
from lms.core.permissions import roles_granted
from lms.extensions import db
from lms.plugins.evaluation import figures


def comparable_cohorts(user) -> list[Cohort]:
    """The cohorts whose evaluation `user` may see (as a lead; admins: all), newest first."""
    query = select(Cohort).order_by(Cohort.start_date.desc(), Cohort.name)
    if not user.is_admin:
        query = query.where(
            Cohort.id.in_(
                select(Membership.cohort_id).where(
                    Membership.user_id == user.id,
                    Membership.role.in_(roles_granted("evaluation.view")),
                    Membership.withdrawn_at.is_(None),
                )
            )
        )
    return list(db.session.scalars(query))


def comparison(cohorts: list[Cohort]) -> list[list]:
    """Rows of [measure, figure for each cohort]: participation (one query for all of
    them) and each cohort's overall reflection submission rate."""
    counts = figures.participation_counts([c.id for c in cohorts])
    rows: dict[str, list] = {}
    for index, cohort in enumerate(cohorts):
        tables = figures.participation_tables(counts[cohort.id])
        measures = [(row[0], row[1]) for row in tables[0].rows]
        measures += [(f"Sector: {row[0]}", row[1]) for row in tables[1].rows]
        measures += [(f"Lived experience: {row[0]}", row[1]) for row in tables[3].rows]
        measures.append(("Reflections submitted, all weeks so far (%)", _overall_rate(cohort)))
        for measure, value in measures:
            rows.setdefault(measure, [measure] + [""] * len(cohorts))[index + 1] = value
    return list(rows.values())


def _overall_rate(cohort: Cohort):
    report = figures.Report(cohort, None)
    tables = figures.engagement_tables(cohort, report)
    if not tables:
        return "not available"
    totals = tables[0].totals
    if totals["people"] < s.threshold():
        return s.fewer()
    return s.rate(totals["submitted"], totals["open"])
