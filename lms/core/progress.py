"""What each role sees of progress: a trainee's weeks, a tutor group's grid.

Plugins supply the substance through hooks (`lms_week_tasks` and its batched form
`lms_member_tasks`, `lms_member_week_statuses`); this module arranges it by course week."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from itertools import product, repeat

from flask import current_app

from lms.contracts import Task
from lms.core.cohorts import active_members, schedule_of
from lms.core.curriculum_loader import programme
from lms.core.models import Cohort, Membership, TutorGroup
from lms.core.schedule import Schedule

BEHIND = frozenset({"overdue"})


def _manager():
    return current_app.extensions["lms"]


def schedule_rows(schedule: Schedule) -> list[dict]:
    """Course weeks and breaks in date order, for the schedule table."""
    rows: list[dict] = []
    pending_breaks = list(schedule.break_weeks)
    for number, session in enumerate(schedule.session_dates, start=1):
        while pending_breaks and pending_breaks[0] < session:
            rows.append({"kind": "break", "date": pending_breaks.pop(0)})
        rows.append({"kind": "week", "number": number, "date": session})
    return rows


def session_details(cohort: Cohort, weeks) -> dict:
    """``{week: SessionDetails}`` of the weeks whose session has a time and place (from
    the plugin that keeps them, hook `lms_session_details`); {} without one."""
    found = (_manager().hook.lms_session_details(cohorts=[cohort]) or {}).get(cohort.id, {})
    return {week: found[week] for week in weeks if week in found}


def usual_place(sessions: dict) -> str | None:
    """Where most sessions happen (the schedule names it once, then only the others)."""
    places = Counter(session.place_text for session in sessions.values())
    return places.most_common(1)[0][0] if places else None


def week_tasks(membership: Membership, week: int) -> list[Task]:
    return _manager().results("lms_week_tasks", membership=membership, week=week)


def member_tasks(membership: Membership, weeks: list[int]) -> dict[int, list[Task]]:
    """Tasks of many weeks at once: each plugin's `lms_member_tasks` if it has one (a
    fixed number of queries), else its `lms_week_tasks` week by week. Plugins are asked
    in the order `lms_week_tasks` calls them, so each week lists its tasks as before."""
    manager = _manager()
    batched = {impl.plugin_name: impl for impl in manager.hook.lms_member_tasks.get_hookimpls()}
    # pluggy calls the most recently registered implementation first.
    single = list(reversed(manager.hook.lms_week_tasks.get_hookimpls()))
    names = [impl.plugin_name for impl in single]
    names += [name for name in reversed(list(batched)) if name not in names]
    by_week = {impl.plugin_name: impl for impl in single}
    tasks: dict[int, list[Task]] = {week: [] for week in weeks}
    for name in names:
        if name in batched:
            found = batched[name].function(membership=membership, weeks=list(weeks)) or {}
            for week in weeks:
                tasks[week].extend(found.get(week) or [])
        else:
            for week in weeks:
                tasks[week].extend(by_week[name].function(membership=membership, week=week) or [])
    return tasks


@dataclass
class WeekProgress:
    number: int
    title: str
    session_date: date
    tasks: list[Task] = field(default_factory=list)
    is_current: bool = False

    @property
    def status(self) -> str:
        """One status for the week: the least finished of its tasks."""
        if not self.tasks:
            return "no tasks"
        order = ["overdue", "due", "to do", "not yet open", "closed", "done", "reviewed"]
        return min(
            (task.status for task in self.tasks), key=lambda s: order.index(s) if s in order else 0
        )


def trainee_progress(membership: Membership, today: date) -> list[WeekProgress]:
    cohort = membership.cohort
    course = programme(cohort.programme)
    schedule = schedule_of(cohort)
    position = schedule.position(today)
    numbers = list(range(1, course.number_of_weeks + 1))
    tasks = member_tasks(membership, numbers)
    weeks = []
    for number in numbers:
        weeks.append(
            WeekProgress(
                number=number,
                title=course.week(number).title,
                session_date=schedule.session_date(number),
                tasks=tasks[number],
                is_current=position.kind == "week" and position.week == number,
            )
        )
    return weeks


@dataclass
class GroupGrid:
    members: list[Membership]
    weeks: list[int]
    layers: list[dict]  # each {"title": str, "statuses": {(membership_id, week): status}}

    def rows(self, layer: dict) -> list[tuple[Membership, int, list[str]]]:
        """Each member, the weeks they are behind, and the layer's status week by week."""
        position = next(i for i, each in enumerate(self.layers) if each is layer)
        return [
            (m, self.behind(m), statuses)
            for m, statuses in zip(self.members, self._by_layer[position], strict=True)
        ]

    def distinct(self, rows) -> list[str]:
        """The few statuses that fill a layer's hundreds of cells."""
        return sorted({status for _, _, statuses in rows for status in statuses})

    def behind(self, membership: Membership) -> int:
        row = self._row_of[membership.id]
        return sum(status in BEHIND for layer in self._by_layer for status in layer[row])

    @cached_property
    def _by_layer(self) -> list[list[list[str]]]:
        """Per layer, per member, the status of each week. A grid is hundreds of cells:
        each is read once (map over product, not a loop per cell), for the table, the
        "behind" counts and the dashboard alike."""
        return [
            [
                list(map(layer["statuses"].get, product((m.id,), self.weeks), repeat("missing")))
                for m in self.members
            ]
            for layer in self.layers
        ]

    @cached_property
    def _row_of(self) -> dict[int, int]:
        return {m.id: i for i, m in enumerate(self.members)}


def group_grid(cohort: Cohort, group: TutorGroup | None, today: date) -> GroupGrid:
    """Trainees of a group (or the whole cohort) against the weeks taught so far."""
    members = active_members(cohort, role="trainee", group_id=group.id if group else None)
    position = schedule_of(cohort).position(today)
    last = max(position.week, 0)
    weeks = list(range(1, last + 1))
    layers = [
        layer
        for layer in _manager().hook.lms_member_week_statuses(
            cohort=cohort, members=members, weeks=weeks
        )
        if layer
    ]
    return GroupGrid(members, weeks, layers)
