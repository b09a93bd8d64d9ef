"""The upload page and remove button that plugins' views share for evidence files.

A plugin's view decides who may see the record and where its files hang
(`attached_to`); these do the HTTP part the same way everywhere."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, flash, g, redirect, render_template
from flask_login import current_user

from lms.core import files
from lms.core.forms import EvidenceFilesForm, RemoveFileForm
from lms.extensions import db


@dataclass(frozen=True)
class FileRow:
    file: files.StoredFile
    download_url: str
    remove_url: str | None = None


def rows(attached_to: str, download_url: Callable, remove_url: Callable | None = None):
    return [
        FileRow(f, download_url(f), remove_url(f) if remove_url else None)
        for f in files.files_attached(attached_to)
    ]


def upload_page(*, attached_to: str, done_url: str, page: dict, file_rows: list[FileRow]):
    """Show the files and the form; on a post, keep every file or none, with the reason
    by the field. `page` holds the words: title, caption, intro, back_url, action."""
    too_large = g.get("body_too_large")
    form = EvidenceFilesForm(formdata=None) if too_large else EvidenceFilesForm()
    status = 200
    if too_large:
        limit = current_app.config["MAX_CONTENT_LENGTH"] // 1024 // 1024
        form.files.errors = [
            f"The files you chose add up to more than {limit} MB, so none was added: "
            "choose fewer or smaller files"
        ]
        status = 413
    elif form.validate_on_submit():
        try:
            added = files.store_files(current_user, attached_to, form.uploads())
        except files.FileProblem as problem:
            db.session.rollback()
            form.files.errors = [*form.files.errors, str(problem)]
        else:
            db.session.commit()
            names = ", ".join(f"‘{f.original_name}’" for f in added)
            flash(f"Added {names}.")
            return redirect(done_url)
    if form.errors and status == 200:
        status = 400
    return render_template(
        "files/manage.html",
        form=form,
        remove_form=RemoveFileForm(formdata=None),
        rows=file_rows,
        max_mb=current_app.config["FILES_MAX_MB"],
        types_in_words=files.TYPES_IN_WORDS,
        accept=files.ACCEPT,
        **page,
    ), status


def remove_file(stored: files.StoredFile, done_url: str):
    """The owner's remove button (the view has checked it is theirs)."""
    if not RemoveFileForm().validate_on_submit():
        flash("The file was not removed: try again.")
        return redirect(done_url)
    name = stored.original_name
    files.remove(stored, current_user)
    db.session.commit()
    flash(f"‘{name}’ is removed.")
    return redirect(done_url)
