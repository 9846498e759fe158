"""LMC officers' pages for the feedback loop: the dashboard, raising reports with a trust,
and a raise's page where the reply is recorded and the raise closed.

Every page is the signed-in officer's own LMC only: another LMC's raise answers 404, and
reports outside the LMC's practices are never listed nor accepted.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from tracker.accounts.permissions import Permission, requires
from tracker.categories.models import Category
from tracker.extensions import db
from tracker.feedback import services
from tracker.feedback.forms import RaiseForm, ReplyForm
from tracker.feedback.models import TrustRaise
from tracker.organisations.services import trust_by_code
from tracker.reports.models import Report
from tracker.reports.services import parse_date

bp = Blueprint("feedback", __name__, url_prefix="/feedback")

# The raise page lists at most this many reports: narrow the period to see the others.
LIST_LIMIT = 500


def _lmc_id() -> int:
    # The database guarantees every LMC officer has an LMC.
    return current_user.lmc_id


def _apply_errors(form, errors: dict[str, str], anchors: dict[str, str] | None = None) -> list[dict]:
    """The service's messages on the form's fields, and the whole list for the error summary."""
    summary = form.error_summary()
    for key, message in errors.items():
        if key in form._fields:
            form.add_error(key, message)
            summary.append({"text": message, "href": f"#{form._fields[key].id}"})
        else:
            summary.append({"text": message, "href": (anchors or {}).get(key, "#maincontent")})
    return summary


def _date_or_none(text: str | None) -> tuple[date | None, bool]:
    """(the date, whether the text was unreadable)."""
    if not (text or "").strip():
        return None, False
    parsed = parse_date(text)
    return parsed, parsed is None


# --- the dashboard ---------------------------------------------------------------------


@bp.route("")
@requires(Permission.LMC_FEEDBACK_MANAGE)
def index():
    today = date.today()
    board = services.lmc_dashboard(_lmc_id(), today)
    return render_template("feedback/index.html", title="Raised with trusts", board=board, today=today)


# --- raising reports with a trust ----------------------------------------------------------


class _Filters:
    """The GET filters of the raise page: trust, period and category (step one of two)."""

    def __init__(self, args):
        self.trust_code = (args.get("trust") or "").strip().upper()
        self.received_from_text = (args.get("from") or "").strip()
        self.received_to_text = (args.get("to") or "").strip()
        self.category = (args.get("category") or "").strip().lower()
        self.show_practices = args.get("practices") == "show"
        self.tick_all = args.get("tick") == "all"
        self.errors: list[dict] = []
        self.field_errors: dict[str, str] = {}

        self.trust = trust_by_code(self.trust_code) if self.trust_code else None
        if self.trust_code and self.trust is None:
            self._error("trust", "Choose a trust from the list")
        self.received_from = self._date("from", self.received_from_text, "Start of the period")
        self.received_to = self._date("to", self.received_to_text, "End of the period")
        if self.received_from and self.received_to and self.received_from > self.received_to:
            self._error("to", "End of the period must be the same as or after the start")
        categories = {c.slug: c for c in db.session.scalars(select(Category).order_by(Category.position))}
        self.categories = list(categories.values())
        if self.category and self.category not in categories:
            self._error("category", "Choose a category from the list")

    def _date(self, key: str, text: str, label: str) -> date | None:
        parsed, unreadable = _date_or_none(text)
        if unreadable:
            self._error(key, f"{label} must be a real date, like 1/10/2026")
        return parsed

    def _error(self, key: str, message: str) -> None:
        self.field_errors[key] = message
        self.errors.append({"text": message, "href": f"#filter-{key}"})

    def query_args(self, **changes) -> dict:
        args = {
            "trust": self.trust_code, "from": self.received_from_text, "to": self.received_to_text,
            "category": self.category, "practices": "show" if self.show_practices else "",
        }
        args.update(changes)
        return {k: v for k, v in args.items() if v}


@bp.route("/raise", methods=["GET", "POST"])
@requires(Permission.LMC_FEEDBACK_MANAGE)
def new_raise():
    lmc_id = _lmc_id()
    filters = _Filters(request.args)
    trusts = services.trusts_with_reports_to_raise(lmc_id)
    reports: list[Report] = []
    if filters.trust is not None and not filters.errors:
        reports = services.reports_to_raise(
            lmc_id, filters.trust.id, received_from=filters.received_from, received_to=filters.received_to,
            category_slug=filters.category or None, limit=LIST_LIMIT + 1,
        )
    truncated = len(reports) > LIST_LIMIT
    reports = reports[:LIST_LIMIT]

    form = RaiseForm()
    if request.method == "GET":
        form.raised_on.data = date.today().isoformat()
    ticked = {r.id for r in reports} if filters.tick_all else set()
    form_errors = list(filters.errors)

    if request.method == "POST" and form.validate_on_submit():
        if filters.trust is None:
            abort(400)
        ids, unreadable = _posted_report_ids()
        ticked = set(ids)
        chosen = list(db.session.scalars(select(Report).where(Report.id.in_(ids)))) if ids else []
        raised_on, raised_on_unreadable = _date_or_none(form.raised_on.data)
        try:
            if unreadable or len(chosen) != len(ids):
                # Ids nobody could have ticked: answer as for reports outside the LMC.
                raise services.FeedbackError({"reports_outside_lmc": "Choose reports from the list"})
            trust_raise = services.raise_with_trust(
                current_user.lmc, filters.trust, chosen, raised_on, form.contact.data,
                form.contact_detail.data, form.document_sent.data, current_user,
            )
            db.session.commit()
        except services.FeedbackError as error:
            db.session.rollback()
            errors = dict(error.errors)
            if raised_on_unreadable:
                errors["raised_on"] = "Date raised must be a real date, like 21/11/2026"
            form_errors = _apply_errors(form, errors, anchors=_REPORT_ANCHORS)
        except StaleDataError:
            db.session.rollback()
            form_errors = [{"text": "Some of the reports changed while you were choosing. Check the list and try again",
                            "href": "#reports"}]
        else:
            flash(f"Raised {len(chosen)} report{'' if len(chosen) == 1 else 's'} with {filters.trust.name}. "
                  f"A reply is due by {trust_raise.reply_due_on.strftime('%-d %B %Y')}.", "info")
            return redirect(url_for("feedback.raise_detail", raise_id=trust_raise.id))
    elif request.method == "POST":
        form_errors = form.error_summary()

    report_errors = [e["text"] for e in form_errors if e["href"] == "#reports"]
    return render_template(
        "feedback/new_raise.html", title="Raise reports with a trust", form=form, filters=filters, trusts=trusts,
        reports=reports, truncated=truncated, ticked=ticked, form_errors=form_errors, report_errors=report_errors,
        limit=LIST_LIMIT,
    )


_REPORT_ANCHORS = {
    key: "#reports"
    for key in ("reports", "reports_outside_lmc", "reports_other_trust", "reports_withdrawn", "reports_already_raised")
}


def _posted_report_ids() -> tuple[list[int], bool]:
    values = request.form.getlist("report_id")
    # Nine digits at most: a longer "id" cannot be a report and must not reach the database.
    ids = sorted({int(v) for v in values if v.isascii() and v.isdigit() and len(v) <= 9})  # "²".isdigit() is True
    return ids, len(ids) != len(set(values))


# --- one raise ---------------------------------------------------------------------------


def _load_raise(raise_id: int) -> TrustRaise:
    trust_raise = services.lmc_raise(_lmc_id(), raise_id)
    if trust_raise is None:
        abort(404)
    return trust_raise


def _render_raise(trust_raise: TrustRaise, reply_form: ReplyForm, form_errors=None):
    today = date.today()
    show_practices = request.args.get("practices") == "show"
    reports = sorted(trust_raise.reports, key=lambda r: (r.received_on, r.id), reverse=True)
    return render_template(
        "feedback/raise_detail.html", title=f"Raised with {trust_raise.trust.name}", trust_raise=trust_raise,
        status=services.raise_status(trust_raise, today), reports=reports, reply_form=reply_form,
        form_errors=form_errors or [], show_practices=show_practices,
        practice_count=len({r.practice_id for r in reports}), category_titles=_category_titles(),
    )


def _category_titles() -> dict[str, str]:
    return dict(db.session.execute(select(Category.slug, Category.title)).all())


@bp.route("/raises/<int(max=2147483647):raise_id>")
@requires(Permission.LMC_FEEDBACK_MANAGE)
def raise_detail(raise_id: int):
    trust_raise = _load_raise(raise_id)
    form = ReplyForm(formdata=None)
    form.received_on.data = date.today().isoformat()
    return _render_raise(trust_raise, form)


@bp.route("/raises/<int(max=2147483647):raise_id>/reply", methods=["POST"])
@requires(Permission.LMC_FEEDBACK_MANAGE)
def record_reply(raise_id: int):
    trust_raise = _load_raise(raise_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _render_raise(trust_raise, form, form.error_summary())
    received_on, unreadable = _date_or_none(form.received_on.data)
    try:
        services.record_reply(trust_raise, received_on, form.summary.data, form.outcome.data, current_user)
        db.session.commit()
    except services.FeedbackError as error:
        db.session.rollback()
        errors = dict(error.errors)
        if unreadable:
            errors["received_on"] = "Date the reply arrived must be a real date, like 21/11/2026"
        trust_raise = _load_raise(raise_id)
        return _render_raise(trust_raise, form, _apply_errors(form, errors, {"reply": "#reply"}))
    flash(f"Recorded the reply from {trust_raise.trust.name}. The practices now see 'Trust responded'.", "info")
    return redirect(url_for("feedback.raise_detail", raise_id=raise_id))


@bp.route("/raises/<int(max=2147483647):raise_id>/close", methods=["POST"])
@requires(Permission.LMC_FEEDBACK_MANAGE)
def close_raise(raise_id: int):
    trust_raise = _load_raise(raise_id)
    try:
        services.close_raise(trust_raise, current_user)
        db.session.commit()
    except services.FeedbackError as error:
        db.session.rollback()
        for message in error.errors.values():
            flash(message, "warning")
        return redirect(url_for("feedback.raise_detail", raise_id=raise_id))
    flash("Closed. The practices now see their reports as closed.", "info")
    return redirect(url_for("feedback.raise_detail", raise_id=raise_id))


# --- for other features' pages ---------------------------------------------------------


@bp.app_template_global("feedback_for_report")
def feedback_for_report(report) -> list[tuple[TrustRaise, services.RaiseStatus]]:
    """For ``feedback/_report_status.html`` on the practice's report page."""
    today = date.today()
    return [(r, services.raise_status(r, today)) for r in services.raises_for_report(report.id)]


@bp.app_template_global("feedback_trust_summary")
def feedback_trust_summary(lmc_id: int | None, trust_id: int | None) -> services.TrustFeedbackSummary | None:
    """For ``feedback/_trust_status.html`` on the trust summary page."""
    if not lmc_id or not trust_id:
        return None
    return services.trust_feedback_summary(lmc_id, trust_id, date.today())
