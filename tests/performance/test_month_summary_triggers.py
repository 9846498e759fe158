"""The monthly summary table stays equal to the reports on every write path.

After each write the whole table is compared with what the reports say
(``summary_check.expected_rows``, computed in Python), so a count left behind in the
old month, trust or category shows up as a difference.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, select, text, update

from tests.performance.summary_check import assert_summary_matches_reports, table_rows
from tracker.categories.models import Category
from tracker.categories.reference import CATEGORIES
from tracker.extensions import db
from tracker.organisations.models import Practice
from tracker.reports import importing, services
from tracker.reports.models import ImportJob, ImportStatus, Report, StaffRole, StaffTime
from tracker.summaries.models import CATEGORY_COLUMNS, ReportMonthSummary
from tracker.summaries.rollup import rebuild_month_summary

TRIGGERS = {
    "report_month_summary_report_insert", "report_month_summary_report_update",
    "report_month_summary_report_delete", "report_month_summary_staff_insert",
    "report_month_summary_staff_update", "report_month_summary_staff_delete",
    "report_month_summary_practice_icb", "report_month_summary_report_details",
}
CLOCK_TRIGGERS = {
    # SQLite ticks row by row; PostgreSQL once per ICB at commit (a deferred constraint trigger).
    "sqlite": {"report_month_summary_clock_insert", "report_month_summary_clock_update",
               "report_month_summary_clock_delete"},
    "postgresql": {"report_month_summary_clock"},
}


def _raw(**fields) -> dict:
    return {
        "received_on": "2026-02-10", "trust_code": "RJ1", "specialty_code": "320", "source": "clinic-letter",
        "category_slug": "investigations", "description": "Cardiology letter: GP to arrange echo before review",
        "action_taken": "done-under-protest", "patient_impact": "none", "minutes_gp": "15", **fields,
    }


@pytest.fixture
def user(factory):
    return factory.user("practice-user", practice=factory.practice("QKK", 0))


def _log(user, **fields) -> Report:
    data, errors = services.parse_report(_raw(**fields))
    assert not errors, errors
    report_id, created = services.log_report(user.practice, user, data)
    assert created
    return db.session.get(Report, report_id)


def _edit(db_session, report: Report, user, **fields) -> None:
    data, errors = services.parse_report(_raw(**fields))
    assert not errors, errors
    assert services.edit_report(report, user, data, report.version)
    db_session.flush()


def test_every_trigger_is_in_place(db_session):
    """A later SQLite migration that rebuilds a table drops its triggers: this notices."""
    if db_session.bind.dialect.name == "sqlite":
        names = set(db_session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
    else:
        names = set(db_session.scalars(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")))
    assert TRIGGERS | CLOCK_TRIGGERS[db_session.bind.dialect.name] <= names


def test_every_category_has_a_column():
    """A new category needs a column (and the triggers a line): the model and data must agree."""
    assert list(CATEGORY_COLUMNS) == [c.slug for c in CATEGORIES]
    columns = {c.name for c in ReportMonthSummary.__table__.columns}
    assert {column.key for column in CATEGORY_COLUMNS.values()} <= columns


def test_the_categories_in_the_database_are_the_ones_with_columns(db_session):
    assert set(db_session.scalars(select(Category.slug))) == set(CATEGORY_COLUMNS)


def test_a_logged_case_is_counted_under_its_icb_month_and_trust(db_session, user, factory):
    report = _log(user, received_on="2026-02-10", minutes_gp="15", minutes_admin="5")
    assert_summary_matches_reports(db_session)
    row = table_rows(db_session)[("QKK", date(2026, 2, 1), factory.trust("RJ1").id, "")]
    assert row["reports"] == 1 and row["category_investigations"] == 1
    assert (row["minutes_gp"], row["minutes_admin"], row["reports_with_gp"], row["reports_with_nurse"]) == (15, 5, 1, 0)
    assert report.practice.icb_code == "QKK"


def test_independent_providers_are_counted_by_name_as_typed(db_session, user):
    _log(user, trust_code="", independent_provider="Spire Healthcare")
    _log(user, trust_code="", independent_provider="spire healthcare")
    _log(user, trust_code="", independent_provider="Spire Healthcare")
    assert_summary_matches_reports(db_session)
    names = {key[3]: row["reports"] for key, row in table_rows(db_session).items() if key[2] == 0}
    assert names == {"Spire Healthcare": 2, "spire healthcare": 1}


@pytest.mark.parametrize("change", [
    {"received_on": "2026-03-02"},  # another month
    {"received_on": "2025-02-10"},  # another year
    {"trust_code": "RJZ"},
    {"trust_code": "", "independent_provider": "Spire Healthcare"},
    {"category_slug": "fit-notes", "specialty_code": "100"},
    {"minutes_gp": "40"},  # more minutes
    {"minutes_gp": "", "minutes_nurse": "20"},  # time moves to another role
    {"minutes_gp": "", "minutes_admin": ""},  # no staff time left
    {"minutes_gp": "15", "minutes_admin": "5", "minutes_pharmacist": "30"},
    {"received_on": "2026-04-01", "trust_code": "RJZ", "category_slug": "prescribing", "minutes_nurse": "9"},
], ids=["month", "year", "trust", "to-independent", "category", "minutes", "role", "no-time", "more-roles",
        "everything"])
def test_an_edit_moves_the_report_and_its_time(db_session, user, change):
    report = _log(user, minutes_admin="5")
    _log(user)  # another report on the same row, so the old row stays with the right count
    _edit(db_session, report, user, **{"minutes_admin": "5", **change})
    assert_summary_matches_reports(db_session)


def test_an_edit_back_from_an_independent_provider_to_a_trust(db_session, user):
    report = _log(user, trust_code="", independent_provider="Spire Healthcare")
    _edit(db_session, report, user, trust_code="RJ1")
    assert_summary_matches_reports(db_session)
    assert all(key[2] != 0 for key in table_rows(db_session))


def test_a_row_that_counts_no_report_any_more_is_removed(db_session, user):
    report = _log(user, received_on="2026-02-10")
    _edit(db_session, report, user, received_on="2026-05-10")
    assert [key[1] for key in table_rows(db_session)] == [date(2026, 5, 1)]


def test_withdrawing_a_report_takes_it_and_its_time_out(db_session, user):
    kept = _log(user, minutes_gp="10")
    withdrawn = _log(user, minutes_gp="20", minutes_nurse="5")
    services.withdraw_report(withdrawn, user, "Logged twice")
    db_session.flush()
    assert_summary_matches_reports(db_session)
    (row,) = table_rows(db_session).values()
    assert (row["reports"], row["minutes_gp"], row["minutes_nurse"]) == (1, 10, 0)
    assert kept.withdrawn_at is None


def test_withdrawing_the_only_report_of_a_row_removes_the_row(db_session, user):
    report = _log(user)
    services.withdraw_report(report, user, "Logged by mistake")
    db_session.flush()
    assert table_rows(db_session) == {}


def test_a_withdrawn_report_edited_or_restored_by_hand_counts_only_when_restored(db_session, user):
    report = _log(user, minutes_gp="10")
    services.withdraw_report(report, user, "Logged twice")
    db_session.flush()
    db_session.execute(update(Report).where(Report.id == report.id).values(received_on=date(2026, 6, 1)))
    assert table_rows(db_session) == {}
    db_session.execute(update(Report).where(Report.id == report.id).values(withdrawn_at=None))
    assert_summary_matches_reports(db_session)


def test_an_import_counts_every_row_and_its_staff_time(db_session, factory):
    from tests.importing.conftest import csv_bytes, row

    lead = factory.user("practice-lead", practice=factory.practice("QKK", 1))
    _log(factory.user("practice-user", practice=lead.practice))  # one already there
    job = ImportJob(practice_id=lead.practice_id, user_id=lead.id, filename="log.csv",
                    status=ImportStatus.CHECKING, errors=[])
    db_session.add(job)
    db_session.flush()
    rows = [row(date_received=f"{day:02d}/{month:02d}/2025", provider=trust, category=category,
                minutes_gp=str(day), minutes_admin="5" if day % 2 else "")
            for day, month, trust, category in [
                (3, 3, "RJ1", "investigations"), (4, 3, "RJ1", "investigations"), (28, 2, "RJZ", "other"),
                (1, 4, "RJ1", "communication"), (2, 4, "RJ1", "investigations")]]
    importing.check_upload(job, "log.csv", csv_bytes(rows))
    assert importing.can_apply(job), job.errors
    assert importing.claim_for_apply(job)
    assert importing.apply_job(job, lead) == 5
    assert_summary_matches_reports(db_session)
    march = table_rows(db_session)[("QKK", date(2025, 3, 1), factory.trust("RJ1").id, "")]
    assert (march["reports"], march["minutes_gp"], march["minutes_admin"], march["reports_with_admin"]) == (2, 7, 5, 1)
    # SQLite suspends the triggers for the import's inserts: they are back, and count again.
    test_every_trigger_is_in_place(db_session)
    _log(lead)
    assert_summary_matches_reports(db_session)


def test_the_retention_purge_takes_old_reports_out(db_session, user):
    from tracker.maintenance.retention import plan_purge, purge

    for received_on in ("2023-01-05", "2023-01-20", "2023-02-01", "2025-12-01", "2026-02-01"):
        _log(user, received_on=received_on, minutes_gp="10", minutes_nurse="5")
    plan = plan_purge(24, today=date(2026, 2, 15))  # reports before 15 February 2024 go
    purge(plan)
    assert_summary_matches_reports(db_session)
    assert sorted(key[1] for key in table_rows(db_session)) == [date(2025, 12, 1), date(2026, 2, 1)]


def test_deleting_a_report_by_sql_takes_its_cascaded_staff_time_out_once(db_session, user):
    keep = _log(user, minutes_gp="10")
    gone = _log(user, minutes_gp="20", minutes_pharmacist="7")
    db_session.flush()
    db_session.expunge(gone)
    db_session.execute(delete(Report).where(Report.id == gone.id))  # staff_time goes by ON DELETE CASCADE
    assert db_session.scalar(select(StaffTime.minutes).where(StaffTime.report_id == gone.id)) is None
    assert_summary_matches_reports(db_session)
    (row,) = table_rows(db_session).values()
    assert (row["reports"], row["minutes_gp"], row["minutes_pharmacist"]) == (1, 10, 0)
    assert keep.id


def test_staff_time_changed_by_sql_is_followed(db_session, user):
    first = _log(user, minutes_gp="10")
    second = _log(user, received_on="2026-05-05", trust_code="RJZ", minutes_nurse="3")
    db_session.flush()
    db_session.expire_all()
    db_session.execute(update(StaffTime).where(StaffTime.report_id == first.id).values(minutes=25))
    assert_summary_matches_reports(db_session)
    db_session.execute(update(StaffTime).where(StaffTime.report_id == first.id)
                       .values(report_id=second.id, staff_role=StaffRole.ADMIN))
    assert_summary_matches_reports(db_session)
    db_session.execute(delete(StaffTime).where(StaffTime.report_id == second.id))
    assert_summary_matches_reports(db_session)


def test_a_practice_moving_icb_moves_its_reports(db_session, user, factory):
    practice = user.practice
    neighbour = factory.user("practice-user", practice=factory.practice("QKK", 1))
    for month in (1, 2, 3):
        _log(user, received_on=f"2026-0{month}-10", minutes_gp="5")
    _log(neighbour, received_on="2026-01-10")  # stays in QKK
    practice.icb_code = "QOP"
    db_session.flush()
    assert_summary_matches_reports(db_session)
    assert {key[0] for key in table_rows(db_session)} == {"QKK", "QOP"}
    db_session.execute(update(Practice).where(Practice.id == practice.id).values(icb_code=None))
    assert_summary_matches_reports(db_session)
    assert "" in {key[0] for key in table_rows(db_session)}


def test_rebuilding_from_the_reports_gives_the_same_table(db_session, user, factory):
    for n in range(6):
        _log(user, received_on=f"2026-0{n % 3 + 1}-1{n}", minutes_gp=str(n + 1),
             trust_code="RJ1" if n % 2 else "RJZ")
    withdrawn = _log(user)
    services.withdraw_report(withdrawn, user, "Logged twice")
    db_session.flush()
    before = table_rows(db_session)
    db_session.execute(delete(ReportMonthSummary))
    assert rebuild_month_summary() == len(before)
    assert table_rows(db_session) == before

