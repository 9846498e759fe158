"""Reports counted per ICB, month and provider: the summary table the LMC figures read.

Database triggers (migration 0004) keep ``report_month_summary`` equal to an aggregate
of the ``report`` and ``staff_time`` tables on every write: logging, editing, withdrawing,
importing, purging, a practice moving ICB, and any SQL run by hand. Nothing in the app
writes it; ``rollup.rebuild_month_summary`` recomputes it from scratch (bulk loads that
bypass triggers, or an operator who doubts it).

Why by ICB and not by practice: a practice logs a few cases a month, so a row per
practice, month, provider and category is nearly a row per report (930,000 rows for
1 million reports) and saves nothing. An LMC covers whole ICBs (plus, sometimes, a few
listed practices, which are read from ``report``), so a row per ICB, month and provider,
with the categories as columns, is what its figures need: about 12,000 rows hold two
years of a four-ICB LMC's 740,000 reports.

A row counts the reports that are not withdrawn. Keys never hold NULL, so that the
triggers can upsert: ``icb_code`` is '' for a practice without an ICB, ``trust_id`` is 0
and ``independent_provider`` the provider's name as typed for an independent provider,
and ``independent_provider`` is '' for a trust.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.categories.reference import CATEGORIES
from tracker.extensions import db
from tracker.reports.models import StaffRole

NO_ICB = ""
INDEPENDENT_TRUST_ID = 0
TRUST_PROVIDER_NAME = ""


class ReportMonthSummary(db.Model):
    __tablename__ = "report_month_summary"

    icb_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True)  # the first day of the month
    trust_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    independent_provider: Mapped[str] = mapped_column(String(200), primary_key=True)

    reports: Mapped[int]
    # Reports by category: one column per category of categories/reference.py.
    category_non_commissioned: Mapped[int]
    category_investigations: Mapped[int]
    category_fit_notes: Mapped[int]
    category_results_follow_up: Mapped[int]
    category_onward_referral: Mapped[int]
    category_prescribing: Mapped[int]
    category_communication: Mapped[int]
    category_advice_guidance: Mapped[int]
    category_referral_rejected: Mapped[int]
    category_pathway_gap: Mapped[int]
    category_other: Mapped[int]
    # Staff minutes by role, and how many reports had time from that role.
    minutes_gp: Mapped[int]
    minutes_nurse: Mapped[int]
    minutes_pharmacist: Mapped[int]
    minutes_admin: Mapped[int]
    reports_with_gp: Mapped[int]
    reports_with_nurse: Mapped[int]
    reports_with_pharmacist: Mapped[int]
    reports_with_admin: Mapped[int]


def category_column_name(slug: str) -> str:
    return "category_" + slug.replace("-", "_")


# slug -> column, for every category the reference data defines.
CATEGORY_COLUMNS = {c.slug: getattr(ReportMonthSummary, category_column_name(c.slug)) for c in CATEGORIES}
MINUTES_COLUMNS = {role: getattr(ReportMonthSummary, f"minutes_{role.value}") for role in StaffRole}
ROLE_REPORT_COLUMNS = {role: getattr(ReportMonthSummary, f"reports_with_{role.value}") for role in StaffRole}


class ReportMonthSummaryClock(db.Model):
    """How many times each ICB's summary rows have changed (a trigger counts every change).

    A cached LMC page is good for as long as the counters of its ICBs have not moved:
    reading them is one tiny query where recomputing the figures is a dozen large ones.
    Only ever goes up, and only when a change commits (the row is locked until then).
    """

    __tablename__ = "report_month_summary_clock"

    icb_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    changes: Mapped[int] = mapped_column(BigInteger)
