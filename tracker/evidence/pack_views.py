"""Evidence packs: choose the trusts and the period, then download a PDF, XLSX or CSV file.

The downloads are GETs with the form's parameters (they change nothing); each records an
audit event with codes and counts only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker import audit
from tracker.accounts.permissions import Permission
from tracker.evidence import data
from tracker.evidence.blueprint import bp
from tracker.evidence.downloads import send_download
from tracker.evidence.forms import PackForm
from tracker.evidence.pack import EvidencePack, build_pack
from tracker.evidence.pack_files import pack_csv, pack_pdf, pack_xlsx
from tracker.accounts.permissions import requires_any
from tracker.evidence.scope import pack_scope
from tracker.extensions import db
from tracker.organisations.models import Trust
from tracker.summaries.periods import DEFAULT_PRESET, Period, parse_custom_period, preset_period
from tracker.summaries.scope import ScopeKind, SummaryScope

PACK_FORMATS = {"pdf": "PDF report", "xlsx": "Spreadsheet (XLSX)", "csv": "CSV file, one row per case"}
_PACK_PERMISSIONS = (Permission.LMC_EVIDENCE_EXPORT, Permission.PRACTICE_SUMMARY_READ)


@dataclass
class PackRequest:
    form: PackForm
    trusts: list[Trust]
    period: Period | None
    has_trusts: bool

    @property
    def valid(self) -> bool:
        return self.period is not None and bool(self.trusts) and not self.form.error_summary()


def _scope() -> SummaryScope:
    scope = pack_scope(current_user)
    if scope is None:
        abort(403)
    return scope


def _read_request(scope: SummaryScope, today: date) -> PackRequest:
    """The pack form from the query string; defaults to the last 12 whole months."""
    default = preset_period(DEFAULT_PRESET, today)
    args = request.args.copy()
    args.setdefault("from", default.start.isoformat())
    args.setdefault("to", default.end.isoformat())
    form = PackForm(formdata=args)
    options = data.trusts_with_reports(scope)
    form.trust.choices = [(t.ods_code, t.label) for t in options]
    # An untouched form has neither; a form sent with no trust ticked still has the format.
    if "trust" not in request.args and "format" not in request.args:
        return PackRequest(form, [], None, bool(options))
    form.trust.data = [code for code in form.trust.data or [] if code]
    form.validate()
    period, errors = parse_custom_period(form.date_from.data or "", form.date_to.data or "", today)
    for key, field in (("from", form.date_from), ("to", form.date_to)):
        if key in errors:
            field.errors = [*field.errors, errors[key]]
    trusts: list[Trust] = []
    if not form.trust.errors:
        found = {t.ods_code: t for t in db.session.scalars(select(Trust).where(Trust.ods_code.in_(form.trust.data)))}
        trusts = sorted((found[code] for code in dict.fromkeys(form.trust.data)), key=lambda t: t.name)
    return PackRequest(form, trusts, period, bool(options))


def _form_page(pack_request: PackRequest):
    form = pack_request.form
    return render_template(
        "evidence/pack_form.html", title="Make an evidence pack", form=form, formats=PACK_FORMATS,
        chosen_format=request.args.get("format", "pdf"), has_trusts=pack_request.has_trusts,
        form_errors=form.error_summary(), scope_is_lmc=pack_scope(current_user).kind is ScopeKind.LMC,
    )


@bp.route("/pack")
@requires_any(*_PACK_PERMISSIONS)
def pack():
    scope = _scope()
    pack_request = _read_request(scope, date.today())
    # Only the form's own submit (which sends a format) downloads; a link from a trust
    # summary carries a trust and period to fill the form in, and shows it.
    if pack_request.valid and "format" in request.args:
        file_format = request.args["format"]
        if file_format in PACK_FORMATS:
            args = request.args.to_dict(flat=False)
            args.pop("format", None)
            return redirect(url_for(f"evidence.pack_{file_format}", **args))
        pack_request.form.add_error(None, "Choose the kind of file: PDF, spreadsheet or CSV")
    return _form_page(pack_request)


def _download(file_format: str):
    scope = _scope()
    pack_request = _read_request(scope, date.today())
    if not pack_request.valid:
        if "trust" not in request.args:
            pack_request.form.trust.errors = ["Choose at least one trust"]
        return _form_page(pack_request)
    built = build_pack(scope, pack_request.trusts, pack_request.period, include_names=pack_request.form.include_names)
    content = {"pdf": pack_pdf, "xlsx": pack_xlsx, "csv": pack_csv}[file_format](built)
    _audit(scope, built, file_format)
    db.session.commit()
    return send_download(content, built.file_name(file_format).rsplit(".", 1)[0], file_format)


def _audit(scope: SummaryScope, built: EvidencePack, file_format: str) -> None:
    audit.record(
        "evidence_pack.downloaded", actor=current_user, object_type=scope.kind.value,
        object_id=scope.organisation_id,
        practice_id=scope.organisation_id if scope.kind is ScopeKind.PRACTICE else None,
        file_format=file_format, trust=built.trust_codes[0] if len(built.sections) == 1 else "multiple",
        trust_count=len(built.sections), report_count=built.reports, include_names=built.include_names,
        period_start=built.period.start.isoformat(), period_end=built.period.end.isoformat(),
    )


@bp.route("/pack/pdf", endpoint="pack_pdf")
@requires_any(*_PACK_PERMISSIONS)
def pack_pdf_download():
    return _download("pdf")


@bp.route("/pack/xlsx", endpoint="pack_xlsx")
@requires_any(*_PACK_PERMISSIONS)
def pack_xlsx_download():
    return _download("xlsx")


@bp.route("/pack/csv", endpoint="pack_csv")
@requires_any(*_PACK_PERMISSIONS)
def pack_csv_download():
    return _download("csv")
