"""Domain logic for change initiatives: plain functions over models, no request objects.

Object-level permissions live here too: `can_view` says whether a member may see an
initiative (their own; their tutor group's; the whole cohort for a lead).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from lms.core.cohorts import active_members, schedule_of
from lms.core.curriculum_loader import programme
from lms.core.models import Cohort, Membership, User
from lms.extensions import db
from lms.plugins.initiatives.models import Comment, Initiative, Milestone, Update, UpdateTag
from lms.plugins.initiatives.vocab import JIGSAW, RAG_NAMES, RUNGS, TAG_NAMES

# Longest text accepted per field: generous for real writing, small enough that a pasted
# book does not end up in the database.
LIMITS = {
    "title": 200,
    "organisation": 200,
    "service": 200,
    "problem": 5000,
    "aim": 5000,
    "roles": 1000,
    "evidence": 5000,
    "rag_reason": 2000,
    "narrative": 10000,
    "other_barriers": 500,
    "other_enablers": 500,
    "next_steps": 5000,
    "comment": 5000,
    "milestone": 200,
}
MAX_PEOPLE = 100_000


class InitiativeProblems(ValueError):
    """Every problem with what was entered, as (field, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(message for _, message in problems))


def _raise_if(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise InitiativeProblems(problems)


def _too_long(details, names, problems) -> None:
    for name in names:
        if len(getattr(details, name) or "") > LIMITS[name]:
            problems.append((name, f"Must be {LIMITS[name]:,} characters or fewer"))


# -- the record -------------------------------------------------------------------------


@dataclass
class InitiativeDetails:
    title: str
    planned_start: date
    planned_end: date
    organisation: str = ""
    service: str = ""
    problem: str = ""
    aim: str = ""
    service_users: int = 0
    carers: int = 0
    staff: int = 0
    partners: int = 0
    roles: str = ""
    evidence: str = ""


TEXT_FIELDS = ("title", "organisation", "service", "problem", "aim", "roles", "evidence")
COUNT_FIELDS = ("service_users", "carers", "staff", "partners")


def initiative_of(membership: Membership, with_updates: bool = False) -> Initiative | None:
    """The member's initiative; `with_updates` loads its few updates in the same query."""
    query = select(Initiative).where(Initiative.membership_id == membership.id)
    if with_updates:
        query = query.options(joinedload(Initiative.updates))
    return db.session.execute(query).unique().scalar_one_or_none()


def save_initiative(membership: Membership, details: InitiativeDetails) -> Initiative:
    """Create or change the member's initiative; raise `InitiativeProblems` if invalid."""
    problems: list[tuple[str, str]] = []
    if not details.title.strip():
        problems.append(("title", "Enter a title for your initiative"))
    _too_long(details, TEXT_FIELDS, problems)
    for name in COUNT_FIELDS:
        if not 0 <= getattr(details, name) <= MAX_PEOPLE:
            problems.append((name, f"Enter a number between 0 and {MAX_PEOPLE:,}"))
    if details.planned_end < details.planned_start:
        problems.append(("planned_end", "The planned end must be on or after the planned start"))
    initiative = initiative_of(membership)
    if initiative is not None:
        early = [m for m in initiative.milestones if m.due_on < details.planned_start]
        if early:
            problems.append(
                (
                    "planned_start",
                    f"The milestone ‘{early[0].title}’ is due on {early[0].due_on:%-d %B %Y}, "
                    "before this start date",
                )
            )
    _raise_if(problems)
    if initiative is None:
        initiative = Initiative(membership=membership, cohort_id=membership.cohort_id)
        db.session.add(initiative)
    for name in TEXT_FIELDS:
        setattr(initiative, name, getattr(details, name).strip())
    for name in (*COUNT_FIELDS, "planned_start", "planned_end"):
        setattr(initiative, name, getattr(details, name))
    db.session.flush()
    return initiative


def add_milestone(initiative: Initiative, title: str, due_on: date) -> Milestone:
    problems: list[tuple[str, str]] = []
    if not title.strip():
        problems.append(("title", "Enter what the milestone is"))
    elif len(title) > LIMITS["milestone"]:
        problems.append(("title", f"Must be {LIMITS['milestone']} characters or fewer"))
    if due_on < initiative.planned_start:
        problems.append(
            (
                "due_on",
                "The due date must be on or after the initiative starts "
                f"({initiative.planned_start:%-d %B %Y})",
            )
        )
    _raise_if(problems)
    milestone = Milestone(initiative=initiative, title=title.strip(), due_on=due_on)
    db.session.add(milestone)
    db.session.flush()
    return milestone


def complete_milestone(milestone: Milestone, done_on: date, today: date) -> None:
    if done_on > today:
        raise InitiativeProblems([("done_on", "The date it was done cannot be in the future")])
    if done_on < milestone.initiative.planned_start:
        raise InitiativeProblems(
            [("done_on", "The date it was done must be on or after the initiative started")]
        )
    milestone.done_on = done_on
    db.session.flush()


# -- progress updates ---------------------------------------------------------------------


@dataclass
class UpdateDetails:
    recorded_on: date
    rag: str
    rag_reason: str
    rung: int
    scores: dict[str, int]
    narrative: str = ""
    barriers: list[str] = field(default_factory=list)
    enablers: list[str] = field(default_factory=list)
    other_barriers: str = ""
    other_enablers: str = ""
    next_steps: str = ""


UPDATE_TEXT = ("rag_reason", "narrative", "other_barriers", "other_enablers", "next_steps")


def add_update(initiative: Initiative, details: UpdateDetails, today: date) -> Update:
    """Append a progress update (the first is the baseline). Never edits an earlier one."""
    problems: list[tuple[str, str]] = []
    cohort: Cohort = initiative.membership.cohort
    if details.recorded_on > today:
        problems.append(("recorded_on", "The date of the update cannot be in the future"))
    elif details.recorded_on < cohort.start_date:
        problems.append(
            (
                "recorded_on",
                f"The date must be on or after the cohort started ({cohort.start_date:%-d %B %Y})",
            )
        )
    elif initiative.updates and details.recorded_on < initiative.updates[-1].recorded_on:
        last = initiative.updates[-1].recorded_on
        problems.append(
            ("recorded_on", f"The date must be on or after your last update ({last:%-d %B %Y})")
        )
    if details.rag not in RAG_NAMES:
        problems.append(("rag", "Select whether the initiative is on track, at risk or off track"))
    if not details.rag_reason.strip():
        problems.append(("rag_reason", "Say why you chose this status"))
    if details.rung not in RUNGS:
        problems.append(("rung", "Select a rung of the ladder from 1 to 8"))
    for piece in JIGSAW:
        if details.scores.get(piece.key) not in (1, 2, 3, 4):
            problems.append((piece.key, f"Give {piece.name.lower()} a score from 1 to 4"))
    for kind, chosen in (("barrier", details.barriers), ("enabler", details.enablers)):
        unknown = [tag for tag in chosen if tag not in TAG_NAMES[kind]]
        if unknown:
            problems.append((f"{kind}s", f"Choose {kind}s from the list, or use ‘other’"))
    _too_long(details, UPDATE_TEXT, problems)
    _raise_if(problems)
    update = Update(
        initiative=initiative,
        recorded_on=details.recorded_on,
        week=course_week(cohort, details.recorded_on),
        rag=details.rag,
        rung=details.rung,
        **{piece.key: details.scores[piece.key] for piece in JIGSAW},
        **{name: getattr(details, name).strip() for name in UPDATE_TEXT},
    )
    update.tags = [UpdateTag(kind="barrier", tag=tag) for tag in sorted(set(details.barriers))] + [
        UpdateTag(kind="enabler", tag=tag) for tag in sorted(set(details.enablers))
    ]
    db.session.add(update)
    db.session.flush()
    return update


def add_comment(update: Update, author: User, body: str) -> Comment:
    if not body.strip():
        raise InitiativeProblems([("body", "Enter a comment")])
    if len(body) > LIMITS["comment"]:
        raise InitiativeProblems([("body", f"Must be {LIMITS['comment']:,} characters or fewer")])
    comment = Comment(update_id=update.id, author_id=author.id, body=body.strip())
    db.session.add(comment)
    db.session.flush()
    return comment


def course_week(cohort: Cohort, day: date) -> int | None:
    position = schedule_of(cohort).position(day)
    return position.week or None


@dataclass(frozen=True)
class Since:
    rag: str
    week: int | None
    day: date


def status_since(updates: list[Update]) -> Since | None:
    """The current RAG status and when it began ("at risk since week 12")."""
    if not updates:
        return None
    start = updates[-1]
    for update in reversed(updates):
        if update.rag != start.rag:
            break
        start = update
    return Since(start.rag, start.week, start.recorded_on)


def weeks_held(cohort: Cohort, since: Since | None, today: date) -> list[int]:
    """The course weeks the current status has held: from its first week to this week."""
    if since is None or since.week is None:
        return []
    now = schedule_of(cohort).position(today).week
    return list(range(since.week, max(now, since.week) + 1))


@dataclass(frozen=True)
class Event:
    day: date
    kind: str  # update | milestone done | milestone due
    item: Update | Milestone


def timeline(initiative: Initiative) -> list[Event]:
    """Updates and milestones in one story, newest first."""
    events = [Event(u.recorded_on, "update", u) for u in initiative.updates]
    for milestone in initiative.milestones:
        if milestone.done_on is not None:
            events.append(Event(milestone.done_on, "milestone done", milestone))
        else:
            events.append(Event(milestone.due_on, "milestone due", milestone))
    return sorted(events, key=lambda e: (e.day, e.kind == "update", e.item.id), reverse=True)


# -- who may see what ---------------------------------------------------------------------


def can_view(user: User, viewer: Membership | None, initiative: Initiative) -> bool:
    """Own initiative; a tutor's own group; any in the cohort for its lead; admins all."""
    if user.is_admin:
        return True
    if viewer is None or not viewer.is_active or viewer.cohort_id != initiative.cohort_id:
        return False
    if viewer.role == "lead":
        return True
    owner = initiative.membership
    if viewer.role == "tutor":
        return viewer.tutor_group_id is not None and owner.tutor_group_id == viewer.tutor_group_id
    return owner.id == viewer.id


def visible_initiative(
    cohort: Cohort, initiative_id: int, user: User, viewer: Membership | None
) -> Initiative | None:
    """The initiative if `user` may see it, with its history loaded; else None (a 404)."""
    initiative = db.session.scalar(
        select(Initiative)
        .where(Initiative.id == initiative_id, Initiative.cohort_id == cohort.id)
        .options(
            selectinload(Initiative.membership).selectinload(Membership.user),
            selectinload(Initiative.milestones),
            selectinload(Initiative.updates).selectinload(Update.tags),
            selectinload(Initiative.updates)
            .selectinload(Update.comments)
            .selectinload(Comment.author),
        )
    )
    if initiative is None or not can_view(user, viewer, initiative):
        return None
    return initiative


def viewable_group_id(viewer: Membership | None, user: User) -> int | None:
    """The tutor group a board shows: a tutor's own; None (all) for leads and admins."""
    if viewer is not None and viewer.role == "tutor" and not user.is_admin:
        return viewer.tutor_group_id if viewer.tutor_group_id is not None else -1
    return None


# -- schedule of updates and the board ---------------------------------------------------


def due_weeks(cohort: Cohort) -> tuple[int | None, list[int]]:
    """The week the plan is due and the weeks a progress update is due, from the curriculum."""
    plan_week, update_weeks = None, []
    for week in programme(cohort.programme).weeks:
        items = [item.lower() for item in week.due]
        if any("change initiative plan" in item for item in items):
            plan_week = week.number
        if any(
            "initiative progress update" in item or "initiative review" in item for item in items
        ):
            update_weeks.append(week.number)
    return plan_week, update_weeks


def update_window(schedule, week: int, weeks: list[int]) -> tuple[date, date]:
    """An update counts for a due week if recorded in the fortnight before its session or
    any time up to the next due week's window: [start, end)."""
    start = schedule.session_date(week) - timedelta(days=14)
    later = [w for w in weeks if w > week]
    end = schedule.session_date(later[0]) - timedelta(days=14) if later else date.max
    return start, end


def update_done_for(cohort: Cohort, updates: list[Update], week: int, weeks: list[int]) -> bool:
    start, end = update_window(schedule_of(cohort), week, weeks)
    return any(start <= update.recorded_on < end for update in updates)


def due_date(cohort: Cohort, week: int, schedule=None) -> date:
    days = programme(cohort.programme).week(week).reflection_due_days
    return (schedule or schedule_of(cohort)).session_date(week) + timedelta(days=days)


@dataclass(frozen=True)
class UpdateDue:
    """The latest due week whose update date has passed, and when an update counts for it."""

    week: int
    start: date
    end: date

    def done_by(self, updates: list[Update]) -> bool:
        return any(self.start <= update.recorded_on < self.end for update in updates)


def last_update_due(cohort: Cohort, today: date) -> UpdateDue | None:
    """Worked out once per cohort: the board asks it of every trainee."""
    _, weeks = due_weeks(cohort)
    schedule = schedule_of(cohort)
    past = [w for w in weeks if due_date(cohort, w, schedule) < today]
    if not past:
        return None
    return UpdateDue(past[-1], *update_window(schedule, past[-1], weeks))


def overdue_update_week(cohort: Cohort, updates: list[Update], today: date) -> int | None:
    """The latest due week whose update is overdue, if any."""
    due = last_update_due(cohort, today)
    return due.week if due is not None and not due.done_by(updates) else None


@dataclass
class BoardRow:
    membership: Membership
    initiative: Initiative | None
    baseline: Update | None
    latest: Update | None
    since: Since | None
    overdue_milestones: list[Milestone]
    overdue_update_week: int | None
    stuck_reasons: list[str]

    @property
    def stuck(self) -> bool:
        return bool(self.stuck_reasons)


def board(cohort: Cohort, group_id: int | None, today: date, stuck_weeks: int) -> list[BoardRow]:
    """One row per active trainee (of a tutor group, or all), in a fixed number of queries."""
    members = active_members(cohort, role="trainee", group_id=group_id)
    plan_week, _ = due_weeks(cohort)
    plan_overdue = plan_week is not None and due_date(cohort, plan_week) < today
    update_due = last_update_due(cohort, today)
    initiatives = {
        initiative.membership_id: initiative
        for initiative in db.session.scalars(
            select(Initiative)
            .where(Initiative.cohort_id == cohort.id)
            .where(Initiative.membership_id.in_([m.id for m in members]))
            .options(
                selectinload(Initiative.milestones),
                # Only what the board shows of each update; anything else raises
                # rather than loading row by row.
                selectinload(Initiative.updates).load_only(
                    Update.recorded_on, Update.week, Update.rag, Update.rung, raiseload=True
                ),
            )
        )
    }
    rows = []
    for member in members:
        initiative = initiatives.get(member.id)
        updates = initiative.updates if initiative else []
        reasons = []
        latest = updates[-1] if updates else None
        if initiative is None and plan_overdue:
            reasons.append("No initiative recorded")
        if latest is not None and latest.rag == "red":
            reasons.append("Off track")
        last_day = latest.recorded_on if latest else None
        if initiative is not None and last_day is None:
            last_day = initiative.created_at.date()
        if last_day is not None and (today - last_day).days > stuck_weeks * 7:
            reasons.append(f"No update for {(today - last_day).days // 7} weeks")
        overdue_week = update_due.week if update_due and not update_due.done_by(updates) else None
        rows.append(
            BoardRow(
                membership=member,
                initiative=initiative,
                baseline=updates[0] if updates else None,
                latest=latest,
                since=status_since(updates),
                overdue_milestones=[
                    m for m in (initiative.milestones if initiative else []) if m.is_overdue(today)
                ],
                overdue_update_week=overdue_week,
                stuck_reasons=reasons,
            )
        )
    return rows
