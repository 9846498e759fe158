"""Summary pages: trusts ranked for the scope, one trust's figures, and the reports behind them.

Every figure comes from ``queries.py``; these views parse GET parameters, call the
queries, and render. They never write.
"""

from __future__ import annotations

from datetime import date
import re
from urllib.parse import quote, quote_plus

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import select

from tracker.extensions import db
from tracker.organisations.models import Trust
from tracker.summaries import queries
from tracker.summaries.access import requires_summary_access
from tracker.summaries.charts import monthly_chart
from tracker.summaries.drilldown import parse_drilldown
from tracker.summaries import exports, figure_cache, formatting
from tracker.summaries.periods import Period, Preset, choose_period
from tracker.summaries.queries import ReportFilter
from tracker.summaries.scope import SummaryScope

bp = Blueprint("summaries", __name__, url_prefix="/summaries")
for _name, _function in formatting.TEMPLATE_GLOBALS.items():
    bp.add_app_template_global(_function, _name)

PAGE_SIZE = 50


def _form_errors(errors: dict[str, str], anchor: str | None = None) -> list[dict]:
    """The NHS error summary's list; each message links to its field, or to ``anchor``."""
    return [{"text": message, "href": f"#{anchor or field}"} for field, message in errors.items()]


_URL_SAFE = "!$'()*,/:;?@"  # what url_for leaves unescaped in a query string
_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*")  # text that quoting leaves as it is


def _quote(value) -> str:
    text = str(value)
    return text if _PLAIN.fullmatch(text) else quote_plus(text, safe=_URL_SAFE)


def _query_string(params: dict) -> str:
    """``params`` as ``url_for`` writes them into a URL (same order, same escaping)."""
    return "&".join(f"{_quote(k)}={_quote(v)}" for k, v in params.items() if v is not None)


def _drill(period: Period, **fixed):
    """A template helper: the drill-down URL for ``period`` plus filters, e.g. ``drill(category='x')``.

    The same URL as ``url_for("summaries.reports", ...)``, built by hand: a ranking table
    has a thousand of these links, and ``url_for`` was most of the page's time.
    """
    base = url_for("summaries.reports")

    def link(target: Period, params: dict) -> str:
        return f"{base}?{_query_string({'from': target.start.isoformat(), 'to': target.end.isoformat(), **params})}"

    heads: dict[Period, str] = {}  # link(period, fixed), for each period asked for

    def url(**filters) -> str:
        target = filters.pop("period", None) or period
        given = {k: v for k, v in filters.items() if v not in (None, "")}
        if fixed.keys() & given.keys():  # overrides a fixed filter in place, as a dict merge orders it
            return link(target, {**fixed, **given})
        head = heads.get(target) or heads.setdefault(target, link(target, fixed))
        return f"{head}&{_query_string(given)}" if given else head

    return url


def _trust_link(choice):
    """A template helper: ``url_for("summaries.trust", ods_code=..., **period args)``, built by hand."""
    args = choice.query_args()
    prefix = url_for("summaries.trust", ods_code="ODS")[: -len("ODS")]
    suffix = f"?{_query_string(args)}" if args else ""

    def url(ods_code: str) -> str:
        return f"{prefix}{quote(ods_code, safe='')}{suffix}"

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
    all_trusts = request.args.get("trusts") == "all"
    context["extra_fields"] = {"trusts": "all"} if all_trusts else {}
    data = figure_cache.data_key(scope)
    key = None if data is None else ("index", data, period, tuple(choice.query_args().items()), all_trusts)
    figures = figure_cache.remembered(key, lambda: _index_figures(scope, choice, all_trusts))
    # The cache keeps the HTML our own template rendered (autoescaped) as a string.
    return render_template("summaries/index.html", title=_page_title(scope), figures=Markup(figures), **context)  # nosec B704


# The ranking lists the trusts with most reports first; the rest are one link away. A
# national LMC's reports reach almost every trust in England, and 200 rows made the page
# 380 KB, slow to load and to read in a meeting (docs/performance.md).
TOP_TRUSTS = 25


def _index_figures(scope: SummaryScope, choice, all_trusts: bool = False) -> str:
    """The summary page's figures as HTML: the ranking, the chart and their tables."""
    period = choice.period
    months_started = queries.monthly_counts_started(scope, ReportFilter.for_period(period))
    ranking = queries.provider_ranking(scope, period)
    months = months_started()
    chart = monthly_chart(months, title=f"Reports per month, all providers, {scope.name}", chart_id="all-providers")
    return render_template(
        "summaries/_dashboard_figures.html", ranking=ranking, chart=chart, chart_months=months,
        chart_svg=chart, drill=_drill(period), trust_link=_trust_link(choice), choice=choice,
        shown_trusts=ranking.trusts if all_trusts else ranking.trusts[:TOP_TRUSTS], top_trusts=TOP_TRUSTS,
        all_trusts_url=url_for("summaries.index", trusts="all", **choice.query_args()) + "#nhs-trusts",
        top_trusts_url=url_for("summaries.index", **choice.query_args()) + "#nhs-trusts",
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
    rates = current_app.config["HOURLY_RATES"]
    data = figure_cache.data_key(scope)
    key = None if data is None else ("trust", data, trust.id, trust.name, period, tuple(sorted(rates.items())))
    summary = figure_cache.remembered(key, lambda: queries.trust_summary(scope, trust, period, rates))
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
