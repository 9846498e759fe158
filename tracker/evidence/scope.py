"""Whose reports a signed-in user may turn into letters and packs.

Both use the summaries' ``SummaryScope``, so a letter or a pack counts exactly the
reports the summary pages count for the same person.
"""

from __future__ import annotations



from tracker.accounts.permissions import Permission, Role
from tracker.summaries.scope import SummaryScope


def letter_scope(user) -> SummaryScope | None:
    """A practice user's own practice, or every practice an LMC officer's LMC covers."""
    if not user.can(Permission.LETTERS_WRITE):
        return None
    if user.role.belongs_to_practice and user.practice is not None:
        return SummaryScope.for_practice(user.practice)
    if user.role is Role.LMC_OFFICER and user.lmc is not None:
        return SummaryScope.for_lmc(user.lmc)
    return None


def pack_scope(user) -> SummaryScope | None:
    """An LMC officer's practices (LMC_EVIDENCE_EXPORT), or a practice lead's own practice
    (PRACTICE_SUMMARY_READ: the figures their summary page already shows them)."""
    if user.can(Permission.LMC_EVIDENCE_EXPORT) and user.lmc is not None:
        return SummaryScope.for_lmc(user.lmc)
    if user.can(Permission.PRACTICE_SUMMARY_READ) and user.practice is not None:
        return SummaryScope.for_practice(user.practice)
    return None


def writes_as_practice(user) -> bool:
    """A practice writing about its own cases may name itself; an LMC never names practices."""
    return user.role.belongs_to_practice
