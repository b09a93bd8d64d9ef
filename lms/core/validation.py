"""Rules for what people type into names and emails, for every way in (roster import,
member and tutor-group forms, the cohort form, invitations): one place, one wording.

Each check returns a message (a sentence fragment after the field's label) or None.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Unicode's control characters (category Cc): C0, DEL and C1. A pattern, not a loop
# over characters: a national roster has a million characters to check.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")

# The columns these values are stored in (PostgreSQL refuses longer values).
LIMITS = {
    "email": 254,
    "given_name": 100,
    "family_name": 100,
    "organisation": 200,
    "job_title": 200,
    "area": 200,
    "tutor_group": 60,
    "cohort_name": 120,
}


def text_problem(value: str, limit: int) -> str | None:
    """Too long, a control character (CR and LF included), or a spreadsheet formula."""
    if len(value) > limit:
        return f"must be {limit} characters or fewer (it has {len(value)})"
    if _CONTROL.search(value):
        return "must not contain line breaks, tabs or other control characters"
    if value.startswith(FORMULA_START):
        # A spreadsheet would run it as a formula when a lead opens an export.
        return "must not start with =, +, -, @ or a tab"
    return None


def _scripts(label: str) -> set[str]:
    """The writing systems of a label's letters (digits and hyphens belong to none)."""
    return {
        unicodedata.name(ch, "UNKNOWN").split(" ")[0]
        for ch in label
        if unicodedata.category(ch).startswith("L")
    }


def email_problem(value: str) -> tuple[str, str | None]:
    """(normalised email, None) or (value, message). Refuses lookalikes: letters before
    the @ must be plain ASCII, and no part of the domain may mix writing systems or use
    full-width forms (so a Cyrillic "а" cannot pass for a Latin "a")."""
    EmailNotValidError, validate_email = _email_validator()
    if len(value) > LIMITS["email"]:
        return value, f"must be {LIMITS['email']} characters or fewer"
    plain = value.isascii()  # nearly every address: no look-alike checks needed
    if not plain and unicodedata.normalize("NFKC", value) != unicodedata.normalize("NFC", value):
        return value, "contains full-width or other look-alike characters: type it again"
    local = value.rpartition("@")[0]
    if not plain and not local.isascii():
        odd = next(ch for ch in local if not ch.isascii())
        name = unicodedata.name(odd, "an unnamed character").lower()
        return value, (
            f"{value!r} has {odd!r} ({name}) before the @: only plain ASCII letters, digits "
            "and punctuation are accepted there, so no look-alike address can be made"
        )
    try:
        # allow_smtputf8=False: only ASCII before the @ (no look-alike mailboxes).
        found = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        return value, f"{value!r} is not a valid email: {error}"
    for label in () if plain else value.rsplit("@", 1)[1].split("."):
        if len(_scripts(label)) > 1:
            return value, f"{value!r} mixes alphabets in {label!r}: type it again"
    return found.normalized.strip().lower(), None


@cache
def _email_validator():
    # Imported on first use: email_validator compiles large regular expressions.
    from email_validator import EmailNotValidError, validate_email

    return EmailNotValidError, validate_email
