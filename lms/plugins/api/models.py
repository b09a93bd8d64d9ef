"""Personal access tokens for the JSON API (table `api_tokens`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.models import User, utcnow
from lms.extensions import db

READ, READ_WRITE = "read", "read-write"
SCOPES = (READ, READ_WRITE)


class ApiToken(db.Model):
    """A member's token for scripts and reports (Excel, Power BI).

    Only the SHA-256 of the secret is kept: a copy of the database cannot be used to call
    the API. Revoking keeps the row (with `revoked_at`) so the owner sees what existed."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(20))  # read | read-write
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the secret (not enough to use it), so owners can tell
    # their tokens apart in logs and on the page.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.scope == READ_WRITE
