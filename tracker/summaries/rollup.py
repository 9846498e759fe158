"""Where a figure's numbers come from: the monthly summary table, and reports for the rest.

An LMC's figures over whole months are sums of ``report_month_summary`` rows for the
LMC's ICBs (a few thousand rows for two years, where the reports are hundreds of
thousands). What the table cannot answer comes from ``report`` as before:

- the days of a part month at either end of a custom period ("edges");
- practices the LMC lists outside its ICBs;
- a practice's own scope, and filters the table does not hold (category, specialty,
  source, action, impact, staff role): the whole figure is then read from reports.

``facts(scope, f)`` returns one subquery with the table's columns (provider, month,
counts by category, minutes by role) that is the table's rows where it answers plus the
edge reports aggregated the same way, so each figure stays a single SQL statement and
gives exactly what the report table alone would. ``reading_reports_only()`` turns the
table off (tests compare the two; the benchmarks time both).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnCollection, and_, case, delete, func, insert, literal, or_, select, union_all
from sqlalchemy.orm import aliased
from sqlalchemy.sql import FromClause, Select

from tracker.extensions import db
from tracker.organisations.models import Practice
from tracker.reports.models import Report, StaffRole, StaffTime
from tracker.summaries.models import (
    CATEGORY_COLUMNS, INDEPENDENT_TRUST_ID, MINUTES_COLUMNS, NO_ICB, ROLE_REPORT_COLUMNS, TRUST_PROVIDER_NAME,
    ReportMonthSummary,
)
from tracker.summaries.periods import add_months, month_end, month_start
from tracker.summaries.scope import SummaryScope
from tracker.summaries.sql import month_start as sql_month_start

_use_summary: ContextVar[bool] = ContextVar("use_month_summary", default=True)

# The columns of ``facts``, in order: the provider, the month, then the values.
VALUE_NAMES = (
    ["reports"]
    + [column.key for column in CATEGORY_COLUMNS.values()]
    + [column.key for column in MINUTES_COLUMNS.values()]
    + [column.key for column in ROLE_REPORT_COLUMNS.values()]
)


@contextmanager
def reading_reports_only() -> Iterator[None]:
    """Compute every figure from the report table (as before the summary table existed)."""
    token = _use_summary.set(False)
    try:
        yield
    finally:
        _use_summary.reset(token)


@dataclass(frozen=True)
class Plan:
    """Which months the summary answers for, and which reports must still be read.

    ``first_month`` and ``last_month`` are the first days of the first and last whole
    months (None: no whole month). ``rest`` is the extra condition on reports for what
    the summary does not hold (None: nothing to read from reports).
    """

    icb_codes: tuple[str, ...]
    first_month: date | None
    last_month: date | None
    rest: object | None


def whole_months(start: date, end: date) -> tuple[date, date] | None:
    """First days of the first and last calendar months lying wholly in ``start``..``end``."""
    first = start if start.day == 1 else add_months(start, 1)
    last = month_start(end) if end == month_end(end) else add_months(month_start(end), -1)
    return (first, last) if first <= last else None


def plan(scope: SummaryScope, f) -> Plan | None:
    """How to read ``f`` for ``scope`` with the summary table; None when it cannot help."""
    coverage = scope.coverage
    if not _use_summary.get() or coverage is None or not coverage.icb_codes:
        return None
    if any((f.category, f.specialty, f.source, f.action, f.impact, f.staff_role)):
        return None
    months = whole_months(f.start, f.end)
    if months is None:
        return None
    first, last = months
    rest = []
    if f.start < first:
        rest.append(Report.received_on < first)
    last_day = month_end(last)
    if f.end > last_day:
        rest.append(Report.received_on > last_day)
    if coverage.listed_elsewhere:
        rest.append(Report.practice_id.in_(coverage.listed_elsewhere))
    return Plan(coverage.icb_codes, first, last, or_(*rest) if rest else None)


@dataclass(frozen=True)
class Facts:
    """Rows shaped like the summary table: ``c`` its columns by name; ``select(...)`` reads them."""

    c: ColumnCollection
    source: FromClause
    where: tuple = ()

    def select(self, *columns) -> Select:
        return select(*columns).select_from(self.source).where(*self.where)


def facts(scope: SummaryScope, f, conditions: Callable[[], list]) -> Facts | None:
    """The summary rows (and edge reports, aggregated alike) behind ``f``; None: use reports.

    ``conditions()`` gives the report-table conditions of ``f`` (``queries._conditions``),
    built only when reports must be read (the LMC page built them three times for nothing,
    half a millisecond each). Without edges the figures read the table itself (plain SQL,
    cheap to build); with them, the union of the table's rows and the edge reports.
    """
    p = plan(scope, f)
    if p is None:
        return None
    table = ReportMonthSummary.__table__
    summary_conditions = _summary_conditions(p, f)
    if p.rest is None:
        return Facts(table.c, table, tuple(summary_conditions))
    values = [table.c[name] for name in VALUE_NAMES]
    summary = select(table.c.trust_id, table.c.independent_provider, table.c.month, *values).where(*summary_conditions)
    both = union_all(summary, _report_rows([*conditions(), p.rest])).subquery("facts")
    return Facts(both.c, both)


def _summary_conditions(p: Plan, f) -> list:
    s = ReportMonthSummary
    conditions = [s.icb_code.in_(p.icb_codes), s.month >= p.first_month, s.month <= p.last_month]
    if f.trust_id is not None:
        conditions.append(s.trust_id == f.trust_id)
    if f.independent is not None:
        conditions += [s.trust_id == INDEPENDENT_TRUST_ID,
                       func.lower(s.independent_provider) == f.independent.lower()]
    return conditions


def _report_rows(conditions: list):
    """Reports aggregated into the summary table's shape (for edges, and for rebuilding it)."""
    return _aggregate_reports(conditions, with_icb=False)


def _aggregate_reports(conditions: list, *, with_icb: bool):
    staff = {role: aliased(StaffTime, name=f"staff_{role.value}") for role in StaffRole}
    trust_id = func.coalesce(Report.trust_id, literal(INDEPENDENT_TRUST_ID))
    provider = func.coalesce(Report.independent_provider, literal(TRUST_PROVIDER_NAME))
    month = sql_month_start(Report.received_on)
    keys = [trust_id.label("trust_id"), provider.label("independent_provider"), month.label("month")]
    group = [trust_id, provider, month]
    if with_icb:
        icb = func.coalesce(Practice.icb_code, literal(NO_ICB))
        keys.insert(0, icb.label("icb_code"))
        group.insert(0, icb)
    values = [func.count(Report.id).label("reports")]
    values += [func.sum(case((Report.category_slug == slug, 1), else_=0)).label(column.key)
               for slug, column in CATEGORY_COLUMNS.items()]
    values += [func.coalesce(func.sum(staff[role].minutes), 0).label(MINUTES_COLUMNS[role].key) for role in StaffRole]
    values += [func.count(staff[role].minutes).label(ROLE_REPORT_COLUMNS[role].key) for role in StaffRole]
    query = select(*keys, *values).select_from(Report)
    if with_icb:
        query = query.join(Practice, Practice.id == Report.practice_id)
    for role, alias in staff.items():
        query = query.outerjoin(alias, and_(alias.report_id == Report.id, alias.staff_role == role))
    return query.where(Report.withdrawn_at.is_(None), *conditions).group_by(*group)


# --- keeping it ---------------------------------------------------------------------------


def rebuild_month_summary() -> int:
    """Recompute the whole table from the reports (after a bulk load that skipped the
    triggers, or to check it); returns its rows. The caller commits."""
    db.session.execute(delete(ReportMonthSummary))
    names, rows = _table_rows_of([])
    db.session.execute(insert(ReportMonthSummary).from_select(names, rows))
    return db.session.scalar(select(func.count()).select_from(ReportMonthSummary)) or 0


def _table_rows_of(conditions: list) -> tuple[list[str], Select]:
    """The table's column names, and the SELECT of its rows for the reports matching ``conditions``."""
    source = _aggregate_reports(conditions, with_icb=True).subquery()
    names = ["icb_code", "trust_id", "independent_provider", "month", *VALUE_NAMES]
    return names, select(*[source.c[name] for name in names])


def add_to_month_summary(conditions: list) -> None:
    """Add the reports matching ``conditions`` to the table, as the triggers would have one
    by one (for a bulk insert that suspended them). SQLite; the caller commits."""
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    names, rows = _table_rows_of(conditions)
    table = ReportMonthSummary.__table__
    # WHERE: SQLite reads "INSERT ... SELECT ... ON CONFLICT" only with one.
    statement = sqlite_insert(table).from_select(names, rows.where(literal(True)))
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["icb_code", "month", "trust_id", "independent_provider"],
        set_={name: table.c[name] + statement.excluded[name] for name in VALUE_NAMES},
    ))


def month_key(day: date | str) -> str:
    """``YYYY-MM`` of a month the database returned (a date, or text on SQLite in a union)."""
    if isinstance(day, str):
        return day[:7]
    return f"{day.year:04d}-{day.month:02d}"
