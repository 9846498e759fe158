"""Summary pages: trusts ranked for the scope, one trust's figures, and the reports behind them.

Every figure comes from ``queries.py``; these views parse GET parameters, call the
queries, and render. They never write.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from sqlalchemy import select

from tracker.extensions import db
from tracker.organisations.models import Trust
from tracker.summaries import queries
from tracker.summaries.access import requires_summary_access
from tracker.summaries.charts import monthly_chart
from tracker.summaries.drilldown import parse_drilldown
from tracker.summaries import exports
from tracker.summaries.periods import Period, Preset, choose_period
from tracker.summaries.queries import ReportFilter
from tracker.summaries.scope import SummaryScope

bp = Blueprint("summaries", __name__, url_prefix="/summaries")

PAGE_SIZE = 50


def _form_errors(errors: dict[str, str], anchor: str | None = None) -> list[dict]:
    """The NHS error summary's list; each message links to its field, or to ``anchor``."""
    return [{"text": message, "href": f"#{anchor or field}"} for field, message in errors.items()]


def _drill(period: Period, **fixed):
    """A template helper: the drill-down URL for ``period`` plus filters, e.g. ``drill(category='x')``."""

    def url(**filters) -> str:
        target = filters.pop("period", None) or period
        params = {**fixed, **{k: v for k, v in filters.items() if v not in (None, "")}}
        return url_for("summaries.reports", **{"from": target.start.isoformat(), "to": target.end.isoformat()}, **params)

    return url


def _page_title(scope: SummaryScope) -> str:
    return "Trust summaries" if scope.covers_many_practices else "Summaries"


@bp.route("")
@requires_summary_access
def index(scope: SummaryScope):
    choice = choose_period(request.args)
    context = {"scope": scope, "choice": choice, "presets": list(Preset), "page_title": _page_title(scope)}
    if choice.errors:
        return render_template("summaries/index.html", title=_page_title(scope), form_errors=_form_errors(choice.errors), **context)
    period = choice.period
    ranking = queries.provider_ranking(scope, period)
    months = queries.monthly_counts(scope, ReportFilter.for_period(period))
    chart = monthly_chart(months, title=f"Reports per month, all providers, {scope.name}", chart_id="all-providers")
    return render_template(
        "summaries/index.html", title=_page_title(scope), ranking=ranking, chart=chart, chart_months=months,
        chart_svg=chart, drill=_drill(period), **context,
    )


@bp.route("/trusts/<ods_code>")
@requires_summary_access
def trust(scope: SummaryScope, ods_code: str):
    trust = db.session.scalar(select(Trust).where(Trust.ods_code == ods_code.upper()[:5]))
    if trust is None:
        abort(404)
    choice = choose_period(request.args)
    context = {"scope": scope, "choice": choice, "presets": list(Preset), "trust": trust}
    if choice.errors:
        return render_template("summaries/trust.html", title=trust.name, form_errors=_form_errors(choice.errors), **context)
    period = choice.period
    summary = queries.trust_summary(scope, trust, period, current_app.config["HOURLY_RATES"])
    total_chart = monthly_chart(summary.by_month, title=f"Reports per month from {trust.name}", chart_id="trust-total")

    with_reports = [c for c in summary.by_category if c.count]
    chosen = request.args.get("chart", "")
    if chosen not in summary.months_by_category:
        chosen = with_reports[0].key if with_reports else ""
    category_chart = None
    if chosen:
        title = next(c.label for c in summary.by_category if c.key == chosen)
        category_chart = monthly_chart(
            summary.months_by_category[chosen],
            title=f"{title}: reports per month from {trust.name}",
            subject=f"{title}: reports per month", chart_id="trust-category",
        )
    total = summary.headline.current.reports
    return render_template(
        "summaries/trust.html", title=trust.name, summary=summary, period=period,
        total_chart=total_chart, total_svg=total_chart,
        category_chart=category_chart, category_svg=category_chart,
        chart_categories=with_reports, chosen_category=chosen, total=total,
        drill=_drill(period, trust=trust.ods_code), **context,
    )


def _show_practices(scope: SummaryScope) -> bool:
    return scope.covers_many_practices and request.args.get("show_practices") == "1"


@bp.route("/reports")
@requires_summary_access
def reports(scope: SummaryScope):
    drilldown = parse_drilldown(request.args)
    show_practices = _show_practices(scope)
    page = None
    if drilldown.filter is not None:
        page = queries.report_page(
            scope, drilldown.filter, request.args.get("page", 1, type=int), PAGE_SIZE, show_practices
        )
    return render_template(
        "summaries/reports.html", title="Reports behind the figures", scope=scope, drilldown=drilldown,
        page=page, show_practices=show_practices, links=_drilldown_links(drilldown, show_practices),
        form_errors=_form_errors(drilldown.errors, "filters"),
    )


def _drilldown_links(drilldown, show_practices: bool) -> dict:
    """URLs of the drill-down's own links: other pages, the names toggle and the CSV."""
    args = {**drilldown.args, **drilldown.choice.query_args()}
    shown = {**args, "show_practices": "1"}
    current = shown if show_practices else args
    return {
        "page": lambda number: url_for("summaries.reports", page=number, **current),
        "show_names": url_for("summaries.reports", **shown),
        "hide_names": url_for("summaries.reports", **args),
        "csv": url_for("summaries.reports_csv", **current),
    }


@bp.route("/reports.csv")
@requires_summary_access
def reports_csv(scope: SummaryScope):
    drilldown = parse_drilldown(request.args)
    if drilldown.filter is None:
        return render_template(
            "summaries/reports.html", title="Reports behind the figures", scope=scope, drilldown=drilldown,
            page=None, show_practices=False, links={}, form_errors=_form_errors(drilldown.errors, "filters"),
        )
    show_practices = _show_practices(scope)
    rows = queries.iter_report_rows(scope, drilldown.filter, show_practices)
    text = exports.reports_csv(rows, with_practice=scope.covers_many_practices)
    f = drilldown.filter
    filename = exports.csv_filename(drilldown.provider_slug, f.start, f.end, date.today())
    return Response(
        text.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
