"""Figures read through the monthly summary table equal figures read from the reports alone.

A seeded random log (practices in two ICBs and one listed outside them, trusts and
independent providers spelt in different cases, withdrawn reports, staff time) is summed
both ways over whole-month, part-month and mixed periods, for LMCs defined by ICB, by
ICB plus a listed practice, and by list only. Every query function must give equal
results; the summary table must actually have been read.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from tests.performance.summary_check import assert_summary_matches_reports
from tracker.categories.reference import CATEGORIES
from tracker.summaries import queries, rollup
from tracker.summaries.periods import Period
from tracker.summaries.queries import Dimension, ReportFilter
from tracker.summaries.scope import SummaryScope

RATES = {"gp": 98.0, "nurse": 42.0, "pharmacist": 50.0, "admin": 18.0}
FIRST_DAY, DAYS = date(2024, 6, 1), 760
PERIODS = [
    Period(date(2026, 1, 1), date(2026, 3, 31)),  # whole months
    Period(date(2025, 4, 1), date(2026, 3, 31)),  # a year of whole months
    Period(date(2025, 11, 15), date(2026, 2, 10)),  # part months at both ends
    Period(date(2025, 4, 1), date(2026, 2, 17)),  # a financial year to date
    Period(date(2025, 10, 31), date(2026, 1, 31)),  # one day of October, then whole months
    Period(date(2026, 1, 5), date(2026, 1, 20)),  # no whole month at all
    Period(date(2024, 6, 1), date(2026, 6, 30)),  # everything
]
INDEPENDENT_NAMES = ["Spire Healthcare", "spire healthcare", "SPIRE HEALTHCARE", "Nuffield Health", "Ramsay Santé"]


@pytest.fixture
def world(factory, db_session, request):
    rng = random.Random(request.param)
    home = [factory.practice("QKK", i) for i in range(3)]
    away = [factory.practice("QOP", i) for i in range(3)]
    trusts = [factory.trust(code) for code in ("RJ1", "RJZ", "RJ2")]
    slugs = [c.slug for c in CATEGORIES]
    for _ in range(260):
        practice = rng.choice(home + away)
        independent = rng.choice(INDEPENDENT_NAMES) if rng.random() < 0.25 else None
        category = rng.choice(slugs)
        factory.report(
            practice,
            trust=None if independent else rng.choice(trusts),
            independent_provider=independent,
            received_on=FIRST_DAY + timedelta(days=rng.randrange(DAYS)),
            category_slug=category,
            specialty_code=rng.choice(["320", "100", "330"]),
            source=rng.choice(["clinic-letter", "discharge-summary", "patient-told"]),
            action_taken="declined-returned" if category == "non-commissioned" else rng.choice(
                ["done-under-protest", "redirected", "declined-returned"]),
            patient_impact=rng.choice(["none", "delay", "harm"]),
            minutes={role: rng.choice([0, 0, 5, 12, 30]) for role in ("gp", "nurse", "pharmacist", "admin")},
            withdrawn=rng.random() < 0.06,
        )
    lmcs = {
        "icb": factory.lmc(icb_codes=("QKK",)),
        "icb_and_listed": factory.lmc(icb_codes=("QKK",), practices=[away[0], home[1]]),
        "two_icbs": factory.lmc(icb_codes=("QKK", "QOP")),
        "listed_only": factory.lmc(icb_codes=(), practices=[home[0], away[1]]),
    }
    db_session.flush()
    return {"lmcs": lmcs, "trusts": trusts}


def _figures(scope: SummaryScope, period: Period, trusts) -> dict:
    f = ReportFilter.for_period(period)
    figures = {
        "ranking": queries.provider_ranking(scope, period, RATES),
        "headline": queries.headline_with_change(scope, f, RATES),
        "months": queries.monthly_counts(scope, f),
        "count": queries.count_reports(scope, f),
        "minutes": queries.minutes_by_role(scope, f),
        "staff": queries.staff_time_by_role(scope, f, RATES),
        "months_by_category": queries.monthly_counts_by_category(scope, f),
        "independent": queries.headline(scope, ReportFilter.for_period(period, independent="spire HEALTHCARE"), RATES),
    }
    for dimension in Dimension:
        figures[f"by_{dimension}"] = queries.counts_by(scope, f, dimension)
    for trust in trusts:
        figures[f"trust_{trust.ods_code}"] = queries.trust_summary(scope, trust, period, RATES)
        figures[f"count_{trust.ods_code}"] = queries.count_reports(scope, ReportFilter.for_period(period, trust_id=trust.id))
    return figures


class _SummaryReads:
    """Counts the statements that read the summary table (not its clock, read with the coverage)."""

    TABLE = re.compile(r"\breport_month_summary\b(?!_clock)")

    def __init__(self):
        self.count = 0

    def __call__(self, _conn, _cursor, statement, *_args):
        if self.TABLE.search(statement):
            self.count += 1


@pytest.mark.parametrize("world", [1, 2, 3], indirect=True)
@pytest.mark.parametrize("lmc", ["icb", "icb_and_listed", "two_icbs", "listed_only"])
def test_figures_from_the_summary_table_equal_figures_from_the_reports(db_session, world, lmc):
    assert_summary_matches_reports(db_session)
    reads = _SummaryReads()
    engine = db_session.get_bind()
    for period in PERIODS:
        scope = SummaryScope.for_lmc(world["lmcs"][lmc])
        with rollup.reading_reports_only():
            from_reports = _figures(scope, period, world["trusts"])
        event.listen(engine, "before_cursor_execute", reads)
        try:
            with_summary = _figures(SummaryScope.for_lmc(world["lmcs"][lmc]), period, world["trusts"])
        finally:
            event.remove(engine, "before_cursor_execute", reads)
        for name, expected in from_reports.items():
            assert with_summary[name] == expected, f"{name} differs for {period}"
    if lmc == "listed_only":
        assert reads.count == 0  # nothing to read there: every report comes from the list
    else:
        assert reads.count > 0


@pytest.mark.parametrize("world", [4], indirect=True)
def test_a_practice_scope_reads_the_reports(db_session, world, factory):
    scope = SummaryScope.for_practice(factory.practice("QKK", 0))
    assert rollup.plan(scope, ReportFilter.for_period(PERIODS[0])) is None


def test_whole_months_of_a_period():
    assert rollup.whole_months(date(2026, 1, 1), date(2026, 3, 31)) == (date(2026, 1, 1), date(2026, 3, 1))
    assert rollup.whole_months(date(2025, 11, 15), date(2026, 2, 10)) == (date(2025, 12, 1), date(2026, 1, 1))
    assert rollup.whole_months(date(2026, 1, 5), date(2026, 1, 31)) is None
    assert rollup.whole_months(date(2026, 2, 1), date(2026, 2, 28)) == (date(2026, 2, 1), date(2026, 2, 1))
    assert rollup.whole_months(date(2024, 2, 1), date(2024, 2, 28)) is None  # 29 days in February 2024


def test_filters_the_table_does_not_hold_read_the_reports(db_session, factory):
    scope = SummaryScope.for_lmc(factory.lmc(icb_codes=("QKK",)))
    period = PERIODS[0]
    for filters in ({"category": "investigations"}, {"specialty": "320"}):
        assert rollup.plan(scope, ReportFilter.for_period(period, **filters)) is None
    assert rollup.plan(scope, ReportFilter.for_period(period, trust_id=1)) is not None
