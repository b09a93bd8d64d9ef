"""The codebook (themes and sub-themes, per cohort) and the codings of excerpts.

Each cohort keeps its own codebook: a rename in this year's cohort never changes what
last year's analysis said. A lead copies another cohort's codebook on purpose.

A coding never copies the words it codes: it keeps the source key, the span and a
digest of the span's text. The words are read through `lms_codable_texts` at every
view, so when a text stops being codable (consent withdrawn) its codings drop out
everywhere, and if the text changes under a coding the digest no longer matches and
the coding drops out too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.models import utcnow
from lms.extensions import db

coding_themes = Table(
    "evaluation_coding_themes",
    db.metadata,
    Column(
        "coding_id",
        Integer,
        ForeignKey("evaluation_codings.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "theme_id",
        Integer,
        ForeignKey("evaluation_themes.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Theme(db.Model):
    """A theme of a cohort's codebook, or a sub-theme when it has a parent."""

    __tablename__ = "evaluation_themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("evaluation_themes.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    definition: Mapped[str] = mapped_column(Text, default="")
    example: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Theme | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Theme]] = relationship(
        back_populates="parent", order_by="Theme.name", passive_deletes=True
    )

    @property
    def full_name(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent else self.name


class Coding(db.Model):
    """One coder's coding of one excerpt (a span of a codable text) with themes."""

    __tablename__ = "evaluation_codings"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(200), index=True)
    start: Mapped[int]
    end: Mapped[int]
    # SHA-256 of the excerpt's text: detects a source that changed under the coding.
    digest: Mapped[str] = mapped_column(String(64))
    # Erasing a coder keeps the coding (it is part of the analysis) without its coder.
    coder_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The coder's analytic memo on the excerpt: their own words, erased with them.
    memo: Mapped[str] = mapped_column(Text, default="", server_default="")

    themes: Mapped[list[Theme]] = relationship(secondary=coding_themes, order_by=Theme.name)
