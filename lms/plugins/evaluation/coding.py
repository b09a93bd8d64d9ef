"""Thematic coding: the codebook, codable texts (through hooks), codings and masking.

Texts come only from `lms_codable_texts`, which returns consented text and nothing
else; a coding is counted only while its source is still returned and its span still
holds the same words (see `models`). Authors appear only as pseudonyms, and quotes are
masked for the names and email addresses of everyone in the cohort.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from lms.contracts import CodableText
from lms.core import disclosure
from lms.core.models import Cohort, Membership, User
from lms.extensions import db
from lms.plugins.evaluation.models import Coding, Theme

SOURCE_PATTERN = re.compile(r"^[A-Za-z0-9_.-]+(?::[A-Za-z0-9_.-]+)+$")
MAX_NAME = 120
MAX_MEMO = 4000  # a long paragraph of analytic notes; longer belongs in a document


class Problems(ValueError):
    """Every problem with a submission, as {field: message}."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(problems.values()))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def pseudonym(cohort_id: int, membership_id: int) -> str:
    """A stable id per member within a cohort's coded texts (core's pseudonyms)."""
    return disclosure.pseudonym(cohort_id, membership_id, "evaluation")


def pseudonyms(cohort_id: int, membership_ids) -> dict[int, str]:
    """{membership id: pseudonym} for many members (a national heatmap labels thousands)."""
    return disclosure.pseudonyms(cohort_id, membership_ids, "evaluation")


# -- codable texts ----------------------------------------------------------------------


def codable_texts(cohort: Cohort, sources=None, reader=None) -> dict[str, CodableText]:
    """The cohort's codable texts by source key, from every enabled plugin, as `reader`
    (a membership; None for figures and admins) may read them: each plugin applies its
    own visibility rule, so a tutor codes only what they read elsewhere."""
    manager = current_app.extensions["lms"]
    wanted = None if sources is None else set(sources)
    if wanted is not None and not wanted:
        return {}
    texts: dict[str, CodableText] = {}
    for result in manager.hook.lms_codable_texts(cohort=cohort, sources=wanted, reader=reader):
        for item in result or []:
            if not isinstance(item, CodableText) or not SOURCE_PATTERN.match(item.source):
                continue
            if wanted is None or item.source in wanted:
                texts[item.source] = item
    return texts


def codable_text(cohort: Cohort, source: str, reader=None) -> CodableText | None:
    if not SOURCE_PATTERN.match(source or ""):
        return None
    return codable_texts(cohort, [source], reader).get(source)


# -- the codebook -----------------------------------------------------------------------


@dataclass
class CodebookTheme:
    theme: Theme
    subthemes: list[Theme] = field(default_factory=list)


def themes_of(cohort: Cohort) -> list[Theme]:
    """Every theme and sub-theme of a cohort (one query; parents come from the map)."""
    return list(
        db.session.scalars(
            select(Theme).where(Theme.cohort_id == cohort.id).order_by(Theme.name, Theme.id)
        )
    )


def codebook(cohort: Cohort) -> list[CodebookTheme]:
    themes = themes_of(cohort)
    entries = {t.id: CodebookTheme(t) for t in themes if t.parent_id is None}
    for theme in themes:
        if theme.parent_id is not None and theme.parent_id in entries:
            entries[theme.parent_id].subthemes.append(theme)
    return list(entries.values())


def save_theme(
    cohort: Cohort,
    name: str,
    definition: str,
    example: str,
    parent_id: int | None,
    theme: Theme | None = None,
) -> Theme:
    """Add a theme (or sub-theme) to a cohort's codebook, or change one."""
    name = " ".join((name or "").split())
    problems: dict[str, str] = {}
    if not name:
        problems["name"] = "Enter a name for the theme"
    elif len(name) > MAX_NAME:
        problems["name"] = f"The name must be {MAX_NAME} characters or fewer"
    parent = None
    if parent_id:
        parent = db.session.get(Theme, parent_id)
        if parent is None or parent.cohort_id != cohort.id or parent.parent_id is not None:
            problems["parent"] = "Choose a theme from the list"
        elif theme is not None and (parent.id == theme.id or theme.children):
            problems["parent"] = "A theme with sub-themes cannot become a sub-theme"
    if "name" not in problems:
        clash = db.session.scalar(
            select(Theme.id).where(
                Theme.cohort_id == cohort.id,
                func.lower(Theme.name) == name.lower(),
                Theme.parent_id.is_(None) if parent is None else Theme.parent_id == parent.id,
            )
        )
        if clash is not None and (theme is None or clash != theme.id):
            problems["name"] = f"There is already a theme called {name} here"
    if problems:
        raise Problems(problems)
    if theme is None:
        theme = Theme(cohort_id=cohort.id)
        db.session.add(theme)
    theme.name, theme.parent = name, parent
    theme.definition, theme.example = (definition or "").strip(), (example or "").strip()
    db.session.flush()
    return theme


def theme_in(cohort: Cohort, theme_id: int) -> Theme | None:
    theme = db.session.get(Theme, theme_id)
    return theme if theme is not None and theme.cohort_id == cohort.id else None


def copy_codebook(source: Cohort, target: Cohort) -> list[Theme]:
    """Copy `source`'s themes into `target`'s codebook: those it lacks (by name, at the
    same level); the target's own themes stay as they are. Returns the new themes."""
    tops = {entry.theme.name.lower(): entry for entry in codebook(target)}
    added: list[Theme] = []

    def copy(theme: Theme, parent: Theme | None) -> Theme:
        new = Theme(
            cohort_id=target.id,
            name=theme.name,
            definition=theme.definition,
            example=theme.example,
            parent=parent,
        )
        db.session.add(new)
        added.append(new)
        return new

    for entry in codebook(source):
        found = tops.get(entry.theme.name.lower())
        parent = found.theme if found else copy(entry.theme, None)
        have = {sub.name.lower() for sub in found.subthemes} if found else set()
        for sub in entry.subthemes:
            if sub.name.lower() not in have:
                copy(sub, parent)
    db.session.flush()
    return added


# -- coding -----------------------------------------------------------------------------


def find_excerpt(text: str, excerpt: str, start: int | None = None) -> tuple[int, int] | None:
    """Where `excerpt` occurs in `text`, tolerant of changed spacing and line breaks
    (pasting often changes them); the occurrence at or after `start` if given."""
    words = excerpt.split()
    if not words:
        return None
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words))
    match = pattern.search(text, start or 0) or (pattern.search(text) if start else None)
    return (match.start(), match.end()) if match else None


def add_coding(
    cohort: Cohort,
    coder: User,
    source: str,
    excerpt: str,
    theme_ids: list[int],
    start: int | None = None,
    end: int | None = None,
    reader=None,
    memo: str = "",
) -> Coding:
    """Code a passage of a codable text with themes of the cohort's codebook.

    The passage is given as its words (which must occur in the text) or as a span
    (start and end character offsets). Nothing is stored if anything is wrong."""
    text = codable_text(cohort, source, reader)
    if text is None:
        raise LookupError(source)
    problems: dict[str, str] = {}
    span = None
    if (excerpt or "").strip():
        span = find_excerpt(text.text, excerpt, start)
        if span is None:
            problems["excerpt"] = "The passage must be copied exactly from the text"
    elif start is not None and end is not None:
        if 0 <= start < end <= len(text.text) and text.text[start:end].strip():
            span = (start, end)
        else:
            problems["excerpt"] = "The start and end must mark a passage of the text"
    else:
        problems["excerpt"] = "Enter the passage you want to code"
    available = {t.id: t for t in themes_of(cohort)}
    chosen = [available[i] for i in dict.fromkeys(theme_ids) if i in available]
    if not chosen:
        problems["themes"] = "Choose at least one theme"
    memo = (memo or "").strip()
    if len(memo) > MAX_MEMO:
        problems["memo"] = memo_too_long(memo)
    if problems:
        raise Problems(problems)
    begin, finish = span
    coding = Coding(
        cohort_id=cohort.id,
        source=source,
        start=begin,
        end=finish,
        digest=digest(text.text[begin:finish]),
        coder_id=coder.id,
        themes=chosen,
        memo=memo,
    )
    db.session.add(coding)
    db.session.flush()
    return coding


def delete_coding(cohort: Cohort, coding_id: int, user: User) -> bool:
    """Remove a coding: only its own coder may (others' codings are their analysis)."""
    coding = db.session.get(Coding, coding_id)
    if coding is None or coding.cohort_id != cohort.id or coding.coder_id != user.id:
        return False
    db.session.delete(coding)
    db.session.flush()
    return True


def memo_too_long(memo: str) -> str:
    return f"The memo must be {MAX_MEMO:,} characters or fewer (it has {len(memo):,})"


def save_memo(cohort: Cohort, source: str, coding_id: int, user: User, memo: str, reader=None):
    """Write (or clear) the memo on a coding: only its own coder may, and only while
    they may still read its text. Returns the coding, or None where there is none."""
    coding = db.session.get(Coding, coding_id)
    if (
        coding is None
        or coding.cohort_id != cohort.id
        or coding.source != source
        or coding.coder_id != user.id
        or codable_text(cohort, source, reader) is None
    ):
        return None
    memo = (memo or "").strip()
    if len(memo) > MAX_MEMO:
        raise Problems({"memo": memo_too_long(memo)})
    coding.memo = memo
    db.session.flush()
    return coding


@dataclass(frozen=True)
class CodedExcerpt:
    coding: Coding
    text: CodableText
    excerpt: str

    @property
    def passage(self) -> tuple[int, int, str]:
        return (self.coding.start, self.coding.end, self.text.source)


def codings_of(cohort: Cohort, source: str | None = None) -> list[Coding]:
    query = (
        select(Coding)
        .where(Coding.cohort_id == cohort.id)
        .options(selectinload(Coding.themes))
        .order_by(Coding.source, Coding.start, Coding.id)
    )
    if source is not None:
        query = query.where(Coding.source == source)
    return list(db.session.scalars(query))


def current_excerpts(cohort: Cohort, source: str | None = None, reader=None) -> list[CodedExcerpt]:
    """Codings whose source is still codable and unchanged, with their words.

    A fixed number of queries: the codebook (so parents of sub-themes are in the
    identity map), the codings with their themes, and the hook for just those sources."""
    themes_of(cohort)
    codings = codings_of(cohort, source)
    texts = codable_texts(cohort, {c.source for c in codings}, reader)
    excerpts = []
    for coding in codings:
        text = texts.get(coding.source)
        if text is None:
            continue
        words = text.text[coding.start : coding.end]
        if digest(words) == coding.digest:
            excerpts.append(CodedExcerpt(coding, text, words))
    return excerpts


# -- de-identification -------------------------------------------------------------------

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


class Masker:
    """Masks the names and email addresses of everyone in a cohort (one query)."""

    def __init__(self, cohort: Cohort):
        rows = db.session.execute(
            select(User.given_name, User.family_name, User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.cohort_id == cohort.id)
        )
        names: set[str] = set()
        emails: set[str] = set()
        for given, family, email in rows:
            names.update(n for n in (given, family, f"{given} {family}") if len(n.strip()) > 1)
            emails.add(email)
        self.emails = emails
        self.names = (
            re.compile(
                r"(?<!\w)(?:"
                + "|".join(re.escape(n.strip()) for n in sorted(names, key=len, reverse=True))
                + r")(?!\w)",
                re.IGNORECASE,
            )
            if names
            else None
        )

    def __call__(self, text: str) -> str:
        text = EMAIL.sub("[email]", text)
        return self.names.sub("[name]", text) if self.names else text


def author_sectors(cohort: Cohort) -> dict[int, str]:
    return dict(
        db.session.execute(
            select(Membership.id, Membership.sector).where(Membership.cohort_id == cohort.id)
        ).all()
    )
