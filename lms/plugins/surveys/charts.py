"""Diverging stacked bar charts of Likert answers, wave against wave: pure functions.

Everything the template needs is worked out here in plain numbers (counts, shares,
printed percentages, rectangles in a fixed viewBox, a text summary), so the template
only draws. No Flask, no database.

A bar is centred on the middle answer: answers below it extend left of the centre line,
answers above it extend right; with an odd number of answers the middle one is split
half left and half right. Widths use the exact shares; only printed text is rounded
(largest remainder, so a bar's printed percentages add up to exactly 100).

Small cells: a chart over fewer than `min_cell` paired members has no figures at all
(see `diverging_chart`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from lms.core.disclosure import suppress_counts

WIDTH = 400
"""Width of the viewBox; the template scales it to the column (half the page, or all
of it on small screens), so text stays readable at 320 CSS px."""
CENTRE = WIDTH / 2
HALF = 190
"""Length of a bar side holding 100% of the answers (a 10-unit margin each side)."""
BAR_HEIGHT = 28
LABEL_HEIGHT = 22  # the wave's name above its bar
ROW_GAP = 12
TOP = 4
CHARACTER_WIDTH = 8
"""Room one character of printed percentage takes at TEXT_SIZE, with a margin."""
TEXT_SIZE = 13
LABEL_SIZE = 16

TEXT_DARK = "#0b0c0c"  # GOV.UK text colour
TEXT_LIGHT = "#ffffff"
# ColorBrewer PuOr (colour-blind safe), outermost first; the darkest ends keep 3:1
# against the white page (WCAG 1.4.11). The middle answer is a neutral grey.
LOW_COLOURS = ("#b35806", "#e08214", "#fdb863", "#fee0b6")
HIGH_COLOURS = ("#542788", "#8073ac", "#b2abd2", "#d8daeb")
MIDDLE_COLOUR = "#bdbdbd"
_SPREAD = {1: (0,), 2: (0, 2), 3: (0, 1, 2), 4: (0, 1, 2, 3)}


@dataclass(frozen=True)
class Segment:
    """One rectangle of a bar: all or (for the split middle answer) half of a level."""

    level: int  # 1-based position of the answer among the labels
    label: str
    x: float
    width: float
    fill: str
    text: str  # printed percentage, "" when the segment is too narrow for it
    text_x: float
    text_fill: str


@dataclass(frozen=True)
class Bar:
    wave: str  # the wave's name, as shown
    n: int
    counts: tuple[int, ...]
    shares: tuple[float, ...]  # exact, 0..1, for the geometry
    percents: tuple[int, ...]  # rounded for printing, each on its own
    segments: tuple[Segment, ...]
    shown: tuple[str, ...]  # the table's cell per level: "12 (67%)" or suppressed
    label_y: float  # baseline of the wave's name
    y: float
    height: float = BAR_HEIGHT
    text_y: float = 0  # baseline of the printed percentages


@dataclass(frozen=True)
class DivergingChart:
    """One Likert item's chart; when `suppressed`, only the item and labels are set."""

    item_id: str
    wording: str
    labels: tuple[str, ...]
    colours: tuple[str, ...]
    suppressed: bool = False
    n: int | None = None
    bars: tuple[Bar, ...] = ()
    summary: str = ""
    width: int = WIDTH
    height: float = 0
    centre: float = CENTRE
    line_top: float = 0
    line_bottom: float = 0
    text_size: int = TEXT_SIZE
    label_size: int = LABEL_SIZE


def level_counts(values: Iterable[float], levels: Sequence[int]) -> list[int]:
    """How many values fall on each level, in the order of `levels` (others are ignored)."""
    tally = Counter(values)  # counts in C: a cohort of 10,000 has 20,000 answers per item
    return [tally.get(level, 0) for level in levels]


def rounded_percents(counts: Sequence[int]) -> list[int]:
    """Whole percentages, each rounded half up on its own, so equal counts always print
    equal percentages (they may add up to 99 or 101); all 0 if no counts."""
    total = sum(counts)
    if total == 0:
        return [0] * len(counts)
    return [math.floor(100 * count / total + 0.5) for count in counts]


def colours_for(levels: int) -> tuple[str, ...]:
    """A diverging palette for `levels` answers: low side, (grey middle), high side."""
    side = levels // 2
    picks = _SPREAD.get(side, tuple(range(side)))
    low = [LOW_COLOURS[i % len(LOW_COLOURS)] for i in picks]
    high = [HIGH_COLOURS[i % len(HIGH_COLOURS)] for i in reversed(picks)]
    return (*low, *([MIDDLE_COLOUR] if levels % 2 else []), *high)


@lru_cache(maxsize=64)  # a handful of fills, asked for by every segment of every chart
def text_colour(fill: str) -> str:
    """Dark or white text, whichever contrasts more with the segment's fill."""
    return TEXT_LIGHT if contrast(fill, TEXT_LIGHT) > contrast(fill, TEXT_DARK) else TEXT_DARK


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _segments(
    shares: Sequence[float],
    percents: Sequence[int],
    labels: Sequence[str],
    colours,
    hidden: Sequence[int] = (),
) -> tuple[Segment, ...]:
    levels = len(shares)
    middle = levels // 2 if levels % 2 else None  # 0-based index of the split answer
    below = levels // 2  # answers wholly left of the centre line
    left = sum(shares[:below]) + (shares[middle] / 2 if middle is not None else 0)
    x = CENTRE - HALF * left
    pieces = []
    for index, share in enumerate(shares):
        halves = 2 if index == middle else 1
        for half in range(halves):
            width = HALF * share / halves
            text = f"{percents[index]}%"
            # Printed only where it fits; the middle answer's goes in its right half.
            fits = width >= CHARACTER_WIDTH * (len(text) + 1)
            printed = half == halves - 1 and fits and index not in hidden
            pieces.append(
                Segment(
                    level=index + 1,
                    label=labels[index],
                    x=x,
                    width=width,
                    fill=colours[index],
                    text=text if printed else "",
                    text_x=x + width / 2,
                    text_fill=text_colour(colours[index]),
                )
            )
            x += width
    # Empty answers draw nothing.
    return tuple(piece for piece in pieces if piece.width > 0)


def _phrase(labels: Sequence[str]) -> str:
    """ "Very confident", "Extremely confident" -> "very or extremely confident"."""
    if not labels:
        return ""
    words = [label[:1].lower() + label[1:] for label in labels]
    split = [word.split() for word in words]
    common = 0
    while all(len(w) > common + 1 for w in split) and len({w[-1 - common] for w in split}) == 1:
        common += 1
    if common and len(words) > 1:
        heads = [" ".join(w[: len(w) - common]) for w in split]
        tail = " " + " ".join(split[0][len(split[0]) - common :])
    else:
        heads, tail = words, ""
    if len(heads) == 1:
        return heads[0] + tail
    return ", ".join(heads[:-1]) + " or " + heads[-1] + tail


def _summary(bars: Sequence[Bar], labels: Sequence[str], n: int) -> str:
    side = len(labels) // 2
    low, high = _phrase(labels[:side]), _phrase(labels[len(labels) - side :])
    parts = []
    for bar in bars if side else ():
        if any(not cell.endswith("%)") for cell in bar.shown):
            # A side's total with one of its answers hidden would give that answer away.
            parts.append(f"{bar.wave}: some answers are from too few people to show.")
            continue
        # Sums of the printed percentages, so the summary agrees with the table.
        top, bottom = sum(bar.percents[len(labels) - side :]), sum(bar.percents[:side])
        parts.append(f"{bar.wave}: {top}% {high}, {bottom}% {low}.")
    people = "person" if n == 1 else "people"
    return " ".join(parts) + f" {n} {people} answered both."


def diverging_chart(
    item_id: str,
    wording: str,
    labels: Sequence[str],
    from_values: Sequence[float],
    to_values: Sequence[float],
    wave_from_name: str,
    wave_to_name: str,
    min_cell: int,
    first_level: int = 1,
) -> DivergingChart:
    """The chart of one Likert item over the same paired members in two waves.

    ``from_values[i]`` and ``to_values[i]`` are one member's answers; answers are the
    levels ``first_level .. first_level + len(labels) - 1``. Fewer than `min_cell`
    pairs: suppressed, with no counts, percentages, geometry, summary or n."""
    if len(from_values) != len(to_values):
        raise ValueError("from_values and to_values must be paired (the same length)")
    labels = tuple(labels)
    colours = colours_for(len(labels))
    if len(from_values) < min_cell:
        return DivergingChart(item_id, wording, labels, colours, suppressed=True)
    levels = range(first_level, first_level + len(labels))
    bars = []
    y = TOP
    for wave, values in ((wave_from_name, from_values), (wave_to_name, to_values)):
        counts = level_counts(values, levels)
        total = sum(counts)
        # Counts of 1 to min_cell - 1 people (and the one that would give them away) are
        # not printed, and their segments share their combined width equally, so neither
        # the table nor the drawing tells how many chose each of them.
        cells = suppress_counts(counts, min_cell)
        hidden = [i for i, cell in enumerate(cells) if isinstance(cell, str)]
        pooled = sum(counts[i] for i in hidden) / len(hidden) if hidden else 0
        drawn = [pooled if i in hidden else count for i, count in enumerate(counts)]
        shares = tuple(count / total if total else 0.0 for count in drawn)
        percents = tuple(rounded_percents(counts))
        shown = tuple(
            cell if isinstance(cell, str) else f"{cell} ({percents[i]}%)"
            for i, cell in enumerate(cells)
        )
        percents = tuple(0 if i in hidden else p for i, p in enumerate(percents))
        bars.append(
            Bar(
                wave=wave,
                n=total,
                counts=tuple(counts),
                shares=shares,
                percents=percents,
                segments=_segments(shares, percents, labels, colours, hidden),
                shown=shown,
                label_y=y + LABEL_SIZE,
                y=y + LABEL_HEIGHT,
                text_y=y + LABEL_HEIGHT + (BAR_HEIGHT + TEXT_SIZE) / 2 - 2,
            )
        )
        y += LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    first, last = bars[0], bars[-1]
    return DivergingChart(
        item_id,
        wording,
        labels,
        colours,
        n=len(from_values),
        bars=tuple(bars),
        summary=_summary(bars, labels, len(from_values)),
        height=last.y + BAR_HEIGHT + TOP,
        line_top=first.y - 4,
        line_bottom=last.y + BAR_HEIGHT + 4,
    )
