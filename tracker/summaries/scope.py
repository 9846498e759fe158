"""Whose reports a summary may count.

Every query in ``queries.py`` takes a ``SummaryScope``, so no figure can be computed
without one. An LMC officer's scope is the practices the LMC covers (by ICB or by list,
as a sub-select used in ``IN (...)``); a practice lead's scope is their own practice.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement

from tracker.accounts.permissions import Permission
from tracker.organisations.models import practice_ids_for_lmc
from tracker.reports.models import Report


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
