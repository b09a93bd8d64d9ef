"""Small-cell suppression (disclosure control), in core so every output can use one rule.

Cohorts are small (18 trainees in the published one), so one person is easy to spot:

1. A count of 1 to 4 people is shown as "fewer than 5". Zeros are shown (they say
   nobody), except in a table whose whole total is below 5: there every cell is hidden.
2. Where counts partition a total shown in the same table and exactly one of them is
   hidden, the next smallest is hidden too ("not shown"), so subtraction cannot
   recover it.
3. A rate or mean is shown only when it rests on 5 or more people (numerator and
   denominator for a rate), and a rate only when the people it leaves out number 0 or
   5 or more (95% of 20 would say one person did not).

The threshold is the `MIN_CELL_SIZE` setting (default 5). Every plugin hands its counts to
this module; none decides suppression itself. Pseudonyms for exports live here too.
"""

from __future__ import annotations

from flask import current_app

DEFAULT_MIN_CELL_SIZE = 5
HIDDEN = "not shown"


def threshold() -> int:
    return int(current_app.config.get("MIN_CELL_SIZE", DEFAULT_MIN_CELL_SIZE))


def fewer() -> str:
    return f"fewer than {threshold()}"


def is_hidden(cell) -> bool:
    # Plugins word it their own way ("Fewer than 5 responses"): match any case.
    return isinstance(cell, str) and (cell.lower().startswith("fewer than") or cell == HIDDEN)


def shown(count: int) -> int | str:
    """Rule 1 for one count."""
    return fewer() if 0 < count < threshold() else count


def suppress_set(counts: list[int]) -> list[int | str]:
    """Rules 1 and 2 for counts that add up to a total shown alongside them."""
    return suppress_counts(counts, threshold())


def suppress_counts(counts: list[int], limit: int) -> list[int | str]:
    """`suppress_set` with the threshold given (for code that runs outside the app)."""
    fewer_than = f"fewer than {limit}"
    if 0 < sum(counts) < limit:
        return [fewer_than] * len(counts)
    display: list[int | str] = [fewer_than if 0 < c < limit else c for c in counts]
    small = [i for i, count in enumerate(counts) if 0 < count < limit]
    if len(small) == 1:
        others = sorted((count, i) for i, count in enumerate(counts) if count >= limit)
        if others:
            display[others[0][1]] = HIDDEN
    return display


def rate(numerator: int, denominator: int) -> float | str:
    """Rule 3: a percentage, to one decimal place, or the reason it is hidden."""
    limit = threshold()
    if denominator == 0:
        return "none yet"
    if denominator < limit or 0 < numerator < limit:
        return fewer()
    if 0 < denominator - numerator < limit:
        return HIDDEN  # 95% of 20 says one person did not: the complement is a count too
    return round(100 * numerator / denominator, 1)


def shown_with_complement(part: int, total: int) -> int | str:
    """A count out of a total shown beside it (responses out of trainees): hidden when
    it, or the people it leaves out, number 1 to threshold - 1."""
    return suppress_set([part, total - part])[0]


def safety_net(cell):
    """Hide a plugin's whole-number count of 1-4 that the plugin left visible."""
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int) and 0 < cell < threshold():
        return fewer()
    if isinstance(cell, str) and cell.strip().isdigit() and 0 < int(cell) < threshold():
        return fewer()
    return cell


# -- Pseudonyms ------------------------------------------------------------------------------
#
# Exports name people by pseudonym: an HMAC of who they are, keyed by the app's secret, the
# cohort and the dataset. Stable within a cohort and dataset (a person's start and end
# answers line up), different across cohorts, and across datasets on purpose: survey
# answers and coded quotes released separately cannot be joined to build up one profile.
PSEUDONYM_HEX_DIGITS = 12  # 48 bits: no clash in a cohort of tens of thousands


def pseudonyms(cohort_id: int, subjects, dataset: str) -> dict:
    """{subject: pseudonym} for many subjects (a membership id, or any stable text); the
    keyed hash is set up once and copied for each."""
    import hashlib
    import hmac

    key = f"{current_app.config['SECRET_KEY']}:{dataset}:{cohort_id}".encode()
    keyed = hmac.new(key, digestmod=hashlib.sha256)
    found = {}
    for subject in subjects:
        mac = keyed.copy()
        mac.update(str(subject).encode())
        found[subject] = "P-" + mac.hexdigest()[:PSEUDONYM_HEX_DIGITS]
    return found


def pseudonym(cohort_id: int, subject, dataset: str) -> str:
    return pseudonyms(cohort_id, [subject], dataset)[subject]


def rule_text() -> str:
    n = threshold()
    return (
        f"Small-cell suppression: a count of 1 to {n - 1} people is shown as 'fewer than {n}' "
        f"(every cell of a table whose total is below {n}); where counts add up to a total "
        "shown with them and one is hidden, the next smallest is 'not shown' too; a rate or "
        f"mean is shown only when it rests on {n} or more people, and a rate only when the "
        f"people it leaves out number none or {n} or more."
    )


# -- Suppression across breakdowns ----------------------------------------------------------
#
# A figure (a count, a sum, a mean with its n) about a cell of people can be added to and
# subtracted from figures about other cells. Each cell on its own may hold 5 or more, yet
# "tutor group G2" minus "voluntary sector" can be one person. So the cells released for
# the same data (overall, by sector, by area, by tutor group...) are decided together.
#
# The test is linear algebra. Split the people into atoms: those in exactly the same
# released cells. Every combination of released figures is a vector over atoms in the row
# space of the cell-by-atom incidence matrix M. A set T of atoms can be isolated (some
# combination is about T's people alone) exactly when the rows of a null-space basis of M
# restricted to T are linearly dependent. Releasing is safe when no such T holds 1 to
# MIN_CELL_SIZE - 1 people.

# Beyond this many atoms smaller than the threshold, checking every small set costs too
# much: then only cells whose atoms are all large are released (a safe, stricter rule).
_MAX_SMALL_ATOMS = 30


def releasable(cells, minimum: int | None = None) -> list[bool]:
    """Which `cells` (each a set of the people a figure is about, most important first)
    may be released together, decided greedily in the order given (deterministic): a cell
    is released when it holds at least `minimum` people and, with the cells already
    released, no group of 1 to minimum - 1 people can be worked out from them."""
    minimum = threshold() if minimum is None else minimum
    released: list[frozenset] = []
    decided: list[bool] = []
    for cell in cells:
        cell = frozenset(cell)
        if len(cell) < minimum:
            decided.append(False)
        elif cell in released or is_safe([*released, cell], minimum):
            if cell not in released:
                released.append(cell)
            decided.append(True)
        else:
            decided.append(False)
    return decided


def is_safe(cells, minimum: int | None = None) -> bool:
    """No group of 1 to minimum - 1 people is recoverable from figures about `cells`."""
    import itertools

    import numpy as np

    minimum = threshold() if minimum is None else minimum
    cells = [frozenset(cell) for cell in cells]
    patterns: dict[tuple[bool, ...], int] = {}
    for person in frozenset().union(*cells):
        key = tuple(person in cell for cell in cells)
        patterns[key] = patterns.get(key, 0) + 1
    atoms = list(patterns)
    sizes = np.array([patterns[atom] for atom in atoms])
    small = [i for i, size in enumerate(sizes) if size < minimum]
    if not small:
        return True  # every combination is about a union of large atoms
    if len(small) > _MAX_SMALL_ATOMS:
        return False
    incidence = np.array(atoms, dtype=float).T  # cells x atoms
    _, singular, vh = np.linalg.svd(incidence)
    rank = int((singular > 1e-9).sum())
    null = vh[rank:].T  # atoms x (atoms - rank): combinations that cancel out
    for size in range(1, minimum):
        groups = [
            group
            for group in itertools.combinations(small, size)
            if sizes[list(group)].sum() < minimum
        ]
        if not groups:
            break
        if null.shape[1] == 0:
            return False  # every atom is determined, and some atom is small
        rows = null[np.array(groups)]  # groups x size x nullity
        if (np.linalg.matrix_rank(rows, tol=1e-9) < size).any():
            return False
    return True
