"""The summaries' query API: every figure the summary pages, charts and evidence packs show.

Each function takes a ``SummaryScope`` (whose practices count) and a ``ReportFilter``
(which dates and which reports), runs SQL aggregates (``COUNT``, ``SUM``, ``GROUP BY``)
and returns plain frozen dataclasses: no ORM objects, no Flask. Report rows are only
loaded to *list* them (``report_page``, ``iter_report_rows``), never to count them.

Rules every function keeps:

- withdrawn reports (``withdrawn_at IS NOT NULL``) never count;
- an LMC's scope is its practices as a sub-select (``practice_id IN (...)``), so the
  indexes ``ix_report_practice_received`` and ``ix_report_trust_received`` serve the
  date ranges;
- staff cost is computed from per-role minute sums and the hourly rates (pounds per hour
  by staff role value, ``current_app.config["HOURLY_RATES"]`` unless given);
- an LMC's figures over whole months are read from the monthly summary table
  (``rollup.py``), and only what it cannot answer from ``report``: the results are the
  same as from ``report`` alone (tests/performance prove it), in a fraction of the time.

Typical use::

    scope = scope_for_user(current_user)
    period = Period(date(2025, 4, 1), date(2026, 3, 31))
    summary = trust_summary(scope, trust, period)
    rows = report_page(scope, ReportFilter.for_period(period, trust_id=trust.id)).rows
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from sqlalchemy import case, func, literal, select, union_all
from sqlalchemy.sql import Select

from tracker import reference_cache
from tracker.categories.models import Category
from tracker.extensions import db
from tracker.organisations.models import Practice, Specialty, Trust
from tracker.reports.models import ActionTaken, PatientImpact, Report, Source, StaffRole, StaffTime
from tracker.summaries import alongside, rollup
from tracker.summaries.models import CATEGORY_COLUMNS, MINUTES_COLUMNS, ROLE_REPORT_COLUMNS
from tracker.summaries.periods import Period, month_label
from tracker.summaries.scope import SummaryScope
from tracker.summaries.sql import year_month

INDEPENDENT_PROVIDERS = "Independent providers"


# --- what to count ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFilter:
    """Which reports a figure counts: a date range and optional filters (codes, not labels).

    ``independent`` is an independent provider's name, matched without regard to case.
    ``staff_role`` keeps reports on which that role spent time.
    """

    start: date
    end: date
    trust_id: int | None = None
    independent: str | None = None
    category: str | None = None
    specialty: str | None = None
    source: Source | None = None
    action: ActionTaken | None = None
    impact: PatientImpact | None = None
    staff_role: StaffRole | None = None

    @classmethod
    def for_period(cls, period: Period, **filters) -> ReportFilter:
        return cls(start=period.start, end=period.end, **filters)

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)

    def with_period(self, period: Period) -> ReportFilter:
        return replace(self, start=period.start, end=period.end)


def _conditions(scope: SummaryScope, f: ReportFilter) -> list:
    conditions = [
        scope.report_clause(),
        Report.withdrawn_at.is_(None),
        Report.received_on >= f.start,
        Report.received_on <= f.end,
    ]
    if f.trust_id is not None:
        conditions.append(Report.trust_id == f.trust_id)
    if f.independent is not None:
        conditions += [Report.trust_id.is_(None), func.lower(Report.independent_provider) == f.independent.lower()]
    if f.category:
        conditions.append(Report.category_slug == f.category)
    if f.specialty:
        conditions.append(Report.specialty_code == f.specialty)
    if f.source is not None:
        conditions.append(Report.source == f.source)
    if f.action is not None:
        conditions.append(Report.action_taken == f.action)
    if f.impact is not None:
        conditions.append(Report.patient_impact == f.impact)
    if f.staff_role is not None:
        conditions.append(
            Report.id.in_(select(StaffTime.report_id).where(StaffTime.staff_role == f.staff_role))
        )
    return conditions


def _facts(scope: SummaryScope, f: ReportFilter):
    """The summary-table rows behind ``f`` (see ``rollup.facts``), or None: count reports."""
    return rollup.facts(scope, f, lambda: _conditions(scope, f))


def _staff_sums(facts) -> list:
    """SUM of minutes, then SUM of reports with time, for each role (in StaffRole order)."""
    return ([func.sum(facts.c[MINUTES_COLUMNS[role].key]) for role in StaffRole]
            + [func.sum(facts.c[ROLE_REPORT_COLUMNS[role].key]) for role in StaffRole])


_ROLES = tuple(StaffRole)


def _minutes_from_sums(sums) -> dict[StaffRole, int]:
    """Minutes by role for the roles that have any staff time (as a GROUP BY role gives)."""
    count = len(_ROLES)
    return {role: int(m or 0) for role, m, n in zip(_ROLES, sums[:count], sums[count:], strict=True) if n}


def _rates(rates: Mapping[str, float] | None) -> Mapping[str, float]:
    if rates is not None:
        return rates
    from flask import current_app

    return current_app.config["HOURLY_RATES"]


# --- results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """Current against previous: the difference and, when the previous was not 0, the percentage."""

    current: float
    previous: float

    @property
    def difference(self) -> float:
        return self.current - self.previous

    @property
    def percent(self) -> float | None:
        if not self.previous:
            return None
        return 100.0 * self.difference / self.previous


@dataclass(frozen=True)
class StaffTimeTotals:
    minutes_by_role: Mapping[StaffRole, int]
    cost: float

    @property
    def minutes(self) -> int:
        return sum(self.minutes_by_role.values())

    @property
    def hours(self) -> float:
        return self.minutes / 60


def staff_cost(minutes_by_role: Mapping[StaffRole, int], rates: Mapping[str, float]) -> float:
    """Pounds for the given minutes by role at ``rates`` (pounds per hour by role value)."""
    return cost_at(minutes_by_role, rates_by_role(rates))


def rates_by_role(rates: Mapping[str, float]) -> dict[StaffRole, float]:
    """``rates`` (pounds per hour by role value) by role: look them up once for many costs."""
    return {role: float(rates.get(role.value, 0)) for role in StaffRole}


def cost_at(minutes_by_role: Mapping[StaffRole, int], rate_of: Mapping[StaffRole, float]) -> float:
    """Pounds for the given minutes by role at ``rate_of`` (from ``rates_by_role``).

    ``fsum``: the same pounds whatever order the roles come in (a database's GROUP BY order).
    """
    return math.fsum([minutes / 60 * rate_of[role] for role, minutes in minutes_by_role.items()])


@dataclass(frozen=True)
class Headline:
    reports: int
    staff: StaffTimeTotals


@dataclass(frozen=True)
class HeadlineComparison:
    period: Period
    previous_period: Period
    current: Headline
    previous: Headline

    @property
    def reports_change(self) -> Change:
        return Change(self.current.reports, self.previous.reports)

    @property
    def hours_change(self) -> Change:
        return Change(self.current.staff.hours, self.previous.staff.hours)

    @property
    def cost_change(self) -> Change:
        return Change(self.current.staff.cost, self.previous.staff.cost)


@dataclass(frozen=True)
class Count:
    """A count in one group. ``key`` is the code a drill-down filters by."""

    key: str
    label: str
    count: int
    detail: str = ""  # categories: the BMA guidance heading


@dataclass(frozen=True)
class RoleTime:
    role: StaffRole
    minutes: int
    reports: int
    hourly_rate: float
    cost: float

    @property
    def hours(self) -> float:
        return self.minutes / 60


@dataclass(frozen=True)
class MonthCount:
    month: str  # YYYY-MM
    count: int
    partial: bool = False

    @property
    def label(self) -> str:
        return month_label(self.month)


@dataclass(frozen=True)
class Provider:
    """A trust, or an independent provider (``ods_code`` None) known by its name."""

    name: str
    ods_code: str | None = None
    trust_id: int | None = None

    @property
    def is_trust(self) -> bool:
        return self.trust_id is not None


@dataclass(frozen=True)
class ProviderRow:
    provider: Provider
    reports: int
    previous_reports: int
    staff: StaffTimeTotals
    top_category: Count | None

    @property
    def change(self) -> Change:
        return Change(self.reports, self.previous_reports)


@dataclass(frozen=True)
class ProviderRanking:
    period: Period
    previous_period: Period
    trusts: list[ProviderRow]
    independent: list[ProviderRow]


# --- headline figures ------------------------------------------------------------------


def minutes_by_role(scope: SummaryScope, f: ReportFilter) -> dict[StaffRole, int]:
    facts = _facts(scope, f)
    if facts is not None:
        return _minutes_from_sums(db.session.execute(facts.select(*_staff_sums(facts))).one())
    rows = db.session.execute(
        select(StaffTime.staff_role, func.sum(StaffTime.minutes))
        .join(Report, Report.id == StaffTime.report_id)
        .where(*_conditions(scope, f))
        .group_by(StaffTime.staff_role)
    )
    return {StaffRole(role): int(total or 0) for role, total in rows}


def count_reports(scope: SummaryScope, f: ReportFilter) -> int:
    facts = _facts(scope, f)
    if facts is not None:
        return int(db.session.scalar(facts.select(func.sum(facts.c.reports))) or 0)
    return db.session.scalar(select(func.count(Report.id)).where(*_conditions(scope, f))) or 0


def headline(scope: SummaryScope, f: ReportFilter, rates: Mapping[str, float] | None = None) -> Headline:
    facts = _facts(scope, f)
    if facts is not None:  # one statement for the count and the minutes
        reports, *sums = db.session.execute(facts.select(func.sum(facts.c.reports), *_staff_sums(facts))).one()
        minutes = _minutes_from_sums(sums)
        return Headline(int(reports or 0), StaffTimeTotals(minutes, staff_cost(minutes, _rates(rates))))
    minutes = minutes_by_role(scope, f)
    return Headline(count_reports(scope, f), StaffTimeTotals(minutes, staff_cost(minutes, _rates(rates))))


def headline_with_change(scope: SummaryScope, f: ReportFilter,
                         rates: Mapping[str, float] | None = None) -> HeadlineComparison:
    """Headline figures for ``f``'s period and for the period of equal length before it."""
    previous_period = f.period.previous()
    return HeadlineComparison(
        period=f.period,
        previous_period=previous_period,
        current=headline(scope, f, rates),
        previous=headline(scope, f.with_period(previous_period), rates),
    )


def staff_time_by_role(scope: SummaryScope, f: ReportFilter,
                       rates: Mapping[str, float] | None = None) -> list[RoleTime]:
    """Minutes, reports and cost for each staff role (every role, zeros included)."""
    rates = _rates(rates)
    facts = _facts(scope, f)
    if facts is not None:
        return _role_times(db.session.execute(facts.select(*_staff_sums(facts))).one(), rates)
    else:
        rows = db.session.execute(
            select(StaffTime.staff_role, func.sum(StaffTime.minutes), func.count(StaffTime.report_id))
            .join(Report, Report.id == StaffTime.report_id)
            .where(*_conditions(scope, f))
            .group_by(StaffTime.staff_role)
        )
        found = {StaffRole(role): (int(minutes or 0), int(reports)) for role, minutes, reports in rows}
    return _role_time_list(found, rates)


def _role_times(sums, rates: Mapping[str, float]) -> list[RoleTime]:
    """``staff_time_by_role`` from ``_staff_sums`` results."""
    roles = list(StaffRole)
    found = {role: (int(m or 0), int(n or 0)) for role, m, n in zip(roles, sums[:len(roles)], sums[len(roles):], strict=True)}
    return _role_time_list(found, rates)


def _role_time_list(found: Mapping[StaffRole, tuple[int, int]], rates: Mapping[str, float]) -> list[RoleTime]:
    result = []
    for role in StaffRole:
        minutes, reports = found.get(role, (0, 0))
        rate = float(rates.get(role.value, 0))
        result.append(RoleTime(role, minutes, reports, rate, minutes / 60 * rate))
    return result


# --- counts by one dimension -----------------------------------------------------------


class Dimension(StrEnum):
    CATEGORY = "category"
    MONTH = "month"
    SPECIALTY = "specialty"
    SOURCE = "source"
    ACTION = "action"
    IMPACT = "impact"


_ENUM_DIMENSIONS = {
    Dimension.SOURCE: (Report.source, Source),
    Dimension.ACTION: (Report.action_taken, ActionTaken),
    Dimension.IMPACT: (Report.patient_impact, PatientImpact),
}


def counts_by(scope: SummaryScope, f: ReportFilter, dimension: Dimension) -> list[Count]:
    """Report counts grouped by ``dimension``.

    Categories: all 11, most reports first (then in the taxonomy's order), with title and
    guidance heading. Sources, actions, impacts: every value, in the enum's order, zeros
    included. Specialties: only those with reports, most first. Months: every month of
    the period, oldest first, zeros included.
    """
    conditions = _conditions(scope, f)
    if dimension is Dimension.MONTH:
        return [Count(m.month, m.label, m.count) for m in monthly_counts(scope, f)]
    if dimension is Dimension.CATEGORY:
        return _category_list(_category_counts(scope, f, conditions))
    if dimension is Dimension.SPECIALTY:
        rows = db.session.execute(
            select(Report.specialty_code, Specialty.name, func.count(Report.id))
            .join(Specialty, Specialty.code == Report.specialty_code)
            .where(*conditions)
            .group_by(Report.specialty_code, Specialty.name)
            .order_by(func.count(Report.id).desc(), Specialty.name)
        )
        return [Count(code, f"{name} ({code})", int(n)) for code, name, n in rows]
    column, enum_cls = _ENUM_DIMENSIONS[dimension]
    counted = _grouped(column, conditions)
    return [Count(member.value, member.label, counted.get(member, 0)) for member in enum_cls]


def _category_list(counted: Mapping[str, int]) -> list[Count]:
    """All 11 categories, most reports first (then in the taxonomy's order)."""
    categories = db.session.execute(
        select(Category.slug, Category.title, Category.guidance_heading, Category.position)
    ).all()
    categories.sort(key=lambda c: (-counted.get(c.slug, 0), c.position))
    return [Count(c.slug, c.title, counted.get(c.slug, 0), c.guidance_heading) for c in categories]


def _category_counts(scope: SummaryScope, f: ReportFilter, conditions) -> dict[str, int]:
    facts = _facts(scope, f)
    if facts is None:
        return _grouped(Report.category_slug, conditions)
    sums = db.session.execute(
        facts.select(*[func.sum(facts.c[column.key]) for column in CATEGORY_COLUMNS.values()])
    ).one()
    return {slug: int(n) for slug, n in zip(CATEGORY_COLUMNS, sums, strict=True) if n}


def _grouped(column, conditions) -> dict:
    rows = db.session.execute(select(column, func.count(Report.id)).where(*conditions).group_by(column))
    return {key: int(n) for key, n in rows}


# --- months ----------------------------------------------------------------------------


def monthly_counts(scope: SummaryScope, f: ReportFilter) -> list[MonthCount]:
    """Reports per month over every month the period touches; months without reports are 0."""
    return _monthly_counts(scope, f, fetch=alongside.in_turn)()


def monthly_counts_started(scope: SummaryScope, f: ReportFilter) -> Callable[[], list[MonthCount]]:
    """``monthly_counts``, started now on a second connection where ``alongside`` can (for a
    page with other figures to compute meanwhile); call the result for the counts."""
    return _monthly_counts(scope, f, fetch=alongside.fetch)


def _monthly_counts(scope: SummaryScope, f: ReportFilter, fetch) -> Callable[[], list[MonthCount]]:
    facts = _facts(scope, f)
    if facts is not None:
        rows = fetch(facts.select(facts.c.month, func.sum(facts.c.reports)).group_by(facts.c.month))
        return lambda: _fill(f.period, {rollup.month_key(month): int(n) for month, n in rows()})
    counts = _monthly_counts_from_reports(scope, f)
    return lambda: counts


def _monthly_counts_from_reports(scope: SummaryScope, f: ReportFilter) -> list[MonthCount]:
    month = year_month(Report.received_on)
    counted = dict(
        db.session.execute(
            select(month, func.count(Report.id)).where(*_conditions(scope, f)).group_by(month)
        ).all()
    )
    return _fill(f.period, counted)


def monthly_counts_by_category(scope: SummaryScope, f: ReportFilter) -> dict[str, list[MonthCount]]:
    """For each category with reports in the period: its reports per month (zeros filled)."""
    by_category: dict[str, dict[str, int]] = defaultdict(dict)
    facts = _facts(scope, f)
    if facts is not None:
        columns = [facts.c[column.key] for column in CATEGORY_COLUMNS.values()]
        rows = db.session.execute(
            facts.select(facts.c.month, *[func.sum(column) for column in columns]).group_by(facts.c.month)
        )
        for month, *counts in rows:
            for slug, n in zip(CATEGORY_COLUMNS, counts, strict=True):
                if n:
                    by_category[slug][rollup.month_key(month)] = int(n)
        return {slug: _fill(f.period, counted) for slug, counted in by_category.items()}
    month = year_month(Report.received_on)
    rows = db.session.execute(
        select(Report.category_slug, month, func.count(Report.id))
        .where(*_conditions(scope, f))
        .group_by(Report.category_slug, month)
    )
    for slug, key, n in rows:
        by_category[slug][key] = int(n)
    return {slug: _fill(f.period, counted) for slug, counted in by_category.items()}


def _fill(period: Period, counted: Mapping[str, int]) -> list[MonthCount]:
    partial = period.partial_months()
    return [MonthCount(key, int(counted.get(key, 0)), key in partial) for key in period.month_keys()]


# --- providers -------------------------------------------------------------------------


def provider_ranking(scope: SummaryScope, period: Period,
                     rates: Mapping[str, float] | None = None) -> ProviderRanking:
    """Trusts ranked by reports in ``period`` (most first), and independent providers by name.

    Each row carries the previous period's count (for the change), staff time and cost,
    and the top category. Providers with reports only in the previous period are included
    (with 0 now), after the others.
    """
    rates = _rates(rates)
    previous = period.previous()
    current_facts = _facts(scope, ReportFilter.for_period(period))
    previous_facts = _facts(scope, ReportFilter.for_period(previous))
    if current_facts is not None and previous_facts is not None:
        counts, minutes, tops = _provider_tallies_from_facts(current_facts, previous_facts)
    else:
        counts, minutes, tops = _provider_tallies_from_reports(scope, period, previous)

    trusts = reference_cache.trusts_by_id()  # every trust, closed ones too: no query per page

    rate_of = rates_by_role(rates)  # once for the 200-odd rows
    trust_rows, independent_rows = [], []
    for trust_id, key, name, now, before in counts:
        if trust_id is not None:
            trust = trusts.get(trust_id) or _trust_choice(trust_id)
            provider = Provider(trust.name, trust.ods_code, trust.id)
        else:
            provider = Provider(name)
        by_role = minutes.get((trust_id, key), {})
        row = ProviderRow(
            provider=provider,
            reports=int(now or 0),
            previous_reports=int(before or 0),
            staff=StaffTimeTotals(by_role, cost_at(by_role, rate_of)),
            top_category=tops.get((trust_id, key)),
        )
        (trust_rows if trust_id is not None else independent_rows).append(row)
    trust_rows.sort(key=lambda r: (-r.reports, -r.previous_reports, r.provider.name))
    independent_rows.sort(key=lambda r: (r.provider.name.lower(), r.provider.name))
    return ProviderRanking(period, previous, trust_rows, independent_rows)


# Provider tallies: ``counts`` rows of (trust_id, independent key, name, reports now,
# reports before); staff minutes and the top category now, by (trust_id, independent key).
# A trust's independent key is None; an independent provider's trust_id is None and its
# key is its name in lower case (as the database lowers it).


def _trust_choice(trust_id: int) -> reference_cache.TrustChoice:
    """A trust added since the reference lists were last read (they are kept for a minute)."""
    trust_id_, code, name = db.session.execute(select(Trust.id, Trust.ods_code, Trust.name).where(Trust.id == trust_id)).one()
    return reference_cache.TrustChoice(trust_id_, code, name)


def _provider_tallies_from_reports(scope: SummaryScope, period: Period, previous: Period):
    independent_key = func.lower(Report.independent_provider)
    in_current = Report.received_on >= period.start
    # One pass over both periods: they are adjacent, so the range is previous.start..end.
    both = ReportFilter(previous.start, period.end)
    counts = db.session.execute(
        select(
            Report.trust_id,
            independent_key,
            func.min(Report.independent_provider),
            func.sum(case((in_current, 1), else_=0)),
            func.sum(case((in_current, 0), else_=1)),
        )
        .where(*_conditions(scope, both))
        .group_by(Report.trust_id, independent_key)
    ).all()
    current = ReportFilter.for_period(period)
    minutes: dict[tuple, dict[StaffRole, int]] = defaultdict(dict)
    for trust_id, key, role, total in db.session.execute(
        select(Report.trust_id, independent_key, StaffTime.staff_role, func.sum(StaffTime.minutes))
        .join(StaffTime, StaffTime.report_id == Report.id)
        .where(*_conditions(scope, current))
        .group_by(Report.trust_id, independent_key, StaffTime.staff_role)
    ):
        minutes[(trust_id, key)][StaffRole(role)] = int(total or 0)
    tops = _top_categories(scope, current, independent_key)
    return counts, minutes, tops


def _provider_key(trust_id: int, lowered: str) -> tuple:
    """The summary table's provider (trust_id 0 for independents) as the report table's key."""
    return (trust_id, None) if trust_id else (None, lowered)


def _provider_tallies_from_facts(current, previous):
    """The same tallies from summary rows: one statement per period, categories as columns."""
    category_columns = [current.c[column.key] for column in CATEGORY_COLUMNS.values()]
    # The previous period runs on a second connection meanwhile, where it can (alongside.py).
    before_rows = alongside.fetch(
        previous.select(previous.c.trust_id, func.lower(previous.c.independent_provider),
               func.min(previous.c.independent_provider), func.sum(previous.c.reports))
        .group_by(previous.c.trust_id, func.lower(previous.c.independent_provider))
    )
    now_rows = db.session.execute(
        current.select(current.c.trust_id, func.lower(current.c.independent_provider), func.min(current.c.independent_provider),
               func.sum(current.c.reports), *_staff_sums(current), *[func.sum(c) for c in category_columns])
        .group_by(current.c.trust_id, func.lower(current.c.independent_provider))
    ).all()

    titles = {c.slug: (c.title, c.position) for c in reference_cache.categories()}
    tallies: dict[tuple, list] = {}  # key -> [name, now, before]
    minutes: dict[tuple, dict[StaffRole, int]] = {}
    tops: dict[tuple, Count] = {}
    staff_width = 2 * len(StaffRole)
    for trust_id, lowered, name, reports, *rest in now_rows:
        key = _provider_key(trust_id, lowered)
        tallies[key] = [name if not trust_id else None, int(reports or 0), 0]
        by_role = _minutes_from_sums(rest[:staff_width])
        if by_role:
            minutes[key] = by_role
        best = None
        for slug, n in zip(CATEGORY_COLUMNS, rest[staff_width:], strict=True):
            if n and slug in titles:
                title, position = titles[slug]
                candidate = (int(n), -position, slug, title)
                best = candidate if best is None or candidate > best else best
        if best is not None:
            tops[key] = Count(best[2], best[3], best[0])
    for trust_id, lowered, name, reports in before_rows():
        key = _provider_key(trust_id, lowered)
        if key not in tallies:
            tallies[key] = [name if not trust_id else None, 0, 0]
        elif not trust_id and name != tallies[key][0]:
            tallies[key][0] = _database_min(tallies[key][0], name)
        tallies[key][2] = int(reports or 0)
    counts = [(trust_id, lowered, name, now, before)
              for (trust_id, lowered), (name, now, before) in tallies.items()]
    return counts, minutes, tops


def _database_min(first: str, second: str) -> str:
    """The lesser of two names in the database's own collation (as MIN() over both would say)."""
    names = union_all(select(literal(first).label("name")), select(literal(second).label("name"))).subquery()
    return db.session.scalar(select(func.min(names.c.name)))


def _top_categories(scope: SummaryScope, f: ReportFilter, independent_key) -> dict[tuple, Count]:
    """The category with most reports for each provider (ties: the taxonomy's order)."""
    rows = db.session.execute(
        select(Report.trust_id, independent_key, Report.category_slug, Category.title,
               Category.position, func.count(Report.id))
        .join(Category, Category.slug == Report.category_slug)
        .where(*_conditions(scope, f))
        .group_by(Report.trust_id, independent_key, Report.category_slug, Category.title, Category.position)
    )
    best: dict[tuple, tuple] = {}
    for trust_id, key, slug, title, position, n in rows:
        candidate = (int(n), -position, slug, title)
        if (trust_id, key) not in best or candidate > best[(trust_id, key)]:
            best[(trust_id, key)] = candidate
    return {provider: Count(slug, title, n) for provider, (n, _, slug, title) in best.items()}


# --- one trust -------------------------------------------------------------------------


@dataclass(frozen=True)
class TrustSummary:
    """Everything the trust page and an evidence pack show for one trust and period."""

    provider: Provider
    filter: ReportFilter
    headline: HeadlineComparison
    by_category: list[Count]
    by_month: list[MonthCount]
    by_specialty: list[Count]
    by_source: list[Count]
    by_action: list[Count]
    by_impact: list[Count]
    staff_by_role: list[RoleTime]
    months_by_category: dict[str, list[MonthCount]] = field(default_factory=dict)


def trust_summary(scope: SummaryScope, trust, period: Period,
                  rates: Mapping[str, float] | None = None) -> TrustSummary:
    """All figures for one trust (a ``Trust``) over ``period``, within ``scope``."""
    rates = _rates(rates)
    f = ReportFilter.for_period(period, trust_id=trust.id)
    facts = _facts(scope, f)
    if facts is not None:
        return _trust_summary_from_facts(scope, trust, f, facts, rates)
    return TrustSummary(
        provider=Provider(trust.name, trust.ods_code, trust.id),
        filter=f,
        headline=headline_with_change(scope, f, rates),
        by_category=counts_by(scope, f, Dimension.CATEGORY),
        by_month=monthly_counts(scope, f),
        by_specialty=counts_by(scope, f, Dimension.SPECIALTY),
        by_source=counts_by(scope, f, Dimension.SOURCE),
        by_action=counts_by(scope, f, Dimension.ACTION),
        by_impact=counts_by(scope, f, Dimension.IMPACT),
        staff_by_role=staff_time_by_role(scope, f, rates),
        months_by_category=monthly_counts_by_category(scope, f),
    )


def _trust_summary_from_facts(scope: SummaryScope, trust, f: ReportFilter, facts, rates) -> TrustSummary:
    """``trust_summary`` with the summary table: what one statement over it gives is not asked
    again (the headline and staff time; the months, categories and categories by month)."""
    reports, *sums = db.session.execute(facts.select(func.sum(facts.c.reports), *_staff_sums(facts))).one()
    minutes = _minutes_from_sums(sums)
    current = Headline(int(reports or 0), StaffTimeTotals(minutes, staff_cost(minutes, rates)))
    previous_period = f.period.previous()
    category_columns = [facts.c[column.key] for column in CATEGORY_COLUMNS.values()]
    by_month: dict[str, int] = {}
    by_category: dict[str, int] = defaultdict(int)
    months_by_category: dict[str, dict[str, int]] = defaultdict(dict)
    for month, total, *counts in db.session.execute(
        facts.select(facts.c.month, func.sum(facts.c.reports), *[func.sum(c) for c in category_columns])
        .group_by(facts.c.month)
    ):
        key = rollup.month_key(month)
        by_month[key] = int(total)
        for slug, n in zip(CATEGORY_COLUMNS, counts, strict=True):
            if n:
                by_category[slug] += int(n)
                months_by_category[slug][key] = int(n)
    return TrustSummary(
        provider=Provider(trust.name, trust.ods_code, trust.id),
        filter=f,
        headline=HeadlineComparison(f.period, previous_period, current,
                                    headline(scope, f.with_period(previous_period), rates)),
        by_category=_category_list(by_category),
        by_month=_fill(f.period, by_month),
        by_specialty=counts_by(scope, f, Dimension.SPECIALTY),
        by_source=counts_by(scope, f, Dimension.SOURCE),
        by_action=counts_by(scope, f, Dimension.ACTION),
        by_impact=counts_by(scope, f, Dimension.IMPACT),
        staff_by_role=_role_times(sums, rates),
        months_by_category={slug: _fill(f.period, counted) for slug, counted in months_by_category.items()},
    )


# --- the reports behind a number -------------------------------------------------------


@dataclass(frozen=True)
class ReportRow:
    """One report as a drill-down or export lists it.

    ``practice_label`` is the practice's name only when names were asked for; otherwise
    a pseudonym ("Practice 1") that is stable for one filter.
    """

    id: int
    received_on: date
    provider_name: str
    provider_code: str
    category_slug: str
    category_title: str
    specialty_code: str
    specialty_name: str
    source: Source
    description: str
    action: ActionTaken
    impact: PatientImpact
    staff_minutes: int
    practice_label: str


@dataclass(frozen=True)
class ReportPage:
    rows: list[ReportRow]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _row_select(scope: SummaryScope, f: ReportFilter) -> Select:
    return (
        select(
            Report.id, Report.received_on, Trust.name, Trust.ods_code, Report.independent_provider,
            Report.category_slug, Category.title, Report.specialty_code, Specialty.name, Report.source,
            Report.description, Report.action_taken, Report.patient_impact, Report.staff_minutes_total,
            Report.practice_id, Practice.name,
        )
        .join(Category, Category.slug == Report.category_slug)
        .join(Specialty, Specialty.code == Report.specialty_code)
        .join(Practice, Practice.id == Report.practice_id)
        .outerjoin(Trust, Trust.id == Report.trust_id)
        .where(*_conditions(scope, f))
        .order_by(Report.received_on.desc(), Report.id.desc())
    )


def practice_pseudonyms(scope: SummaryScope, f: ReportFilter) -> dict[int, str]:
    """"Practice 1", "Practice 2"... for the practices behind ``f``, numbered in a fixed order."""
    ids = db.session.scalars(
        select(Report.practice_id).where(*_conditions(scope, f)).group_by(Report.practice_id).order_by(Report.practice_id)
    )
    return {practice_id: f"Practice {n}" for n, practice_id in enumerate(ids, start=1)}


def _to_row(row, labels: Mapping[int, str] | None) -> ReportRow:
    (report_id, received_on, trust_name, trust_code, independent, slug, title, specialty_code,
     specialty_name, source, description, action, impact, minutes, practice_id, practice_name) = row
    return ReportRow(
        id=report_id,
        received_on=received_on,
        provider_name=trust_name or independent or "",
        provider_code=trust_code or "",
        category_slug=slug,
        category_title=title,
        specialty_code=specialty_code,
        specialty_name=specialty_name,
        source=Source(source),
        description=description,
        action=ActionTaken(action),
        impact=PatientImpact(impact),
        staff_minutes=int(minutes or 0),
        practice_label=practice_name if labels is None else labels.get(practice_id, "Practice"),
    )


def report_page(scope: SummaryScope, f: ReportFilter, page: int = 1, page_size: int = 50,
                show_practice_names: bool = False) -> ReportPage:
    """One page of the reports behind a figure, newest first."""
    total = count_reports(scope, f)
    page = min(max(page, 1), max(1, -(-total // page_size)))
    labels = None if show_practice_names else practice_pseudonyms(scope, f)
    rows = db.session.execute(_row_select(scope, f).limit(page_size).offset((page - 1) * page_size))
    return ReportPage([_to_row(row, labels) for row in rows], total, page, page_size)


def iter_report_rows(scope: SummaryScope, f: ReportFilter, show_practice_names: bool = False) -> Iterator[ReportRow]:
    """Every report behind ``f``, newest first, fetched in batches (for exports)."""
    labels = None if show_practice_names else practice_pseudonyms(scope, f)
    result = db.session.execute(_row_select(scope, f).execution_options(yield_per=500))
    for row in result:
        yield _to_row(row, labels)
