"""The quick form to log a case, and the practice's own log: list, detail, edit, withdraw.

Each view parses the request, checks the permission, calls one service from
``services.py`` and commits. A report of another practice answers 404 on every view.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from tracker import privacy, triage
from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, requires
from tracker.audit.models import AuditEvent
from tracker.categories.models import Category
from tracker.extensions import db
from tracker.organisations.models import Practice
from tracker.reports import form_options, forms, queries, services  # noqa: F401  (form_options: template helpers)
from tracker.reports.blueprint import bp
from tracker.reports.models import ActionTaken, Direction, PatientImpact, Report, Source, StaffRole, Status

SAVE_AND_LOG_ANOTHER = "save-another"


def _practice() -> Practice:
    # Only practice roles hold the REPORTS_* permissions, and each belongs to one practice.
    practice = current_user.practice
    if practice is None:
        abort(403)
    return practice


def _load_report(report_id: int) -> Report:
    """The report, if it belongs to the user's practice; 404 otherwise (even if it exists)."""
    report = db.session.get(Report, report_id, options=[joinedload(Report.trust)])  # pages name the provider
    if report is None or report.practice_id != _practice().id:
        abort(404)
    return report


def _categories() -> dict[str, Category]:
    return {c.slug: c for c in queries.categories()}


def _render_form(template: str, form: forms.ReportForm, lists: queries.QuickFormLists | None = None,
                 **context) -> str:
    practice = _practice()
    trusts = queries.open_trusts()
    report = context.get("report")
    if report is not None and report.trust is not None and all(t.id != report.trust_id for t in trusts):
        # A trust that has closed since the report was logged stays choosable for that report.
        trusts = sorted([*trusts, report.trust], key=lambda t: t.name)
    lists = lists or queries.quick_form_lists(practice.id)
    choices = dict(
        recent_trusts=lists.recent_trusts,
        trusts=trusts,
        recent_specialties=lists.recent_specialties,
        specialties=queries.all_specialties(),
        categories=queries.categories(),
        sources=list(Source),
        actions=list(ActionTaken),
        impacts=list(PatientImpact),
        directions=list(Direction),
        staff_roles=list(StaffRole),
        description_max=services.DESCRIPTION_MAX,
    )
    if report is None and "check_suggestion" not in context and form_options.is_blank(form):
        context["fields_html"] = form_options.blank_form_fields(form, choices)
    return render_template(template, form=form, form_errors=form.error_summary(), **choices, **context)


def _parse(form_data) -> tuple[forms.ReportForm, services.ReportInput | None]:
    """Read and check a post of the quick form; the form carries the errors, if any."""
    form, raw, form_errors = forms.read_form(form_data)
    data, errors = services.parse_report(raw)
    form.errors = {**errors, **form_errors}
    return form, (None if form.errors else data)


def _suggested_category(form: forms.ReportForm) -> triage.Suggestion | None:
    """Without JavaScript the assistant runs on submit: a category left empty is suggested
    from the description, for the user to check before anything is saved."""
    if form.value("category_slug").strip() or not form.value("description").strip():
        return None
    if "description" in form.errors:  # too long, or holds an identifier
        return None
    suggestion = triage.suggest(form.value("description"))
    return suggestion if suggestion.confidence > 0 else None


# --- logging a case ------------------------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.REPORTS_LOG)
def new_report():
    practice = _practice()
    if request.method == "POST":
        token = forms.submission_token(request.form)
        form, data = _parse(request.form)
        # Shown again with the same token, so that fixing and resubmitting still logs one case.
        again = {"title": "Log a case", "submission_token": token or forms.new_submission_token()}
        suggestion = _suggested_category(form)
        if suggestion is not None:
            form.values["category_slug"] = suggestion.slug
            form.errors.pop("category_slug", None)
            return _render_form("reports/new.html", form, check_suggestion=suggestion,
                                suggested_title=_categories()[suggestion.slug].title, **again)
        if data is None:
            return _render_form("reports/new.html", form, **again)
        report_id, created = services.log_report(practice, current_user, data, submission_token=token)
        db.session.commit()
        if not created:
            flash("You had already saved this form, so it was not logged a second time.", "info")
        if request.form.get("action") == SAVE_AND_LOG_ANOTHER:
            return redirect(url_for("reports.new_report", logged=report_id))
        return redirect(url_for("reports.report_logged", report_id=report_id))

    lists = queries.quick_form_lists(practice.id, current_user.id)
    last = lists.last_used
    form = forms.default_form(date.today(), trust_code=last.trust_code, source=last.source)
    just_logged = None
    logged = request.args.get("logged", "")
    if logged.isascii() and logged.isdigit() and len(logged) <= 9:  # an id the database can hold
        just_logged = db.session.get(Report, int(logged))
        if just_logged is not None and just_logged.practice_id != practice.id:
            just_logged = None
    return _render_form("reports/new.html", form, lists, title="Log a case",
                        submission_token=forms.new_submission_token(), just_logged=just_logged)


@bp.route("/<int:report_id>/logged")
@requires(Permission.REPORTS_READ)
def report_logged(report_id: int):
    report = _load_report(report_id)
    return render_template("reports/logged.html", title="Case logged", report=report)


@bp.route("/suggest-category", methods=["POST"])
@requires(Permission.REPORTS_LOG)
def suggest_category():
    """The triage assistant for the form's script: a suggestion for the description as typed.

    The text is read, scored and dropped: it is never logged or stored here.
    """
    if request.is_json:
        payload = request.get_json(silent=True)
        text = payload.get("description") if isinstance(payload, dict) else None
    else:
        text = request.form.get("description")
    if not isinstance(text, str):
        return jsonify(error="Send the description as 'description'"), 400
    text = text[: services.DESCRIPTION_MAX * 2]
    suggestion = triage.suggest(text)
    category = db.session.get(Category, suggestion.slug)
    warning = None
    try:
        privacy.ensure_no_identifiers({"description": text})
    except privacy.IdentifierFound as found:
        warning = found.messages(services.FREE_TEXT_LABELS)["description"]
    return jsonify(
        slug=suggestion.slug if suggestion.confidence > 0 else None,
        title=category.title if category is not None and suggestion.confidence > 0 else None,
        confidence=suggestion.confidence,
        reasons=list(suggestion.reasons),
        explanation=suggestion.explanation,
        identifier_warning=warning,
    )


# --- the practice's log --------------------------------------------------------------------------

@bp.route("")
@requires(Permission.REPORTS_READ)
def list_reports():
    practice = _practice()
    categories = _categories()
    filters = queries.parse_filters(request.args, set(categories))
    page = queries.report_page(practice.id, filters)
    filter_errors = [{"text": message, "href": f"#filter-{key}"} for key, message in filters.errors.items()]
    return render_template(
        "reports/list.html",
        title="Your practice's cases",
        form_errors=filter_errors,
        filters=filters,
        result=page,
        categories=categories,
        statuses=list(Status),
        providers=queries.providers_used(practice.id),
        independent=queries.INDEPENDENT,
    )


AUDIT_ACTIONS = {
    "report.created": "Logged",
    "report.edited": "Changed",
    "report.withdrawn": "Withdrawn",
    "report.imported": "Imported",
}

FIELD_LABELS = {
    "received_on": "Date the request arrived",
    "trust_id": "Provider",
    "independent_provider": "Provider",
    "specialty_code": "Specialty",
    "source": "Where it came from",
    "direction": "Request or declined",
    "category_slug": "Category",
    "description": "Description",
    "action_taken": "Action taken",
    "patient_impact": "Effect on the patient",
    "staff_time": "Staff time",
    "withdrawn_at": "Withdrawn",
    "withdrawn_reason": "Reason for withdrawing",
    "status": "Status",
}


def _history(report: Report) -> list[dict]:
    rows = db.session.execute(
        select(AuditEvent, User.full_name)
        .outerjoin(User, AuditEvent.actor_id == User.id)
        .where(AuditEvent.object_type == "report", AuditEvent.object_id == report.id)
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()
    history = []
    for event, actor_name in rows:
        details = event.details or {}
        fields = details.get("fields") or []
        what = AUDIT_ACTIONS.get(event.action, event.action.split(".")[-1].replace("_", " ").capitalize())
        if event.action == "report.status_changed" and details.get("status") in {s.value for s in Status}:
            what, fields = f"Status changed to {Status(details['status']).label.lower()}", []
        history.append({
            "when": event.occurred_at,
            "who": actor_name or "The service",
            "what": what,
            "fields": list(dict.fromkeys(FIELD_LABELS.get(f, f.replace("_", " ").capitalize()) for f in fields)),
        })
    return history


@bp.route("/<int:report_id>")
@requires(Permission.REPORTS_READ)
def report_detail(report_id: int):
    report = _load_report(report_id)
    categories = _categories()
    people = {
        u.id: u.full_name
        for u in db.session.scalars(select(User).where(User.id.in_({report.logged_by_id, report.withdrawn_by_id} - {None})))
    }
    return render_template(
        "reports/detail.html",
        title=f"Case {report.id}",
        report=report,
        category=categories[report.category_slug],
        suggested=categories.get(report.suggested_category_slug or ""),
        people=people,
        history=_history(report),
    )


# --- changing a case -----------------------------------------------------------------------------

def _conflict(report: Report):
    return render_template("reports/conflict.html", title="This case was changed by someone else",
                           report=report), 409


@bp.route("/<int:report_id>/edit", methods=["GET", "POST"])
@requires(Permission.REPORTS_EDIT)
def edit_report(report_id: int):
    report = _load_report(report_id)
    if report.is_withdrawn:
        flash("This case has been withdrawn, so it cannot be changed.", "info")
        return redirect(url_for("reports.report_detail", report_id=report.id))
    if request.method == "GET":
        return _render_form("reports/edit.html", forms.form_from_report(report), title=f"Change case {report.id}",
                            report=report, version=report.version)

    version = request.form.get("version", "")
    # Nine digits at most: a version the column can hold (and int() of thousands of digits raises).
    if not (version.isascii() and version.isdigit() and len(version) <= 9) or int(version) != report.version:
        return _conflict(report)
    form, data = _parse(request.form)
    if data is None:
        return _render_form("reports/edit.html", form, title=f"Change case {report.id}", report=report,
                            version=int(version))
    try:
        changed = services.edit_report(report, current_user, data, expected_version=int(version))
        db.session.commit()
    except (services.EditConflict, StaleDataError):
        # Someone saved in between: nothing of this edit is kept.
        db.session.rollback()
        return _conflict(db.session.get(Report, report_id))
    flash("Your changes have been saved." if changed else "You did not change anything, so nothing was saved.", "info")
    return redirect(url_for("reports.report_detail", report_id=report.id))


@bp.route("/<int:report_id>/withdraw", methods=["GET", "POST"])
@requires(Permission.REPORTS_EDIT)
def withdraw_report(report_id: int):
    report = _load_report(report_id)
    if report.is_withdrawn:
        flash("This case has already been withdrawn.", "info")
        return redirect(url_for("reports.report_detail", report_id=report.id))
    reason, errors = "", {}
    if request.method == "POST":
        reason = request.form.get("reason") or ""
        try:
            services.withdraw_report(report, current_user, reason)
        except services.ReportError as error:  # raised before anything changed
            errors = error.errors
        except StaleDataError:
            # Someone withdrew or changed it at the same moment: theirs stands, nothing of this is kept.
            db.session.rollback()
            flash("Someone else changed this case at the same time. Check it before withdrawing it.", "info")
            return redirect(url_for("reports.report_detail", report_id=report_id))
        else:
            db.session.commit()
            flash("Case withdrawn. It is kept for the record, but left out of your counts and of summaries.", "info")
            return redirect(url_for("reports.report_detail", report_id=report.id))
    return render_template(
        "reports/withdraw.html", title=f"Withdraw case {report.id}", report=report, reason=reason,
        reason_error=errors.get("reason"), reason_max=services.REASON_MAX,
        form_errors=[{"text": message, "href": "#reason"} for message in errors.values()],
    )
