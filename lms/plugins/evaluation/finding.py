"""Finding texts to code: search and filters over the codable texts a coder may read,
in the order the texts page lists them, and the next text still to code.

Filters come from the query string, so a filtered list is a link (and works without
JavaScript). A fixed number of queries whatever the cohort's size: the texts through
`lms_codable_texts` (each plugin applies its own visibility for `reader`), the cohort's
codings as plain columns, and the authors' sectors when filtering by sector.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select

from lms.contracts import CodableText
from lms.core.models import SECTORS, Cohort, User
from lms.extensions import db
from lms.plugins.evaluation.coding import author_sectors, codable_texts, digest
from lms.plugins.evaluation.models import Coding

STATUSES = {
    "": "Any",
    "mine": "Coded by me",
    "not-mine": "Not coded by me",
    "coded": "Coded by anyone",
    "uncoded": "Not coded by anyone",
}
MAX_SEARCH = 200
_WEEK = re.compile(r"^Week \d+ |, week \d+", re.IGNORECASE)


def prompt_of(text: CodableText) -> str:
    """What a text answers, without its week: 'Reflection: Analysis' for 'Week 3
    reflection: Analysis', so one prompt can be followed through the course."""
    label = _WEEK.sub("", text.label).strip()
    return label[:1].upper() + label[1:]


def order(text: CodableText):
    return (text.week or 0, text.label, text.source)


@dataclass(frozen=True)
class Filters:
    q: str = ""
    week: int | None = None
    prompt: str = ""
    sector: str = ""
    status: str = ""

    @classmethod
    def from_args(cls, args) -> Filters:
        """From a query string; a value that names nothing is left out (never an error)."""
        week = args.get("week", "")
        return cls(
            q=" ".join(args.get("q", "").split())[:MAX_SEARCH],
            week=int(week) if week.isascii() and week.isdigit() and len(week) < 4 else None,
            prompt=args.get("prompt", "")[:MAX_SEARCH],
            sector=args.get("sector", "") if args.get("sector") in SECTORS else "",
            status=args.get("status", "") if args.get("status") in STATUSES else "",
        )

    def query(self) -> dict:
        """The filters in use, for `url_for` (links keep them)."""
        values = {
            "q": self.q,
            "week": self.week,
            "prompt": self.prompt,
            "sector": self.sector,
            "status": self.status,
        }
        return {key: value for key, value in values.items() if value not in ("", None)}

    @property
    def active(self) -> bool:
        return bool(self.query())


@dataclass
class Found:
    texts: list[CodableText]  # every readable text matching the filters, in order
    readable: list[CodableText]  # every text the reader may code, in order
    counts: dict[str, int] = field(default_factory=dict)  # current codings per source
    mine: set[str] = field(default_factory=set)  # sources the coder has coded
    weeks: list[int] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)


def coding_counts(cohort: Cohort, texts: dict[str, CodableText], coder: User):
    """Current codings per source (the words under each still unchanged), and the
    sources `coder` has coded: one query, plain columns."""
    counts: dict[str, int] = {}
    mine: set[str] = set()
    rows = db.session.execute(
        select(Coding.source, Coding.start, Coding.end, Coding.digest, Coding.coder_id).where(
            Coding.cohort_id == cohort.id
        )
    )
    for source, start, end, sha, coder_id in rows:
        text = texts.get(source)
        if text is None or digest(text.text[start:end]) != sha:
            continue
        counts[source] = counts.get(source, 0) + 1
        if coder_id == coder.id:
            mine.add(source)
    return counts, mine


def find_texts(cohort: Cohort, coder: User, filters: Filters, reader=None) -> Found:
    """The texts `reader` may code that match `filters`, with their codings counted."""
    by_source = codable_texts(cohort, reader=reader)
    readable = sorted(by_source.values(), key=order)
    counts, mine = coding_counts(cohort, by_source, coder)
    found = Found(
        texts=[],
        readable=readable,
        counts=counts,
        mine=mine,
        weeks=sorted({t.week for t in readable if t.week}),
        prompts=sorted({prompt_of(t) for t in readable}),
    )
    sectors = author_sectors(cohort) if filters.sector else {}
    found.texts = [t for t in readable if matches(t, filters, found, sectors)]
    return found


def matches(text: CodableText, filters: Filters, found: Found, sectors: dict) -> bool:
    if filters.week is not None and text.week != filters.week:
        return False
    if filters.prompt and prompt_of(text) != filters.prompt:
        return False
    if filters.sector and sectors.get(text.membership_id, "other") != filters.sector:
        return False
    status = filters.status
    coded, mine = found.counts.get(text.source, 0) > 0, text.source in found.mine
    if (
        (status == "mine" and not mine)
        or (status == "not-mine" and mine)
        or (status == "coded" and not coded)
        or (status == "uncoded" and coded)
    ):
        return False
    if filters.q:
        words = f"{text.label}\n{text.text}".casefold()
        return all(word in words for word in filters.q.casefold().split())
    return True


def next_to_code(found: Found, filters: Filters, after: str | None = None):
    """The next text after `after` (in the list's order, coming round to the start)
    that matches the filters and the coder has not coded yet; None if there is none."""
    readable = found.readable
    position = next((i for i, t in enumerate(readable) if t.source == after), -1)
    matching = {t.source for t in found.texts}
    for offset in range(1, len(readable) + 1):
        text = readable[(position + offset) % len(readable)]
        if text.source != after and text.source in matching and text.source not in found.mine:
            return text
    return None
