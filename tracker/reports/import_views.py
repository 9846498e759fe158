"""Spreadsheet import pages: start and template, dry run with progress, apply, done.

The uploaded file is read into memory and never written to disk. Small files are
checked and applied within the request; large ones in a background thread while the
job page refreshes itself.
"""

from __future__ import annotations

import io

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf.file import FileField
from sqlalchemy import select
from sqlalchemy.orm import defer
from werkzeug.datastructures import FileStorage
from werkzeug.routing import BuildError

from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, requires
from tracker.extensions import db
from tracker.forms import BaseForm
from tracker.reports import import_template as template_files
from tracker.reports import importing
from tracker.reports.blueprint import bp
from tracker.reports.import_reading import ImportFileError, file_format
from tracker.reports.models import ImportJob, ImportStatus

XLSX_BACKGROUND_BYTES = 100_000  # about 2,000 rows of a compressed workbook
RECENT_JOBS = 5
MAX_ID = 2**31 - 1


def _memory_stream(*args, **kwargs) -> io.BytesIO:
    return io.BytesIO()


@bp.url_value_preprocessor
def _keep_upload_off_disk(endpoint: str | None, values: dict | None) -> None:
    """An uploaded log may hold exactly what the identifier guard refuses, so it must not
    touch the disk. Werkzeug spools uploads over 500 KB to a temporary file; this runs
    before any before-request hook (the CSRF check parses the form) and gives the parser a
    memory buffer instead. MAX_CONTENT_LENGTH (20 MB) bounds its size."""
    if endpoint == "reports.import_upload":
        request._get_file_stream = _memory_stream


class ImportUploadForm(BaseForm):
    file = FileField("Upload your spreadsheet")


def _start_page(form: ImportUploadForm, status: int = 200):
    recent = db.session.scalars(
        select(ImportJob).options(defer(ImportJob.rows))
        .where(ImportJob.practice_id == current_user.practice_id)
        .order_by(ImportJob.created_at.desc(), ImportJob.id.desc()).limit(RECENT_JOBS)
    ).all()
    return render_template(
        "reports/import_start.html", title="Import your log from a spreadsheet", form=form,
        columns=importing.COLUMNS, recent=recent, form_errors=form.error_summary(),
    ), status


@bp.get("/import")
@requires(Permission.REPORTS_IMPORT)
def import_start():
    return _start_page(ImportUploadForm())


@bp.get("/import/template.<any(csv, xlsx):fmt>")
@requires(Permission.REPORTS_IMPORT)
def import_template(fmt: str):
    if fmt == "csv":
        data, mimetype = template_files.template_csv(), template_files.CSV_MIMETYPE
    else:
        data, mimetype = template_files.template_xlsx(), template_files.XLSX_MIMETYPE
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="hospital-workload-import-template.{fmt}"',
    })


@bp.post("/import")
@requires(Permission.REPORTS_IMPORT)
def import_upload():
    form = ImportUploadForm()
    if not form.validate_on_submit():
        return _start_page(form, 400)
    upload = form.file.data
    if not isinstance(upload, FileStorage) or not upload.filename:
        form.add_error("file", "Choose a CSV or XLSX file to upload")
        return _start_page(form)
    data = upload.read()  # at most MAX_CONTENT_LENGTH (20 MB); larger uploads get the 413 page
    try:
        fmt = file_format(upload.filename, data)
    except ImportFileError as problem:
        form.add_error("file", str(problem))
        return _start_page(form)

    job = ImportJob(
        practice_id=current_user.practice_id, user_id=current_user.id,
        filename=importing.safe_filename(upload.filename), status=ImportStatus.CHECKING,
        errors=[], rows=None,
    )
    db.session.add(job)
    db.session.commit()
    filename = upload.filename
    if _in_background(fmt, data):
        importing.run_in_background(
            current_app._get_current_object(),
            lambda job: importing.check_upload(job, filename, data, progress=importing.committing_progress(job)),
            job.id,
        )
    else:
        importing.run_job(lambda job: importing.check_upload(job, filename, data), job.id)
    return redirect(url_for("reports.import_job", job_id=job.id))


def _in_background(fmt: str, data: bytes) -> bool:
    if current_app.config["TESTING"]:
        return False
    if fmt == "csv":
        return data.count(b"\n") > importing.BACKGROUND_MIN_ROWS
    return len(data) > XLSX_BACKGROUND_BYTES


def _load_job(job_id: int) -> ImportJob:
    """The job, if it belongs to the user's practice (404 otherwise). Rows load only when used."""
    if job_id > MAX_ID:  # past the integer column's range: no such job (and no database error)
        abort(404)
    job = db.session.scalar(select(ImportJob).options(defer(ImportJob.rows)).where(ImportJob.id == job_id))
    if job is None or job.practice_id != current_user.practice_id:
        abort(404)
    return job


def _percent(job: ImportJob) -> int:
    return min(100, job.processed_rows * 100 // job.total_rows) if job.total_rows else 0


@bp.get("/import/<int:job_id>")
@requires(Permission.REPORTS_IMPORT)
def import_job(job_id: int):
    job = _load_job(job_id)
    if job.status is ImportStatus.APPLIED:
        return redirect(url_for("reports.import_done", job_id=job.id))
    stale = importing.is_stale(job)
    if job.status in (ImportStatus.CHECKING, ImportStatus.APPLYING) and not stale:
        title = "Checking your file" if job.status is ImportStatus.CHECKING else "Importing your reports"
        return render_template("reports/import_progress.html", title=title, job=job, percent=_percent(job))
    rows = job.rows if job.status is ImportStatus.CHECKED else None
    return render_template(
        "reports/import_results.html",
        title="Your file has problems" if job.errors or stale else "Check your import",
        job=job, stale=stale, can_apply=importing.can_apply(job),
        ready=importing.rows_ready(job) if job.status is ImportStatus.CHECKED else 0,
        with_problems=importing.rows_with_errors(job),
        file_errors=[e for e in job.errors if e.get("row") is None],
        row_errors=[e for e in job.errors if e.get("row") is not None],
        summary=importing.summary(rows) if rows else None,
    )


@bp.get("/import/<int:job_id>/status")
@requires(Permission.REPORTS_IMPORT)
def import_status(job_id: int):
    """The job's progress as JSON, for scripts and for pages that poll."""
    job = _load_job(job_id)
    return jsonify(
        status=job.status.value, total_rows=job.total_rows, processed_rows=job.processed_rows,
        percent=_percent(job), created_count=job.created_count, error_count=len(job.errors),
        running=job.status in (ImportStatus.CHECKING, ImportStatus.APPLYING) and not importing.is_stale(job),
    )


@bp.post("/import/<int:job_id>/apply")
@requires(Permission.REPORTS_IMPORT)
def import_apply(job_id: int):
    job = _load_job(job_id)
    if job.status in (ImportStatus.APPLYING, ImportStatus.APPLIED):
        # A second press of the button: the first one is importing (or has imported) the file.
        return redirect(url_for("reports.import_job", job_id=job.id))
    if not importing.claim_for_apply(job):
        flash("Nothing was imported: fix the problems in the file and upload it again.", "warning")
        return redirect(url_for("reports.import_job", job_id=job.id))
    if job.total_rows > importing.BACKGROUND_MIN_ROWS and not current_app.config["TESTING"]:
        db.session.commit()
        user_id = current_user.id
        importing.run_in_background(
            current_app._get_current_object(),
            lambda job: importing.apply_job(job, db.session.get(User, user_id),
                                            progress=importing.publishing_progress(job.id)),
            job.id,
        )
        return redirect(url_for("reports.import_job", job_id=job.id))
    user = current_user._get_current_object()
    importing.run_job(lambda job: importing.apply_job(job, user), job.id)
    return redirect(url_for("reports.import_done", job_id=job.id))


@bp.get("/import/<int:job_id>/done")
@requires(Permission.REPORTS_IMPORT)
def import_done(job_id: int):
    job = _load_job(job_id)
    if job.status is not ImportStatus.APPLIED:
        return redirect(url_for("reports.import_job", job_id=job.id))
    try:
        reports_url = url_for("reports.list_reports")
    except BuildError:  # the practice's list of reports is not part of this build
        reports_url = None
    return render_template("reports/import_done.html", title="Reports imported", job=job, reports_url=reports_url)
