"""Evidence files on a week's reflection: its author adds, downloads and removes them;
a tutor downloads them from the entry they may read (the same check as that page).

Routes on the reflections blueprint."""

from __future__ import annotations

from flask import abort, g, request, url_for

from lms.core import file_views, files
from lms.core.files import answers_too_large
from lms.core.permissions import requires
from lms.plugins.reflections import review, services
from lms.plugins.reflections.views import REVIEW, WRITE, _author, _course_week, bp


def attached_to(entry) -> str:
    return f"reflection:{entry.id}"


def own_file_rows(entry, week: int, removable: bool = False) -> list[file_views.FileRow]:
    if entry is None:
        return []
    slug = g.cohort.slug

    def download(f):
        return url_for("reflections.own_file", slug=slug, week=week, file_id=f.id)

    def remove(f):
        return url_for("reflections.remove_file", slug=slug, week=week, file_id=f.id)

    return file_views.rows(attached_to(entry), download, remove if removable else None)


def tutor_file_rows(entry) -> list[file_views.FileRow]:
    slug = g.cohort.slug
    return file_views.rows(
        attached_to(entry),
        lambda f: url_for("reflections.entry_file", slug=slug, entry_id=entry.id, file_id=f.id),
    )


def _open_week(week: int):
    course_week = _course_week(week)
    if not services.is_open(g.cohort, week):
        abort(404)
    return course_week


@bp.route("/weeks/<int:week>/files", methods=["GET", "POST"])
@answers_too_large
@requires(WRITE)
def files_page(slug: str, week: int):
    membership = _author()
    course_week = _open_week(week)
    # The entry is made only when a file is added to it (and goes again if refused).
    if request.method == "POST":
        entry = services.ensure_entry(membership, week)
    else:
        entry = services.entry_of(membership, week)
    page_url = url_for(".files_page", slug=slug, week=week)
    return file_views.upload_page(
        attached_to=attached_to(entry) if entry else "",
        done_url=page_url,
        file_rows=own_file_rows(entry, week, removable=True),
        page={
            "title": f"Evidence files for week {week}",
            "caption": f"Week {week}: {course_week.title}",
            "intro": "Add documents and pictures that go with this week's reflection. "
            "They follow your choice of who can read it: if you share the reflection "
            "with your tutor, they can open these files too.",
            "back_url": url_for(".edit", slug=slug, week=week),
            "action": page_url,
        },
    )


def _own_entry_file(week: int, file_id: int):
    membership = _author()
    _course_week(week)
    entry = services.entry_of(membership, week)
    stored = files.file_attached(file_id, attached_to(entry)) if entry else None
    if stored is None:
        abort(404)
    return stored


@bp.route("/weeks/<int:week>/files/<int:file_id>/remove", methods=["POST"])
@requires(WRITE)
def remove_file(slug: str, week: int, file_id: int):
    stored = _own_entry_file(week, file_id)
    return file_views.remove_file(stored, url_for(".files_page", slug=slug, week=week))


@bp.route("/weeks/<int:week>/files/<int:file_id>")
@requires(WRITE)
def own_file(slug: str, week: int, file_id: int):
    return files.download(_own_entry_file(week, file_id))


@bp.route("/review/<int:entry_id>/files/<int:file_id>")
@requires(REVIEW)
def entry_file(slug: str, entry_id: int, file_id: int):
    entry = review.entry_for_tutor(g.membership, entry_id)
    stored = files.file_attached(file_id, attached_to(entry)) if entry else None
    if stored is None:
        abort(404)
    return files.download(stored)
