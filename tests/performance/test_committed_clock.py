"""With real commits (a throwaway database): the clock moves once per ICB and transaction,
the migration fills the table from reports already there, and a bulk write in one
transaction keeps it right.

The suite's other tests run inside one transaction that is rolled back, where a trigger
deferred to the commit (PostgreSQL's clock) never fires; these commit.
"""

from __future__ import annotations

from datetime import date

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, select

from tests.performance.summary_check import expected_rows, table_rows
from tests.reliability.sample_data import add_organisations, add_report
from tests.reliability.throwaway import app_for, throwaway_database
from tracker.extensions import db
from tracker.reference import load_reference_data
from tracker.reports.models import Report
from tracker.summaries.models import ReportMonthSummaryClock


@pytest.fixture
def committed_app(tmp_path):
    with throwaway_database(tmp_path) as database, app_for(database.url, tmp_path / "instance") as app:
        with app.app_context():
            yield app
            db.session.remove()


def _clock() -> dict[str, int]:
    db.session.expire_all()
    return dict(db.session.execute(select(ReportMonthSummaryClock.icb_code, ReportMonthSummaryClock.changes)).all())


def test_the_upgrade_fills_the_table_from_reports_already_there(committed_app):
    upgrade(revision="0003")
    load_reference_data()
    orgs = add_organisations(db.session)
    for month in (1, 2, 2, 3):
        add_report(db.session, practice=orgs.practices[month % 2], user=orgs.practice_user, trust=orgs.trust,
                   received_on=date(2025, month, 10), minutes={"gp": 10 * month})
    db.session.commit()
    upgrade()
    assert table_rows(db.session) == expected_rows(db.session)
    assert sum(row["reports"] for row in table_rows(db.session).values()) == 4
    db.session.commit()  # a migration waits for no reader
    downgrade(revision="0003")
    upgrade()
    assert table_rows(db.session) == expected_rows(db.session)


def test_the_clock_moves_once_per_transaction_and_every_commit_keeps_the_table_right(committed_app):
    upgrade()
    load_reference_data()
    orgs = add_organisations(db.session)
    db.session.commit()
    before = _clock().get("QKK", 0)

    many = [add_report(db.session, practice=orgs.practices[i % 2], user=orgs.practice_user, trust=orgs.trust,
                       received_on=date(2025, 1 + i % 3, 5)) for i in range(30)]
    db.session.commit()
    after_bulk = _clock()["QKK"]
    assert after_bulk > before
    assert table_rows(db.session) == expected_rows(db.session)

    add_report(db.session, practice=orgs.practices[0], user=orgs.practice_user, trust=orgs.trust,
               received_on=date(2025, 6, 1))
    db.session.commit()
    assert _clock()["QKK"] > after_bulk

    if db.session.get_bind().dialect.name == "postgresql":
        # Deferred to the commit, once per ICB: 30 reports in one transaction tick once.
        assert after_bulk == before + 1

    unchanged = _clock()["QKK"]
    db.session.execute(select(Report.id)).all()  # reading moves nothing
    db.session.commit()
    assert _clock()["QKK"] == unchanged

    db.session.execute(delete(Report).where(Report.id.in_([r.id for r in many[:10]])))
    db.session.commit()
    assert _clock()["QKK"] > unchanged
    assert table_rows(db.session) == expected_rows(db.session)
