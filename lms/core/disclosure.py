"""Small-cell suppression (disclosure control), in core so every output can use one rule.

Cohorts are small (18 trainees in the published one), so one person is easy to spot:

1. A count of 1 to 4 people is shown as "fewer than 5". Zeros are shown (they say
   nobody), except in a table whose whole total is below 5: there every cell is hidden.
2. Where counts partition a total shown in the same table and exactly one of them is
   hidden, the next smallest is hidden too ("not shown"), so subtraction cannot
   recover it.
3. A rate or mean is shown only when it rests on 5 or more people (numerator and
   denominator for a rate).

The threshold is the `MIN_CELL_SIZE` setting (default 5). The evaluation uses this module;
the other plugins still apply their own copies of rule 1 (issue 18 moves them here).
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
    limit = threshold()
    if 0 < sum(counts) < limit:
        return [fewer()] * len(counts)
    display: list[int | str] = [shown(count) for count in counts]
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
    return round(100 * numerator / denominator, 1)


def safety_net(cell):
    """Hide a plugin's whole-number count of 1-4 that the plugin left visible."""
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int) and 0 < cell < threshold():
        return fewer()
    if isinstance(cell, str) and cell.strip().isdigit() and 0 < int(cell) < threshold():
        return fewer()
    return cell


def rule_text() -> str:
    n = threshold()
    return (
        f"Small-cell suppression: a count of 1 to {n - 1} people is shown as 'fewer than {n}' "
        f"(every cell of a table whose total is below {n}); where counts add up to a total "
        "shown with them and one is hidden, the next smallest is 'not shown' too; a rate or "
        f"mean is shown only when it rests on {n} or more people."
    )
