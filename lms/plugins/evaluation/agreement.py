"""Agreement between coders, corrected for chance: Cohen's kappa (two coders) and
Krippendorff's alpha (any number of coders, texts not every coder coded).

The data are nominal: for each text coded by two or more coders and each theme, did
each coder use the theme in that text, yes or no. Alpha comes from the maintained
`krippendorff` package; kappa is the textbook formula over the coders' table of answers
(NumPy). Both are checked against published worked examples in the tests.
"""

from __future__ import annotations

from collections.abc import Sequence


def cohen_kappa(first: Sequence, second: Sequence) -> float | None:
    """Cohen's kappa for two coders' nominal answers about the same units, in order.

    None where it is not defined: no units, or both coders gave every unit one and the
    same answer (chance alone then predicts full agreement, and kappa divides by zero)."""
    import numpy as np  # loaded on the first coding page, not at every start

    if len(first) != len(second):
        raise ValueError("Both coders must answer for the same units")
    if not first:
        return None
    categories = sorted(set(first) | set(second), key=repr)
    index = {category: i for i, category in enumerate(categories)}
    table = np.zeros((len(categories), len(categories)))
    for a, b in zip(first, second, strict=True):
        table[index[a], index[b]] += 1
    units = table.sum()
    observed = np.trace(table) / units
    expected = float(table.sum(axis=1) @ table.sum(axis=0)) / units**2
    if expected >= 1:
        return None
    return float((observed - expected) / (1 - expected))


def krippendorff_alpha(answers: Sequence[Sequence]) -> float | None:
    """Krippendorff's alpha for nominal answers: one row per coder, one column per unit,
    None where the coder gave no answer for the unit.

    None where it is not defined: no unit has answers from two coders, or every answer
    is the same (there is no variation for agreement to explain)."""
    import krippendorff
    import numpy as np

    data = np.array(
        [[np.nan if value is None else float(value) for value in row] for row in answers],
        dtype=float,
    )
    if data.ndim != 2 or data.size == 0:
        return None
    pairable = (~np.isnan(data)).sum(axis=0) >= 2
    values = data[:, pairable]
    if not pairable.any() or np.unique(values[~np.isnan(values)]).size < 2:
        return None
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
