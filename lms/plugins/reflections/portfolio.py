"""A member's reflections as a learning portfolio (Markdown, DOCX) and as personal data."""

from __future__ import annotations

import io
import json

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.core.curriculum_loader import programme
from lms.core.models import Membership, User
from lms.extensions import db
from lms.plugins.reflections.evaluation import ERASED
from lms.plugins.reflections.models import Entry, Feedback


def _entries(membership_ids: list[int]) -> list[Entry]:
    if not membership_ids:
        return []
    return list(
        db.session.scalars(
            select(Entry)
            .where(Entry.membership_id.in_(membership_ids))
            .options(selectinload(Entry.versions), selectinload(Entry.feedback))
            .order_by(Entry.membership_id, Entry.week)
        )
    )


def portfolio_sections(membership: Membership) -> list[dict]:
    """Each week with an entry: title, status and the latest text per prompt."""
    from lms.core.files import files_attached

    course = programme(membership.cohort.programme)
    sections = []
    entries = _entries([membership.id])
    evidence: dict[str, list] = {}
    for stored in files_attached([f"reflection:{entry.id}" for entry in entries]):
        evidence.setdefault(stored.attached_to, []).append(stored)
    for entry in entries:
        if not entry.versions:
            continue
        week = course.week(entry.week)
        latest = entry.versions[-1]
        answers = latest.answers
        sections.append(
            {
                "week": entry.week,
                "title": week.title,
                "status": "submitted" if entry.is_submitted else "draft",
                "late": entry.late,
                "saved": latest.created_at,
                "answers": [(prompt.label, answers.get(prompt.id, "")) for prompt in week.prompts],
                "feedback": [(item.author_role, item.body) for item in entry.feedback],
                "files": evidence.get(f"reflection:{entry.id}", []),
            }
        )
    return sections


def portfolio_markdown(membership: Membership) -> str:
    user, cohort = membership.user, membership.cohort
    lines = [f"# Reflective log: {user.full_name}", "", f"{cohort.name}", ""]
    for section in portfolio_sections(membership):
        lines += [f"## Week {section['week']}: {section['title']}", ""]
        state = section["status"] + (" (late)" if section["late"] else "")
        lines += [f"*{state.capitalize()}, last saved {section['saved']:%-d %B %Y}*", ""]
        for label, text in section["answers"]:
            lines += [f"### {label}", "", text.strip() or "(no answer)", ""]
        if section["files"]:
            lines += ["### Evidence files", ""]
            lines += [
                f"- {f.original_name} ({f.type_name}, {f.size_text})" for f in section["files"]
            ]
            lines += [""]
        if section["feedback"]:
            lines += ["### Feedback", ""]
            for role, body in section["feedback"]:
                who = "Tutor" if role == "tutor" else "You"
                lines += [f"**{who}:** {body}", ""]
    return "\n".join(lines).rstrip() + "\n"


def portfolio_docx(membership: Membership) -> bytes:
    from docx import Document

    user, cohort = membership.user, membership.cohort
    document = Document()
    document.add_heading(f"Reflective log: {user.full_name}", level=0)
    document.add_paragraph(cohort.name)
    for section in portfolio_sections(membership):
        document.add_heading(f"Week {section['week']}: {section['title']}", level=1)
        state = section["status"] + (" (late)" if section["late"] else "")
        document.add_paragraph(
            f"{state.capitalize()}, last saved {section['saved']:%-d %B %Y}"
        ).italic = True
        for label, text in section["answers"]:
            document.add_heading(label, level=2)
            for paragraph in (text.strip() or "(no answer)").split("\n\n"):
                document.add_paragraph(paragraph)
        if section["files"]:
            _add_evidence(document, section["files"])
        if section["feedback"]:
            document.add_heading("Feedback", level=2)
            for role, body in section["feedback"]:
                paragraph = document.add_paragraph()
                paragraph.add_run("Tutor: " if role == "tutor" else "You: ").bold = True
                paragraph.add_run(body)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _add_evidence(document, stored_files) -> None:
    """Pictures go into the document; other files are named (they are in the download)."""
    from docx.shared import Cm

    from lms.core.files import read

    document.add_heading("Evidence files", level=2)
    for stored in stored_files:
        document.add_paragraph(f"{stored.original_name} ({stored.type_name}, {stored.size_text})")
        if stored.content_type.startswith("image/"):
            try:
                document.add_picture(io.BytesIO(read(stored)), width=Cm(12))
            except Exception:  # noqa: BLE001 - a picture Word cannot take stays a name
                current_app.logger.warning("picture %s left out of a portfolio", stored.id)


def personal_data(user: User) -> dict:
    """Everything held about `user`: their entries with every version and thread, and
    feedback they wrote as a tutor (without the other person's text)."""
    memberships = {m.id: m for m in user.memberships}
    entries = []
    for entry in _entries(list(memberships)):
        entries.append(
            {
                "cohort": memberships[entry.membership_id].cohort.slug,
                "week": entry.week,
                "shared_with_tutors": entry.shared,
                "evaluation_consent": entry.evaluation_consent,
                "late": entry.late,
                "versions": [
                    {
                        "number": version.number,
                        "kind": version.kind,
                        "saved_at": version.created_at.isoformat(),
                        "answers": version.answers,
                    }
                    for version in entry.versions
                ],
                "feedback": [
                    {
                        "from": item.author_role,
                        "at": item.created_at.isoformat(),
                        "message": item.body,
                    }
                    for item in entry.feedback
                ],
            }
        )
    written = db.session.scalars(
        select(Feedback).where(Feedback.author_id == user.id, Feedback.author_role == "tutor")
    )
    return {
        "reflections": entries,
        "feedback_written": [
            {"at": item.created_at.isoformat(), "message": item.body} for item in written
        ],
    }


def erase_personal_data(user: User) -> None:
    """Anonymise: every answer and reply becomes "[erased]", consent is withdrawn and
    authorship removed. Entries and versions stay, so counts and statuses still add up.
    Feedback this user wrote as a tutor keeps its text (it is part of the trainee's
    record) but no longer names them."""
    membership_ids = [m.id for m in user.memberships]
    for entry in _entries(membership_ids):
        entry.evaluation_consent = False
        for version in entry.versions:
            version.answers_json = json.dumps({key: ERASED for key in version.answers})
        for item in entry.feedback:
            if item.author_role == "trainee":
                item.body = ERASED
    db.session.execute(
        Feedback.__table__.update().where(Feedback.author_id == user.id).values(author_id=None)
    )
    db.session.execute(
        Entry.__table__.update().where(Entry.reviewed_by_id == user.id).values(reviewed_by_id=None)
    )
    db.session.flush()
