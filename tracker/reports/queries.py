"""Read-only queries for a practice's own reports: the log with its filters, counts, and the
"recently used" lists and defaults that make the quick form quick.

Every function takes the practice id, so no query here can reach another practice's reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Select, String, and_, bindparam, cast, func, literal, literal_column, select, union_all
from sqlalchemy.orm import joinedload

from tracker import reference_cache
from tracker.categories.models import Category
from tracker.database import read_rows
from tracker.extensions import db
from tracker.organisations.models import Trust
from tracker.reports.models import Report, Source, Status
from tracker.reports.services import parse_date

PAGE_SIZE = 25
RECENT_LIMIT = 6  # entries in a "Recently used by your practice" group
RECENT_WINDOW = 200  # how many of the practice's latest reports "recently" looks at
INDEPENDENT = "independent"  # the provider filter value for every independent provider
SORTS = ("received", "category", "provider")


# --- the practice's log --------------------------------------------------------------------------

@dataclass
class ReportFilters:
    """What the list page was asked for, parsed from the query string."""

    date_from: date | None = None
    date_to: date | None = None
    provider: str = ""  # a trust's ODS code, INDEPENDENT, or "" for any
    category: str = ""
    status: str = ""
    text: str = ""
    include_withdrawn: bool = False
    sort: str = "received"
    descending: bool = True
    page: int = 1
    # What the user typed, so that a bad value is shown back to them.
    raw: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def is_filtered(self) -> bool:
        return any((self.date_from, self.date_to, self.provider, self.category, self.status, self.text))

    def query_args(self, **overrides) -> dict[str, str]:
        """The query string that gives this view again, with some values changed."""
        args = {
            "from": self.raw.get("from", ""), "to": self.raw.get("to", ""), "provider": self.provider,
            "category": self.category, "status": self.status, "q": self.text,
            "withdrawn": "yes" if self.include_withdrawn else "", "sort": self.sort,
            "order": "desc" if self.descending else "asc", "page": str(self.page),
        }
        args.update({k: str(v) for k, v in overrides.items()})
        # Leave out what is the default anyway, so that links stay short and readable.
        defaults = {"page": "1", "sort": "received", "order": _default_order(args["sort"])}
        return {k: v for k, v in args.items() if v and defaults.get(k) != v}


def parse_filters(args: Mapping[str, str], category_slugs: set[str]) -> ReportFilters:
    """Read the list filters; a value that makes no sense is dropped with a message, never a 500."""
    filters = ReportFilters()
    filters.raw = {key: (args.get(key) or "").strip()[:100] for key in ("from", "to")}
    for key, label, attribute in (("from", "Date from", "date_from"), ("to", "Date to", "date_to")):
        text = filters.raw[key]
        if text:
            value = parse_date(text)
            if value is None:
                filters.errors[key] = f"{label} must be a real date, like 21/11/2025"
            setattr(filters, attribute, value)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        filters.errors["to"] = "Date to must be the same as or after date from"
        filters.date_to = None

    filters.provider = (args.get("provider") or "").strip()[:20]
    if filters.provider != INDEPENDENT:
        filters.provider = filters.provider.upper()
    category = (args.get("category") or "").strip().lower()
    filters.category = category if category in category_slugs else ""
    status = (args.get("status") or "").strip().lower()
    filters.status = status if status in {s.value for s in Status} else ""
    filters.text = " ".join((args.get("q") or "").split())[:100]
    filters.include_withdrawn = args.get("withdrawn") == "yes"
    sort = (args.get("sort") or "").strip()
    filters.sort = sort if sort in SORTS else "received"
    order = (args.get("order") or "").strip()
    order = order if order in ("asc", "desc") else ""
    # Dates read newest first; names read A to Z.
    filters.descending = (order or _default_order(filters.sort)) == "desc"
    page = args.get("page") or "1"
    # isascii: "²" is a digit to isdigit() but not a number to int(). At most 5 digits: a
    # page number of thousands of digits (leading zeros) was more than int() would read.
    page = page.lstrip("0") if page.isascii() and page.isdigit() else ""
    filters.page = int(page) if 0 < len(page) <= 5 else 1
    return filters


def _default_order(sort: str) -> str:
    return "desc" if sort == "received" else "asc"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _conditions(practice_id: int, f: ReportFilters, *, with_status: bool = True) -> list[ColumnElement]:
    where: list[ColumnElement] = [Report.practice_id == practice_id]
    if not f.include_withdrawn:
        where.append(Report.withdrawn_at.is_(None))
    if f.date_from:
        where.append(Report.received_on >= f.date_from)
    if f.date_to:
        where.append(Report.received_on <= f.date_to)
    if f.provider == INDEPENDENT:
        where.append(Report.trust_id.is_(None))
    elif f.provider:
        where.append(Report.trust_id == select(Trust.id).where(Trust.ods_code == f.provider).scalar_subquery())
    if f.category:
        where.append(Report.category_slug == f.category)
    if f.status and with_status:
        where.append(Report.status == Status(f.status))
    if f.text:
        where.append(func.lower(Report.description).like(f"%{_escape_like(f.text.lower())}%", escape="\\"))
    return where


def _ordering(f: ReportFilters) -> list:
    if f.sort == "category":
        key = Category.title
    elif f.sort == "provider":
        key = func.lower(func.coalesce(Trust.name, Report.independent_provider))
    else:
        key = Report.received_on
    direction = key.desc() if f.descending else key.asc()
    # Ties: newest first, so that a page never reshuffles between requests.
    return [direction, Report.received_on.desc(), Report.id.desc()]


@dataclass
class ReportPage:
    reports: list[Report]
    total: int
    by_status: dict[Status, int]
    withdrawn: int
    page: int
    pages: int


def report_page(practice_id: int, f: ReportFilters, page_size: int = PAGE_SIZE) -> ReportPage:
    """One page of the practice's reports, with the counts of everything that matches."""
    counts = db.session.execute(
        select(Report.status, Report.withdrawn_at.is_not(None), func.count())
        .where(and_(*_conditions(practice_id, f)))
        .group_by(Report.status, Report.withdrawn_at.is_not(None))
    ).all()
    by_status = dict.fromkeys(Status, 0)
    withdrawn = 0
    for status, is_withdrawn, count in counts:
        if is_withdrawn:
            withdrawn += count
        else:
            by_status[Status(status)] += count
    total = sum(by_status.values()) + withdrawn
    pages = max(1, -(-total // page_size))
    page = min(f.page, pages)
    statement: Select = (
        select(Report)
        .outerjoin(Trust, Report.trust_id == Trust.id)
        .join(Category, Report.category_slug == Category.slug)
        .where(*_conditions(practice_id, f))
        .options(joinedload(Report.trust), joinedload(Report.specialty))
        .order_by(*_ordering(f))
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return ReportPage(list(db.session.scalars(statement)), total, by_status, withdrawn, page, pages)


def providers_used(practice_id: int) -> list[tuple[str, str]]:
    """(ODS code, name) of every trust in the practice's log, for the provider filter."""
    return list(
        db.session.execute(
            select(Trust.ods_code, Trust.name)
            .where(Trust.id.in_(select(Report.trust_id).where(Report.practice_id == practice_id)))
            .order_by(Trust.name)
        )
    )


# --- the home page -------------------------------------------------------------------------------

@dataclass
class PracticeCounts:
    this_month: int
    total: int


@dataclass(frozen=True)
class LatestReport:
    id: int
    received_on: date
    description: str
    provider_name: str


HOME_LATEST = 5  # the practice's latest reports on its home page


def _practice_home_statement() -> Select:
    mine = (Report.practice_id == bindparam("practice_id"), Report.withdrawn_at.is_(None))
    this_month = select(func.count()).where(*mine, Report.received_on >= bindparam("month_start")).scalar_subquery()
    total = select(func.count()).where(*mine).scalar_subquery()
    return (
        select(Report.id, Report.received_on, Report.description, Report.independent_provider, Trust.name,
               this_month, total)
        .outerjoin(Trust, Trust.id == Report.trust_id)
        .where(*mine)
        .order_by(Report.id.desc())  # newest first: ids only grow (index ix_report_practice_latest)
        # A constant, not a parameter: PostgreSQL plans "LIMIT $n" for a tenth of the rows, so
        # it never chose its cached plan for this statement and planned it again on every
        # request, which took longer than running it (docs/performance.md).
        .limit(literal_column(str(HOME_LATEST)))
    )


# The statements of the pages every practice user opens all day are built once, with bound
# parameters: building them per request cost more than running them (docs/performance.md).
_PRACTICE_HOME = _practice_home_statement()


def practice_home(practice_id: int, today: date | None = None) -> tuple[PracticeCounts, list[LatestReport]]:
    """The home page's counts and latest reports in one query (it is on every sign-in).

    The counts ride on the latest rows as two sub-selects; with no latest rows there is no
    report that is not withdrawn, so both counts are 0.
    """
    today = today or date.today()
    rows = read_rows(_PRACTICE_HOME, {"practice_id": practice_id, "month_start": today.replace(day=1)})
    counts = PracticeCounts(rows[0][5], rows[0][6]) if rows else PracticeCounts(0, 0)
    latest = [LatestReport(r[0], r[1], r[2], r[4] or r[3] or "") for r in rows]
    return counts, latest


# --- what the quick form offers first -------------------------------------------------------------

# The practice's latest reports, read once for both "recently used" lists (a CTE used twice
# is read once on either database): two reads of the same 200 rows were most of the form's query.
_LATEST_REPORTS = (
    select(Report.trust_id, Report.specialty_code, Report.id.label("report_id"))
    .where(Report.practice_id == bindparam("practice_id"))
    .order_by(Report.id.desc())
    .limit(RECENT_WINDOW)
    .cte("latest_reports")
)


def _recent_select(column, kind: str) -> Select:
    """The practice's ``RECENT_LIMIT`` latest distinct values of ``column`` among its
    ``RECENT_WINDOW`` latest reports, as text, with the id of their latest use."""
    ranked = (
        select(literal(kind).label("kind"), cast(column, String).label("value"),
               func.max(_LATEST_REPORTS.c.report_id).label("last_id"))
        .where(column.is_not(None))
        .group_by(column)
        .order_by(func.max(_LATEST_REPORTS.c.report_id).desc())
        .limit(RECENT_LIMIT)
        .subquery()
    )
    return select(ranked.c.kind, ranked.c.value, ranked.c.last_id)


def _last_used_select() -> Select:
    """The user's latest report at the practice, as "<trust id>|<source>" (see ``last_used``)."""
    latest = (
        select(literal("last").label("kind"),
               (func.coalesce(cast(Report.trust_id, String), "") + "|" + func.coalesce(cast(Report.source, String), ""))
               .label("value"),
               Report.id.label("last_id"))
        .where(Report.logged_by_id == bindparam("user_id"), Report.practice_id == bindparam("practice_id"))
        .order_by(Report.id.desc())
        .limit(1)
        .subquery()
    )
    return select(latest.c.kind, latest.c.value, latest.c.last_id)


_RECENT = (_recent_select(_LATEST_REPORTS.c.trust_id, "trust"),
           _recent_select(_LATEST_REPORTS.c.specialty_code, "specialty"))
_RECENT_CHOICES = union_all(*_RECENT)
_RECENT_CHOICES_AND_LAST_USED = union_all(*_RECENT, _last_used_select())


@dataclass
class LastUsed:
    trust_code: str = ""
    source: str = ""


@dataclass(frozen=True)
class QuickFormLists:
    """What the quick form offers first: the practice's recently used trusts and
    specialties, and (for a fresh form) the user's last trust and source."""

    recent_trusts: list[reference_cache.TrustChoice]
    recent_specialties: list[reference_cache.SpecialtyChoice]
    last_used: LastUsed


def quick_form_lists(practice_id: int, user_id: int | None = None) -> QuickFormLists:
    """One query: open trusts and specialties in the practice's latest reports, most
    recently used first; with ``user_id``, also the provider and source of that user's
    latest report at this practice (the likeliest next ones)."""
    if user_id is None:
        rows = read_rows(_RECENT_CHOICES, {"practice_id": practice_id})
    else:
        rows = read_rows(_RECENT_CHOICES_AND_LAST_USED, {"practice_id": practice_id, "user_id": user_id})
    rows.sort(key=lambda row: -row.last_id)
    trusts, specialties = reference_cache.open_trusts_by_id(), reference_cache.specialties_by_code()
    last_used = LastUsed()
    for row in rows:
        if row.kind == "last":
            trust_id, _, source = row.value.partition("|")
            trust = reference_cache.trusts_by_id().get(int(trust_id)) if trust_id else None  # closed ones too
            last_used = LastUsed(trust_code=trust.ods_code if trust else "", source=Source(source).value if source else "")
    return QuickFormLists(
        recent_trusts=[trusts[int(r.value)] for r in rows if r.kind == "trust" and int(r.value) in trusts],
        recent_specialties=[specialties[r.value] for r in rows if r.kind == "specialty" and r.value in specialties],
        last_used=last_used,
    )


def open_trusts() -> tuple[reference_cache.TrustChoice, ...]:
    return reference_cache.open_trusts()


def all_specialties() -> tuple[reference_cache.SpecialtyChoice, ...]:
    return reference_cache.specialties()


def categories() -> tuple[reference_cache.CategoryChoice, ...]:
    return reference_cache.categories()


