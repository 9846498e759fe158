"""Reads that letters and packs need and the summaries package does not offer.

Counts are SQL aggregates (GROUP BY), never rows loaded to be counted. Withdrawn reports
(``withdrawn_at`` set) never count and are never listed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import distinct, func, select

from tracker.evidence.letters import LetterCase
from tracker.extensions import db
from tracker.organisations.models import Practice, Specialty, Trust, practice_ids_for_lmc
from tracker.reports.models import Report
from tracker.summaries.scope import ScopeKind, SummaryScope


def in_period(start: date, end: date):
    return (Report.received_on >= start, Report.received_on <= end)


def live_in(scope: SummaryScope):
    """Reports that count: not withdrawn, from the scope's practices."""
    return (scope.report_clause(), Report.withdrawn_at.is_(None))


@dataclass(frozen=True)
class TrustOption:
    id: int
    ods_code: str
    name: str
    report_count: int

    @property
    def label(self) -> str:
        return f"{self.name} ({self.ods_code})"


def trusts_with_reports(scope: SummaryScope) -> list[TrustOption]:
    """Trusts with live reports from the scope's practices (any date), by name."""
    query = (
        select(Trust.id, Trust.ods_code, Trust.name, func.count(Report.id))
        .join(Report, Report.trust_id == Trust.id)
        .where(*live_in(scope))
        .group_by(Trust.id, Trust.ods_code, Trust.name)
        .order_by(Trust.name)
    )
    return [TrustOption(*row) for row in db.session.execute(query)]


def _set_filter(scope: SummaryScope, trust_id: int, category_slug: str, start: date, end: date):
    return (
        *live_in(scope),
        *in_period(start, end),
        Report.trust_id == trust_id,
        Report.category_slug == category_slug,
    )


def count_letter_set(scope: SummaryScope, trust_id: int, category_slug: str, start: date, end: date) -> int:
    return db.session.scalar(
        select(func.count(Report.id)).where(*_set_filter(scope, trust_id, category_slug, start, end))
    ) or 0


def letter_set_cases(
    scope: SummaryScope, trust_id: int, category_slug: str, start: date, end: date, limit: int
) -> list[LetterCase]:
    """The newest ``limit`` cases of one trust and category: date, specialty and description only."""
    rows = db.session.execute(
        select(Report.received_on, Specialty.name, Report.description)
        .join(Specialty, Specialty.code == Report.specialty_code)
        .where(*_set_filter(scope, trust_id, category_slug, start, end))
        .order_by(Report.received_on.desc(), Report.id.desc())
        .limit(limit)
    )
    return [LetterCase(received_on, specialty, description) for received_on, specialty, description in rows]


def letter_case(report: Report) -> LetterCase:
    return LetterCase(report.received_on, report.specialty.name, report.description)


# --- Evidence packs: figures the summaries queries do not offer ----------------------------
# These take the summaries' SummaryScope so that a pack counts exactly what the pages count.


def _pack_conditions(scope: SummaryScope, trust_ids: Sequence[int], start: date, end: date) -> tuple:
    return (*live_in(scope), *in_period(start, end), Report.trust_id.in_(list(trust_ids)))


def practices_reporting(scope: SummaryScope, trust_ids: Sequence[int], start: date, end: date) -> tuple[int, dict[int, int]]:
    """How many practices logged cases with these trusts in the period: overall, and by trust id."""
    conditions = _pack_conditions(scope, trust_ids, start, end)
    overall = db.session.scalar(select(func.count(distinct(Report.practice_id))).where(*conditions)) or 0
    by_trust = dict(
        db.session.execute(
            select(Report.trust_id, func.count(distinct(Report.practice_id))).where(*conditions).group_by(Report.trust_id)
        ).all()
    )
    return int(overall), {trust_id: int(n) for trust_id, n in by_trust.items()}


def practices_in_scope(scope: SummaryScope) -> int:
    """How many practices the scope covers (an LMC's practices; 1 for a practice)."""
    if scope.kind is ScopeKind.PRACTICE:
        return 1
    ids = practice_ids_for_lmc(scope.organisation_id).subquery()
    return db.session.scalar(select(func.count()).select_from(ids)) or 0


@dataclass(frozen=True)
class PracticeCount:
    ods_code: str
    name: str
    reports: int


def practice_counts(scope: SummaryScope, trust_ids: Sequence[int], start: date, end: date) -> dict[int, list[PracticeCount]]:
    """Reports by practice for each trust (only when the user asked for practice names)."""
    rows = db.session.execute(
        select(Report.trust_id, Practice.ods_code, Practice.name, func.count(Report.id))
        .join(Practice, Practice.id == Report.practice_id)
        .where(*_pack_conditions(scope, trust_ids, start, end))
        .group_by(Report.trust_id, Practice.ods_code, Practice.name)
        .order_by(Report.trust_id, func.count(Report.id).desc(), Practice.name)
    )
    result: dict[int, list[PracticeCount]] = defaultdict(list)
    for trust_id, code, name, n in rows:
        result[trust_id].append(PracticeCount(code, name, int(n)))
    return result


@dataclass(frozen=True)
class Example:
    """An anonymised example: the date, the specialty and what was asked. Nothing else."""

    category_slug: str
    received_on: date
    specialty: str
    description: str


def examples_by_category(
    scope: SummaryScope, trust_ids: Sequence[int], start: date, end: date, per_category: int
) -> dict[int, dict[str, list[Example]]]:
    """The ``per_category`` newest cases of each category, for each trust.

    One query: a window function numbers each trust's cases per category, newest first,
    and only the first few of each are fetched.
    """
    rank = (
        func.row_number()
        .over(
            partition_by=(Report.trust_id, Report.category_slug),
            order_by=(Report.received_on.desc(), Report.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        select(Report.trust_id, Report.category_slug, Report.received_on, Specialty.name.label("specialty"),
               Report.description, rank)
        .join(Specialty, Specialty.code == Report.specialty_code)
        .where(*_pack_conditions(scope, trust_ids, start, end))
        .subquery()
    )
    rows = db.session.execute(
        select(ranked.c.trust_id, ranked.c.category_slug, ranked.c.received_on, ranked.c.specialty,
               ranked.c.description)
        .where(ranked.c.rank <= per_category)
        .order_by(ranked.c.trust_id, ranked.c.category_slug, ranked.c.rank)
    )
    result: dict[int, dict[str, list[Example]]] = defaultdict(lambda: defaultdict(list))
    for trust_id, slug, received_on, specialty, description in rows:
        result[trust_id][slug].append(Example(slug, received_on, specialty, description))
    return result
