"""The retention purge: ``flask tracker purge --older-than N-months [--dry-run] [--force]``."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.reliability.sample_data import add_raise, add_report
from tracker.audit.models import AuditEvent
from tracker.feedback.models import TrustRaise, raised_report
from tracker.maintenance.retention import months_before
from tracker.reports.models import Report, StaffTime

TODAY = date.today()
CUTOFF_24 = months_before(TODAY, 24)


def run(app, *args):
    return app.test_cli_runner().invoke(args=["tracker", "purge", *args])


@pytest.fixture
def reports(db_session, factory):
    """Three old reports (two practices, two years), two recent ones, and a raise spanning both."""
    practices = [factory.practice(index=0), factory.practice(index=1)]
    users = [factory.user("practice-user", practice=p) for p in practices]
    trust = factory.trust("RJ1")
    officer = factory.user("lmc-officer")

    def report(i, received_on):
        return add_report(db_session, practice=practices[i % 2], user=users[i % 2], trust=trust, received_on=received_on)

    old = [report(0, date(CUTOFF_24.year - 1, 6, 1)), report(1, date(CUTOFF_24.year - 1, 9, 1)),
           report(0, CUTOFF_24 - timedelta(days=1))]
    recent = [report(1, CUTOFF_24), report(0, TODAY)]
    add_raise(db_session, lmc=officer.lmc, trust=trust, officer=officer, reports=[old[2], recent[0]],
              raised_on=TODAY)
    # A commit here is a savepoint: a command's own rollback must not take the fixture's rows.
    db_session.commit()
    return {"old": old, "recent": recent}


def _count(db_session, what) -> int:
    return db_session.scalar(select(func.count()).select_from(what))


def test_dry_run_shows_counts_by_year_and_practices_and_deletes_nothing(app, db_session, reports):
    result = run(app, "--older-than", "24-months", "--dry-run")

    assert result.exit_code == 0, result.output
    assert f"Reports received before {CUTOFF_24:%-d %B %Y} (more than 24 months ago)" in result.output
    assert f"  {CUTOFF_24.year - 1}          2" in result.output
    assert f"  {CUTOFF_24.year}          1" in result.output
    assert "In all: 3 reports from 2 practices, with 1 link to a trust raise and 6 staff time rows." in result.output
    assert "Dry run: nothing was deleted." in result.output
    assert _count(db_session, Report) == 5
    assert db_session.scalar(select(func.count()).where(AuditEvent.action == "reports.purged")) == 0


def test_purge_deletes_old_reports_with_their_staff_time_and_raise_links(app, db_session, reports):
    old_ids = [r.id for r in reports["old"]]
    recent_ids = {r.id for r in reports["recent"]}

    result = run(app, "--older-than", "24-months")

    assert result.exit_code == 0, result.output
    assert "Deleted 3 reports. One audit event records the purge." in result.output
    db_session.expire_all()
    assert set(db_session.scalars(select(Report.id))) == recent_ids
    assert db_session.scalar(select(func.count()).where(StaffTime.report_id.in_(old_ids))) == 0
    assert _count(db_session, StaffTime) == 4
    # The raise itself stays, with its link to the report that is still in time.
    assert db_session.scalars(select(raised_report.c.report_id)).all() == [reports["recent"][0].id]
    assert _count(db_session, TrustRaise) == 1

    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "reports.purged"))
    assert event.actor_id is None and event.object_type == "report"
    assert event.details["reports"] == 3 and event.details["practices"] == 2
    assert event.details["older_than_months"] == 24
    assert event.details["received_before"] == CUTOFF_24.isoformat()
    assert event.details["staff_time_rows"] == 6 and event.details["raised_report_rows"] == 1


def test_the_purge_counts_what_it_deleted_not_what_it_planned(app, db_session, factory, reports):
    """An old case added between the count shown and the delete is deleted, and counted."""
    from tracker.maintenance import retention

    plan = retention.plan_purge(24)
    late = add_report(db_session, practice=factory.practice(index=2), user=factory.user("practice-user"),
                      trust=factory.trust("RJ1"), received_on=CUTOFF_24 - timedelta(days=3))

    done = retention.purge(plan)

    assert (plan.reports, plan.practices, plan.dependants["staff_time"]) == (3, 2, 6)
    assert (done.reports, done.practices, done.dependants["staff_time"]) == (4, 3, 8)
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "reports.purged"))
    assert (event.details["reports"], event.details["practices"], event.details["staff_time_rows"]) == (4, 3, 8)
    assert db_session.scalar(select(func.count()).where(Report.id == late.id)) == 0


def test_purge_keeps_earlier_audit_events_about_the_purged_reports(app, db_session, reports):
    from tracker import audit

    purged_id = reports["old"][0].id
    audit.record("report.created", object_type="report", object_id=purged_id)
    db_session.commit()

    assert run(app, "--older-than", "24-months").exit_code == 0
    assert db_session.scalar(
        select(func.count()).where(AuditEvent.action == "report.created", AuditEvent.object_id == purged_id)
    ) == 1


def test_report_received_on_the_cutoff_day_is_kept(app, db_session, reports):
    assert run(app, "--older-than", "24-months").exit_code == 0
    kept = set(db_session.scalars(select(Report.received_on)))
    assert CUTOFF_24 in kept and CUTOFF_24 - timedelta(days=1) not in kept


def test_nothing_to_purge_says_so(app, db_session, reports):
    result = run(app, "--older-than", "120-months")
    assert result.exit_code == 0
    assert "none." in result.output and "Nothing to delete." in result.output
    assert db_session.scalar(select(func.count()).where(AuditEvent.action == "reports.purged")) == 0


@pytest.mark.parametrize("value", ["24", "24 months", "two-months", "24-weeks", "0-months", "24-months-ago"])
def test_badly_written_period_is_explained(app, db_session, reports, value):
    result = run(app, "--older-than", value)
    assert result.exit_code == 1
    assert "--older-than must look like 24-months" in result.output
    assert "Traceback" not in result.output
    assert _count(db_session, Report) == 5


def test_less_than_twelve_months_is_refused_with_the_reason(app, db_session, reports):
    result = run(app, "--older-than", "6-months")
    assert result.exit_code == 1
    assert "contract year" in result.output and "at least 12 months" in result.output
    assert "--force" in result.output
    assert _count(db_session, Report) == 5


def test_less_than_twelve_months_with_force_purges(app, db_session, reports):
    result = run(app, "--older-than", "1-month", "--force")
    assert result.exit_code == 0, result.output
    cutoff = months_before(TODAY, 1)
    assert set(db_session.scalars(select(Report.received_on))) == {d for d in [CUTOFF_24, TODAY] if d >= cutoff}


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 23), 24, date(2024, 11, 23)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2026, 1, 15), 13, date(2024, 12, 15)),
    ],
)
def test_months_before_keeps_the_day_or_the_end_of_a_shorter_month(day, months, expected):
    assert months_before(day, months) == expected
