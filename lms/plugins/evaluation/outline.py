"""The finished report's structure, built once for the DOCX and the printable page.

Both show the same sections in the same order, the same summary sentences and one
method and limitations section (notes that used to follow every table are said once
there). Only the rendering differs (`exports.report_docx`, `report.html`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lms.core import disclosure as s
from lms.core.curriculum_loader import programme
from lms.plugins.evaluation.charts import drawable
from lms.plugins.evaluation.figures import SECTIONS, Report, Table

SUMMARY = "Summary"
METHOD = "Method and limitations"


@dataclass
class Section:
    key: str
    heading: str
    messages: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    quotes: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)


@dataclass
class Outline:
    title: str
    programme: str
    cohort: str
    as_at: str
    summary: list[str]
    sections: list[Section]
    method: list[tuple[str, list[str]]]  # (subheading, paragraphs)

    @property
    def contents(self) -> list[str]:
        """Every top-level heading after the contents list, in order."""
        return [SUMMARY, *(section.heading for section in self.sections), METHOD]

    def charted(self, table: Table) -> bool:
        return drawable(table)


def outline_of(report: Report) -> Outline:
    cohort = report.cohort
    sections = []
    for key, heading in SECTIONS.items():
        tables = report.section(key)
        messages = list(report.missing.get(key, []))
        if not tables and not messages:
            continue
        quotes = (
            {name: items for name, items in report.examples.items() if items}
            if key == "themes"
            else {}
        )
        sections.append(Section(key, heading, messages, tables, quotes))
    return Outline(
        title=f"Evaluation report: {cohort.name}",
        programme=programme_title(cohort),
        cohort=cohort.name,
        as_at=f"{report.generated_on:%-d %B %Y}".lstrip("0"),
        summary=list(report.summary),
        sections=sections,
        method=method_of(report),
    )


def programme_title(cohort) -> str:
    try:
        return programme(cohort.programme).title
    except Exception:  # a cohort whose curriculum is gone still gets its report
        return str(cohort.programme)


def method_of(report: Report) -> list[tuple[str, list[str]]]:
    """The method and limitations, each point once, whatever number of tables say it."""
    n = s.threshold()
    parts = [
        (
            "Who is counted",
            [
                "Participation figures come from the cohort roster: every trainee membership, "
                "including those who later withdrew. They are counts only.",
                "Change initiatives and the themes in what trainees wrote count only trainees "
                "who consented to evaluation use, on the consent page or on a paper form "
                "recorded by the lead. Members who have not consented, or who withdrew their "
                "consent, are not counted: a withdrawal applies to every report made after "
                "it. The survey figures say below whom they count.",
                "Engagement counts whether each active trainee submitted the week's "
                "reflection (not what they wrote); a week counts once it has opened.",
            ],
        ),
        (
            "Small numbers",
            [
                s.rule_text(),
                f"The threshold ({n}) is the programme's MIN_CELL_SIZE setting. A suppressed "
                "figure is written in words in the tables and the summary, never as a number.",
            ],
        ),
    ]
    # Each part of the programme's own notes, once, under the section they belong to.
    for key, heading in SECTIONS.items():
        notes: list[str] = []
        for table in report.section(key):
            notes += [n for n in table.method if n not in notes and n != s.rule_text()]
        if notes:
            parts.append((heading, notes))
    parts.append(
        (
            "Themes and quotes",
            [
                "Themes were found by thematic coding of consented reflections and free-text "
                "survey answers against the programme's codebook; more than one coder may code "
                "a text, and agreement between coders is reported where they did.",
                "Quotes are de-identified: authors appear by pseudonym only and the names and "
                "email addresses of everyone in the cohort are masked.",
            ],
        )
    )
    parts.append(
        (
            "Limitations",
            [
                "Cohorts are small, so most figures rest on few people and a change may be "
                "chance; the p-values and confidence intervals say how much.",
                "Consenting trainees may differ from those who did not consent, and people "
                "who answered both surveys from those who answered one.",
                "Confidence and initiative progress are self-reported.",
            ],
        )
    )
    return parts
