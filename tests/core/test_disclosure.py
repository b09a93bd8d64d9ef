"""Disclosure control across breakdowns: the cells released by every breakdown of the
same answers are decided together, and no group of 1 to 4 people can be worked out by
adding and subtracting them. Proved here by solving the incidence system person by
person (a different method from the one the module uses)."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from lms.core import disclosure
from lms.plugins.surveys import analysis

ITEMS = ["q1", "q2"]


def record(key: str, sector: str, group: str, area: str, pre: int, post: int):
    groups = {"sector": sector, "tutor_group": group, "area": area}
    return [
        analysis.Record(key, "pre", {"q1": pre, "q2": pre}, groups),
        analysis.Record(key, "post", {"q1": post, "q2": post}, groups),
    ]


def released_cells(records, releasable) -> list[frozenset[str]]:
    """Every cell any breakdown shows figures for, as the set of people it describes."""
    keys = sorted({r.key for r in records})
    answers = analysis.Answers.from_records(records, ITEMS)
    cells = set()
    for by in (None, "sector", "tutor_group", "area"):
        rows = analysis.results(answers, ITEMS, ITEMS, by=by, min_cell=5, releasable=releasable)
        for row in rows:
            if row.result.suppressed or row.item_id != "q1":
                continue
            if by is None:
                cells.add(frozenset(keys))
                continue
            members = {r.key for r in records if r.groups[by] == row.group}
            assert len(members) == row.result.n_paired  # the figure is about these people
            cells.add(frozenset(members))
    return sorted(cells, key=sorted)


def recoverable_groups(cells, people, largest: int = 4) -> list[tuple[str, ...]]:
    """Groups of 1..largest people whose own total is a combination of the cells' totals:
    their indicator vector lies in the row space of the cell-by-person matrix."""
    people = sorted(people)
    matrix = np.array([[p in cell for p in people] for cell in cells], dtype=float)
    found = []
    for size in range(1, largest + 1):
        for group in itertools.combinations(range(len(people)), size):
            target = np.zeros(len(people))
            target[list(group)] = 1
            solution, *_ = np.linalg.lstsq(matrix.T, target, rcond=None)
            if np.allclose(matrix.T @ solution, target, atol=1e-8):
                found.append(tuple(people[i] for i in group))
    return found


def charity_member_in_group_two() -> list:
    """The issue's attack: tutor group G2 is the voluntary sector plus one charity member."""
    records = []
    for i in range(6):
        records += record(f"v{i}", "voluntary", "G2", "Belfast", 2, 3 + i % 2)
    records += record("lone", "charity", "G2", "Derry", 1, 5)
    for i in range(6):
        records += record(f"s{i}", "statutory", "G1", "Belfast" if i < 3 else "Derry", 3, 4)
    for i in range(5):
        records += record(f"c{i}", "charity", "G1", "Derry", 2, 2)
    return records


def test_per_breakdown_suppression_gave_away_one_member():
    records = charity_member_in_group_two()
    # Each breakdown decided alone (as before): every cell has 5 or more people...
    cells = released_cells(records, releasable=None)
    # ...yet G2 minus the voluntary sector is the lone charity member.
    assert ("lone",) in recoverable_groups(cells, {r.key for r in records})


def test_cells_decided_together_leave_no_small_group_recoverable():
    records = charity_member_in_group_two()
    cells = released_cells(records, releasable=disclosure.releasable)
    assert recoverable_groups(cells, {r.key for r in records}) == []
    # Still as much as can be shown: the whole cohort and the sectors survive.
    assert frozenset(r.key for r in records) in cells
    assert frozenset(f"v{i}" for i in range(6)) in cells


@pytest.mark.parametrize("seed", range(8))
def test_random_overlapping_breakdowns_never_release_a_small_group(seed):
    rng = random.Random(seed)
    records = []
    for i in range(rng.randint(12, 18)):
        records += record(
            f"m{i}",
            rng.choice(["statutory", "voluntary", "charity"]),
            rng.choice(["G1", "G2", "G3"]),
            rng.choice(["Belfast", "Derry"]),
            rng.randint(1, 5),
            rng.randint(1, 5),
        )
    cells = released_cells(records, releasable=disclosure.releasable)
    assert recoverable_groups(cells, {r.key for r in records}) == []


def test_the_safety_check_sees_what_subtraction_gives():
    everyone = frozenset(range(12))
    group = frozenset(range(6))
    assert disclosure.is_safe([everyone, group], 5)  # 6 and 6
    assert not disclosure.is_safe([everyone, frozenset(range(8))], 5)  # 12 - 8 = 4
    # Two overlapping cells of 6: their difference is about 2 and 2 people.
    assert not disclosure.is_safe([frozenset(range(6)), frozenset(range(2, 8))], 5)
    # Decided in order: the first cell wins, the one that would give people away is not.
    assert disclosure.releasable([everyone, frozenset(range(8)), group], 5) == [
        True,
        False,
        True,
    ]


@pytest.mark.parametrize(
    ("part", "total", "expected"),
    [
        (18, 20, disclosure.HIDDEN),  # two who did not answer would show through
        (15, 20, 15),
        (20, 20, 20),
        (0, 20, 0),
        (3, 20, "fewer than 5"),
        (4, 4, "fewer than 5"),  # the total itself is too small
    ],
)
def test_a_count_out_of_a_total_hides_a_small_complement(app, part, total, expected):
    assert disclosure.shown_with_complement(part, total) == expected


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(19, 20, disclosure.HIDDEN), (15, 20, 75.0), (20, 20, 100.0), (4, 20, "fewer than 5")],
)
def test_a_rate_is_hidden_when_the_people_it_leaves_out_are_few(
    app, numerator, denominator, expected
):
    assert disclosure.rate(numerator, denominator) == expected
