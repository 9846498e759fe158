"""Whose reports a summary may count.

Every query in ``queries.py`` takes a ``SummaryScope``, so no figure can be computed
without one. An LMC officer's scope is the practices the LMC covers (by ICB or by list,
as a sub-select used in ``IN (...)``); a practice lead's scope is their own practice.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from sqlalchemy import ColumnElement, bindparam, func, literal, or_, select, union_all

from tracker.accounts.permissions import Permission
from tracker.database import read_rows
from tracker.organisations.models import Practice, lmc_icb, lmc_practice, practice_ids_for_lmc
from tracker.reports.models import Report
from tracker.summaries.models import NO_ICB, ReportMonthSummaryClock


@dataclass(frozen=True)
class Coverage:
    """How an LMC's practices are defined: whole ICBs, and listed practices outside them.

    The summary table counts reports by the practice's ICB, so it answers for the ICBs;
    reports of ``listed_elsewhere`` practices are read from the report table.
    """

    icb_codes: tuple[str, ...]
    listed_elsewhere: tuple[int, ...]
    # The summary clock (ReportMonthSummaryClock) of each of those ICBs and of the listed
    # practices' ICBs, read with them: the LMC's figures are unchanged while these are
    # (figure_cache's key). An ICB without reports yet has no clock.
    clocks: tuple[tuple[str, int], ...] = ()


def _coverage_statement():
    lmc_id = bindparam("lmc_id")
    clock = ReportMonthSummaryClock.__table__
    own_icbs = select(lmc_icb.c.icb_code).where(lmc_icb.c.lmc_id == lmc_id)
    listed_icb = func.coalesce(Practice.icb_code, NO_ICB)
    listed = (
        select(literal("p"), listed_icb, Practice.id, clock.c.changes)
        .join(lmc_practice, lmc_practice.c.practice_id == Practice.id)
        .outerjoin(clock, clock.c.icb_code == listed_icb)
        .where(lmc_practice.c.lmc_id == lmc_id,
               or_(Practice.icb_code.is_(None), Practice.icb_code.not_in(own_icbs)))
    )
    icbs = (
        select(literal("i"), lmc_icb.c.icb_code, literal(0), clock.c.changes)
        .select_from(lmc_icb)
        .outerjoin(clock, clock.c.icb_code == lmc_icb.c.icb_code)
        .where(lmc_icb.c.lmc_id == lmc_id)
    )
    return union_all(icbs, listed)


# Built once: every LMC page reads it, and building it cost more than running it.
_COVERAGE = _coverage_statement()


def lmc_coverage(lmc_id: int) -> Coverage:
    """One query: the LMC's ICB codes, its listed practices that are not in those ICBs,
    and the clocks of all their ICBs (one query where the clocks were a second one)."""
    rows = read_rows(_COVERAGE, {"lmc_id": lmc_id})
    return Coverage(
        icb_codes=tuple(sorted(code for kind, code, _, _ in rows if kind == "i")),
        listed_elsewhere=tuple(sorted(practice_id for kind, _, practice_id, _ in rows if kind == "p")),
        clocks=tuple(sorted({(code, int(changes)) for _, code, _, changes in rows if changes is not None})),
    )


class ScopeKind(StrEnum):
    LMC = "lmc"
    PRACTICE = "practice"


@dataclass(frozen=True)
class SummaryScope:
    kind: ScopeKind
    organisation_id: int
    name: str

    @classmethod
    def for_lmc(cls, lmc) -> SummaryScope:
        return cls(ScopeKind.LMC, lmc.id, lmc.name)

    @classmethod
    def for_practice(cls, practice) -> SummaryScope:
        return cls(ScopeKind.PRACTICE, practice.id, practice.name)

    @property
    def covers_many_practices(self) -> bool:
        """True for an LMC: pages then hide practice names unless asked."""
        return self.kind is ScopeKind.LMC

    @cached_property
    def coverage(self) -> Coverage | None:
        """An LMC's ICBs and listed practices, read once per scope; None for a practice."""
        if self.kind is not ScopeKind.LMC:
            return None
        return lmc_coverage(self.organisation_id)

    def report_clause(self) -> ColumnElement[bool]:
        """The WHERE condition that keeps reports to this scope's practices."""
        if self.kind is ScopeKind.LMC:
            return Report.practice_id.in_(practice_ids_for_lmc(self.organisation_id))
        return Report.practice_id == self.organisation_id


def scope_for_user(user) -> SummaryScope | None:
    """The scope a signed-in user may summarise, or None when they may see no summaries."""
    if user.can(Permission.LMC_SUMMARY_READ) and user.lmc is not None:
        return SummaryScope.for_lmc(user.lmc)
    if user.can(Permission.PRACTICE_SUMMARY_READ) and user.practice is not None:
        return SummaryScope.for_practice(user.practice)
    return None
