"""Evidence files on a change initiative: its owner adds and removes them; whoever may
read the initiative (the same check as its page) downloads them.

Routes on the initiatives blueprint. The owner's pages live under `/mine`, like the
other forms: no initiative id in the URL means no id to guess."""

from __future__ import annotations

from flask import abort, g, url_for

from lms.core import file_views, files
from lms.core.files import answers_too_large
from lms.core.permissions import requires
from lms.plugins.initiatives.views import _own_initiative, _visible, bp


def attached_to(initiative) -> str:
    return f"initiative:{initiative.id}"


def file_rows(initiative, removable: bool = False) -> list[file_views.FileRow]:
    slug = g.cohort.slug

    def download(f):
        return url_for(
            "initiatives.download_file", slug=slug, initiative_id=initiative.id, file_id=f.id
        )

    def remove(f):
        return url_for("initiatives.remove_file", slug=slug, file_id=f.id)

    return file_views.rows(attached_to(initiative), download, remove if removable else None)


@bp.route("/mine/files", methods=["GET", "POST"])
@answers_too_large
@requires("initiatives.record")
def files_page(slug):
    initiative = _own_initiative()
    page_url = url_for(".files_page", slug=slug)
    return file_views.upload_page(
        attached_to=attached_to(initiative),
        done_url=page_url,
        file_rows=file_rows(initiative, removable=True),
        page={
            "title": "Evidence files",
            "caption": initiative.title,
            "intro": "Add documents and pictures that show your initiative's work: your "
            "initiative outline, a plan, minutes, photos of a workshop. Your tutor and "
            "programme lead can open them, as they can read your initiative.",
            "back_url": url_for(".show", slug=slug, initiative_id=initiative.id),
            "action": page_url,
        },
    )


@bp.route("/mine/files/<int:file_id>/remove", methods=["POST"])
@requires("initiatives.record")
def remove_file(slug, file_id):
    initiative = _own_initiative()
    stored = files.file_attached(file_id, attached_to(initiative))
    if stored is None:
        abort(404)
    return file_views.remove_file(stored, url_for(".files_page", slug=slug))


@bp.route("/<int:initiative_id>/files/<int:file_id>")
@requires("initiatives.view")
def download_file(slug, initiative_id, file_id):
    initiative = _visible(initiative_id)
    stored = files.file_attached(file_id, attached_to(initiative))
    if stored is None:
        abort(404)
    return files.download(stored)
