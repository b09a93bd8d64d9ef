"""Theme figures: frequencies, counts by sector and course phase, coder agreement,
illustrative quotes and the de-identified list of coded excerpts.

People are counted, not excerpts, for suppression: a theme raised by fewer than 5
people shows neither its count of people nor of excerpts. Quotes carry a pseudonym
and are masked for the names and emails of everyone in the cohort.
"""

from __future__ import annotations

from collections import defaultdict

from lms.core import disclosure as s
from lms.core.curriculum_loader import programme
from lms.core.models import SECTORS, Cohort
from lms.plugins.evaluation.agreement import cohen_kappa, krippendorff_alpha
from lms.plugins.evaluation.coding import (
    CodedExcerpt,
    Masker,
    author_sectors,
    codebook,
    current_excerpts,
    pseudonym,
)

EXAMPLES_PER_THEME = 3
# Agreement rests on at least this many texts coded by two or more coders.
MIN_SHARED_TEXTS = 10


def phases(cohort: Cohort) -> list[tuple[str, range]]:
    """The course in thirds: early, middle and late weeks."""
    weeks = programme(cohort.programme).number_of_weeks
    third = max(1, -(-weeks // 3))
    bounds = [(1, third), (third + 1, 2 * third), (2 * third + 1, weeks)]
    names = ("Early", "Middle", "Late")
    return [
        (f"{name} (weeks {a} to {b})", range(a, b + 1))
        for name, (a, b) in zip(names, bounds, strict=True)
    ]


def phase_of(week: int | None, course_phases) -> str:
    for name, weeks in course_phases:
        if week in weeks:
            return name
    return "Not tied to a week"


def theme_tables(cohort: Cohort, report, reader=None) -> list:
    from lms.plugins.evaluation.figures import Table

    entries = codebook(cohort)
    if not entries:
        report.missing["themes"].append(
            "The codebook has no themes yet: leads and tutors add them on the codebook page."
        )
        return []
    excerpts = current_excerpts(cohort, reader=reader)
    sectors = author_sectors(cohort)
    course_phases = phases(cohort)
    phase_names = [name for name, _ in course_phases] + ["Not tied to a week"]
    passages, people = defaultdict(set), defaultdict(set)
    by_sector = defaultdict(lambda: defaultdict(set))
    by_phase = defaultdict(lambda: defaultdict(set))
    examples = defaultdict(list)
    for excerpt in excerpts:
        author = excerpt.text.membership_id
        ids = set()
        for theme in excerpt.coding.themes:
            ids.add(theme.id)
            if theme.parent_id is not None:
                ids.add(theme.parent_id)
        for theme_id in ids:
            passages[theme_id].add(excerpt.passage)
            people[theme_id].add(author)
            by_sector[theme_id][sectors.get(author, "other")].add(author)
            by_phase[theme_id][phase_of(excerpt.text.week, course_phases)].add(author)
            if excerpt.passage not in {e.passage for e in examples[theme_id]}:
                examples[theme_id].append(excerpt)

    ordered = []
    for entry in entries:
        ordered.append((entry.theme, entry.theme.name))
        ordered += [(sub, f"{entry.theme.name} › {sub.name}") for sub in entry.subthemes]
    frequency, sector_rows, phase_rows = [], [], []
    masker = Masker(cohort) if excerpts else None
    for theme, name in ordered:
        n_people = len(people[theme.id])
        enough = n_people == 0 or n_people >= s.threshold()
        frequency.append(
            [name, len(passages[theme.id]) if enough else s.fewer(), s.shown(n_people)]
        )
        sector_rows.append([name, *s.suppress_set([len(by_sector[theme.id][x]) for x in SECTORS])])
        phase_rows.append([name, *(s.shown(len(by_phase[theme.id][p])) for p in phase_names)])
        report.examples[name] = [
            (masker(e.excerpt), pseudonym(cohort.id, e.text.membership_id), e.text.label)
            for e in examples[theme.id][:EXAMPLES_PER_THEME]
        ]
    report.excerpt_rows = _excerpt_rows(cohort, excerpts, masker)
    authors = {e.text.membership_id for e in excerpts}
    enough = not authors or len(authors) >= s.threshold()
    report.theme_line = theme_line(excerpts, authors, enough, frequency)
    tables = [
        Table(
            "themes-frequency",
            "How often each theme came up",
            "themes",
            ["Theme", "Excerpts", "People"],
            frequency,
            chart={"kind": "bar", "x": "Theme", "y": ["People"], "y_label": "People"},
            description="Coded passages of consented reflections and survey answers, and "
            "the number of different people who wrote them. A theme counts its sub-themes.",
        ),
        Table(
            "themes-by-sector",
            "People raising each theme, by sector",
            "themes",
            ["Theme", *(x.capitalize() for x in SECTORS)],
            sector_rows,
            description="Different people whose coded passages raised each theme, by sector.",
        ),
        Table(
            "themes-by-phase",
            "People raising each theme, by course phase",
            "themes",
            ["Theme", *phase_names],
            phase_rows,
            description="Different people whose coded passages raised each theme, by the "
            "third of the course the text was written in.",
        ),
    ]
    if excerpts:
        tables.append(agreement_table(excerpts, ordered))
    return tables


def theme_line(excerpts, authors, enough: bool, frequency: list[list]) -> str:
    """The themes in a sentence; counts of fewer people than the threshold are named as
    hidden, not printed."""
    if not excerpts:
        return "No passages have been coded for themes yet."
    if not enough:
        return (
            "Passages have been coded for themes, but how many is not shown because they "
            f"were written by {s.fewer()} people."
        )
    passages = len({e.passage for e in excerpts})
    line = f"{passages} passages written by {len(authors)} people were coded for themes."
    counted = [(n, name) for name, _, n in frequency if isinstance(n, int) and n > 0]
    if counted:
        most = max(n for n, _ in counted)
        names = [name for n, name in counted if n == most]
        line += (
            f" The theme raised by the most people ({most}) was “{names[0]}”."
            if len(names) == 1
            else f" The themes raised by the most people ({most} each) were "
            + ", ".join(f"“{name}”" for name in names)
            + "."
        )
    return line


def agreement_table(excerpts: list[CodedExcerpt], ordered):
    """Where two or more coders coded the same text: did they use each theme alike?

    Per text and theme, each coder's answer is yes or no: did they use the theme (or one
    of its sub-themes) anywhere in the text. The percentage is how often every coder of
    the text used the theme when any did; Cohen's kappa (two coders) and Krippendorff's
    alpha (any number) correct agreement for chance, over every text coded by two or
    more coders. Texts, not people, are the units, and the figures describe the coders'
    work; but which texts a theme came up in is about their authors, so a theme used in
    the texts of fewer than MIN_CELL_SIZE people shows no figures, as in the other
    theme tables. Codings of an erased coder are left out: who coded them is unknown."""
    from lms.plugins.evaluation.figures import Table

    coders = defaultdict(set)
    authors: dict[str, int] = {}
    used = defaultdict(lambda: defaultdict(set))  # source -> theme id -> coders
    exact = defaultdict(lambda: defaultdict(set))  # the same, sub-themes on their own
    for excerpt in excerpts:
        source, coder = excerpt.text.source, excerpt.coding.coder_id
        if coder is None:
            continue
        coders[source].add(coder)
        authors[source] = excerpt.text.membership_id
        for theme in excerpt.coding.themes:
            exact[source][theme.id].add(coder)
            used[source][theme.id].add(coder)
            if theme.parent_id is not None:
                used[source][theme.parent_id].add(coder)
    shared = sorted(source for source, who in coders.items() if len(who) > 1)
    everyone = sorted({coder for source in shared for coder in coders[source]})
    enough_texts = len(shared) >= MIN_SHARED_TEXTS

    def answers(table, theme_id) -> list[list]:
        return [
            [
                (1 if coder in table[src].get(theme_id, ()) else 0)
                if coder in coders[src]
                else None
                for src in shared
            ]
            for coder in everyone
        ]

    def kappa(theme_id) -> float | str:
        if len(everyone) != 2:
            return "two coders only"
        if not enough_texts:
            return "too few texts"
        first, second = answers(used, theme_id)
        return _coefficient(cohen_kappa(first, second))

    def alpha(theme_id) -> float | str:
        if not enough_texts:
            return "too few texts"
        return _coefficient(krippendorff_alpha(answers(used, theme_id)))

    rows = []
    for theme, name in ordered:
        anyone = [src for src in shared if used[src].get(theme.id)]
        if not anyone:
            continue
        if len({authors[src] for src in anyone}) < s.threshold():
            rows.append([name, s.fewer(), s.fewer(), s.HIDDEN, s.HIDDEN, s.HIDDEN])
            continue
        agreed = [src for src in anyone if used[src][theme.id] == coders[src]]
        rows.append(
            [
                name,
                len(anyone),
                len(agreed),
                s.rate(len(agreed), len(anyone)),
                kappa(theme.id),
                alpha(theme.id),
            ]
        )
    return Table(
        "themes-agreement",
        "Agreement between coders",
        "themes",
        [
            "Theme",
            "Texts coded by two or more coders using it",
            "All coders agreed",
            "Agreement (%)",
            "Cohen's kappa",
            "Krippendorff's alpha",
        ],
        rows,
        formats={
            "Agreement (%)": "percent",
            "Cohen's kappa": "decimal2",
            "Krippendorff's alpha": "decimal2",
        },
        notes=[
            _overall(shared, everyone, authors, answers, exact, ordered),
            *AGREEMENT_NOTES,
            "Small groups: the figures are about texts and coders, so the number of coders "
            f"is shown; but a theme used in the texts of {s.fewer()} people shows no "
            "figures, as in the other theme tables.",
        ],
        description="For texts coded by more than one coder: how often every coder of the "
        "text used the theme when any did, and the same agreement corrected for chance.",
    )


AGREEMENT_NOTES = (
    "What the numbers mean: Cohen's kappa and Krippendorff's alpha say how far the coders "
    "agreed beyond what chance alone would give. 1 is full agreement, 0 is no better than "
    "chance, below 0 is worse than chance. As a rough guide, 0.8 or more is reliable and "
    "0.67 to 0.8 is enough for tentative conclusions; a theme with a low figure needs a "
    "clearer definition in the codebook.",
    "How they are worked out: each text coded by two or more coders counts once per "
    "theme, and each coder's answer is whether they used the theme (or one of its "
    "sub-themes) anywhere in the text. Cohen's kappa is for exactly two coders; "
    "Krippendorff's alpha works for any number, and for texts not every coder coded.",
    f"When they are not worked out: with fewer than two coders of the same text, with "
    f"fewer than {MIN_SHARED_TEXTS} texts coded by two or more coders ('too few texts'), "
    "and where every coder gave every text the same answer ('not defined'). Codings of a "
    "coder whose account was erased are left out.",
)


def _overall(shared, everyone, authors, answers, exact, ordered) -> str:
    if len(everyone) < 2:
        return "Not worked out yet: no text has been coded by two or more coders."
    if len(shared) < MIN_SHARED_TEXTS:
        return (
            f"Not worked out yet: {len(shared)} texts have been coded by two or more coders; "
            f"agreement is worked out from {MIN_SHARED_TEXTS}."
        )
    if len({authors[src] for src in shared}) < s.threshold():
        return (
            f"Not shown: the texts coded by two or more coders were written by {s.fewer()} people."
        )
    rows = [[] for _ in everyone]
    for theme, _name in ordered:
        for row, coder_answers in zip(rows, answers(exact, theme.id), strict=True):
            row += coder_answers
    value = _coefficient(krippendorff_alpha(rows))
    return (
        f"Krippendorff's alpha over every theme and sub-theme: {value}, from {len(shared)} "
        f"texts coded by two or more of {len(everyone)} coders."
    )


def _coefficient(value: float | None) -> float | str:
    return "not defined" if value is None else round(value, 2)


def _excerpt_rows(cohort: Cohort, excerpts: list[CodedExcerpt], masker) -> list[list]:
    """The de-identified coded excerpts: pseudonym, where from, themes, masked words."""
    rows = []
    for excerpt in sorted(excerpts, key=lambda e: (e.text.week or 0, e.coding.id)):
        rows.append(
            [
                excerpt.coding.id,
                pseudonym(cohort.id, excerpt.text.membership_id),
                excerpt.text.kind,
                excerpt.text.label,
                excerpt.text.week or "",
                "; ".join(t.full_name for t in excerpt.coding.themes),
                masker(excerpt.excerpt),
            ]
        )
    return rows


EXCERPT_COLUMNS = ["Coding", "Author (pseudonym)", "Kind", "Answer to", "Week", "Themes", "Excerpt"]
