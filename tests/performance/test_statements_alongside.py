"""PostgreSQL: the LMC summary's statements on a second connection give the same figures.

``tracker/summaries/alongside.py`` runs the previous period's counts and the counts by
month on another pooled connection while the request runs this period's figures. It is
off in tests (each test's data is in one open transaction nobody else can see), so these
tests commit their data to a throwaway database and turn it on.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from flask_migrate import upgrade
from sqlalchemy import event

from tests.reliability.sample_data import add_organisations, add_report
from tests.reliability.throwaway import app_for, postgres_test_url, throwaway_database
from tracker.extensions import db
from tracker.reference import load_reference_data
from tracker.summaries import queries
from tracker.summaries.periods import Period
from tracker.summaries.queries import ReportFilter
from tracker.summaries.scope import SummaryScope

pytestmark = pytest.mark.skipif(postgres_test_url() is None, reason="PostgreSQL only (TEST_DATABASE_URL)")

PERIOD = Period(date(2025, 4, 1), date(2026, 3, 31))  # whole months: read from the summary table


@pytest.fixture
def committed(tmp_path):
    """An app on a throwaway database with committed reports in two years: (app, LMC)."""
    with throwaway_database(tmp_path) as database, app_for(database.url, tmp_path / "instance") as app:
        with app.app_context():
            upgrade()
            load_reference_data()
            orgs = add_organisations(db.session)
            orgs.lmc.icbs = [orgs.practices[0].icb]
            for i in range(24):  # this period and the one before, fewer each month
                for _ in range(1 + i % 4):
                    add_report(db.session, practice=orgs.practices[i % 2], user=orgs.practice_user, trust=orgs.trust,
                               received_on=date(2024 + (3 + i) // 12, 1 + (3 + i) % 12, 10))
            db.session.commit()
            lmc = orgs.lmc
            yield app, lmc
            db.session.remove()


def _figures(app, lmc, alongside: bool):
    app.config["SUMMARY_SQL_ALONGSIDE"] = alongside
    threads: set[str] = set()

    def note_thread(*_args):
        threads.add(threading.current_thread().name)

    event.listen(db.engine, "before_cursor_execute", note_thread)
    try:
        with app.test_request_context("/summaries"):
            scope = SummaryScope.for_lmc(lmc)
            months = queries.monthly_counts_started(scope, ReportFilter.for_period(PERIOD))
            ranking = queries.provider_ranking(scope, PERIOD)
            return (ranking, months()), threads
    finally:
        event.remove(db.engine, "before_cursor_execute", note_thread)


def test_figures_read_alongside_equal_those_read_in_turn(committed):
    app, lmc = committed
    in_turn, threads_in_turn = _figures(app, lmc, alongside=False)
    side_by_side, threads_alongside = _figures(app, lmc, alongside=True)

    assert side_by_side == in_turn
    (ranking, months) = side_by_side
    assert [row.reports for row in ranking.trusts] == [sum(1 + i % 4 for i in range(12, 24))]
    assert [row.previous_reports for row in ranking.trusts] == [sum(1 + i % 4 for i in range(12))]
    assert [m.count for m in months][:4] == [1, 2, 3, 4]
    # The statements really ran on other threads (and so on other connections).
    assert threads_in_turn == {threading.current_thread().name}
    assert any(name.startswith("summary-sql") for name in threads_alongside)


def test_without_a_connection_to_spare_the_request_reads_in_turn(committed, tmp_path):
    app, lmc = committed
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = {"pool_size": 1, "max_overflow": 0, "pool_timeout": 0.5}
    with app_for(url, tmp_path / "small-pool", SQLALCHEMY_ENGINE_OPTIONS=options) as small:
        with small.app_context():
            lmc = db.session.merge(lmc, load=True)
            (ranking, months), threads = _figures(small, lmc, alongside=True)
            assert threads == {threading.current_thread().name}  # no wait for a second connection
            assert ranking.trusts and sum(m.count for m in months) == ranking.trusts[0].reports
            db.session.remove()


def test_connections_used_alongside_go_back_to_the_pool_with_transactions_on(committed):
    app, lmc = committed
    _figures(app, lmc, alongside=True)
    pool = db.engine.pool
    idle = [db.engine.connect() for _ in range(pool.checkedin())]
    try:
        assert len(idle) >= 2  # the request's connection and at least one used alongside
        assert all(connection.connection.dbapi_connection.autocommit is False for connection in idle)
    finally:
        for connection in idle:
            connection.close()
