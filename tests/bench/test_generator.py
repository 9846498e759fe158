"""The benchmark data generator: reproducible from its seed, and shaped like a real log.

Each generation runs inside a savepoint of the test's transaction and is rolled back, so the
shared test database is left as it was. The counts are small: these tests check the rules the
rows keep, never how fast they are written.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import bindparam, inspect, text

from bench.generate import (
    BENCH_EMAILS,
    GenerationSpec,
    GeneratorRefused,
    bulk_load_mode,
    generate,
    rebuild_derived_tables,
)

END = date(2026, 6, 30)
REPORTS = 500
TABLES = {
    "report": "SELECT * FROM report ORDER BY id",
    "staff_time": "SELECT * FROM staff_time ORDER BY report_id, staff_role",
    "trust_raise": "SELECT * FROM trust_raise ORDER BY id",
    "trust_reply": "SELECT * FROM trust_reply ORDER BY id",
    "raised_report": "SELECT * FROM raised_report ORDER BY raise_id, report_id",
}


@pytest.fixture
def connection(db_session):
    """The test's own connection: whatever the generator writes is rolled back afterwards."""
    return db_session.bind


def generated(connection, seed: int = 42, reports: int = REPORTS) -> dict[str, list[tuple]]:
    """Generate in a savepoint, read every generated table back, then roll the savepoint back."""
    savepoint = connection.begin_nested()
    try:
        generate(connection, GenerationSpec(reports=reports, seed=seed, end_date=END))
        return {name: [tuple(row) for row in connection.execute(text(sql))] for name, sql in TABLES.items()}
    finally:
        savepoint.rollback()


@pytest.fixture
def filled(connection):
    """A generated log of 500 reports, kept for the test (rolled back with the test)."""
    return generate(connection, GenerationSpec(reports=REPORTS, seed=42, end_date=END))


def scalar(connection, sql: str, **params):
    return connection.execute(text(sql), params).scalar()


def test_same_seed_gives_identical_rows(connection):
    first = generated(connection, seed=42)
    second = generated(connection, seed=42)
    assert len(first["report"]) == REPORTS
    assert first == second


def test_another_seed_gives_other_rows(connection):
    assert generated(connection, seed=42)["report"] != generated(connection, seed=43)["report"]


def test_writes_the_reports_and_staff_time_asked_for(connection, filled):
    assert filled.reports == REPORTS == scalar(connection, "SELECT count(*) FROM report")
    assert filled.staff_time_rows == scalar(connection, "SELECT count(*) FROM staff_time")
    # Most reports record staff time, and each report's total is the sum of its rows.
    with_time = scalar(connection, "SELECT count(DISTINCT report_id) FROM staff_time")
    assert with_time > REPORTS * 0.7
    assert scalar(connection, """
        SELECT count(*) FROM report r
        WHERE r.staff_minutes_total <> coalesce((SELECT sum(minutes) FROM staff_time s WHERE s.report_id = r.id), 0)
    """) == 0


def test_every_report_comes_from_an_active_practice_and_an_open_trust(connection, filled):
    assert scalar(connection, """
        SELECT count(*) FROM report r JOIN practice p ON p.id = r.practice_id WHERE NOT p.is_active
    """) == 0
    assert scalar(connection, """
        SELECT count(*) FROM report r JOIN trust t ON t.id = r.trust_id
        WHERE t.close_date IS NOT NULL AND t.close_date <= :end
    """, end=END) == 0
    # Exactly one provider each: an NHS trust or an independent provider.
    assert scalar(connection, """
        SELECT count(*) FROM report WHERE (trust_id IS NULL) = (independent_provider IS NULL)
    """) == 0


def test_dates_fall_within_the_three_years_to_the_end_date(connection, filled):
    first = GenerationSpec(reports=1, end_date=END).first_date
    earliest, latest = connection.execute(text("SELECT min(received_on), max(received_on) FROM report")).one()
    assert first <= date.fromisoformat(str(earliest)) and date.fromisoformat(str(latest)) <= END
    assert first == date(2023, 7, 1)
    # Practices are closed at weekends: few requests arrive then.
    weekend = sum(1 for (day,) in connection.execute(text("SELECT received_on FROM report"))
                  if date.fromisoformat(str(day)).weekday() >= 5)
    assert weekend < REPORTS * 0.1


def test_non_commissioned_work_is_always_declined(connection, filled):
    assert scalar(connection, "SELECT count(*) FROM report WHERE category_slug = 'non-commissioned'") > 0
    assert scalar(connection, """
        SELECT count(*) FROM report WHERE category_slug = 'non-commissioned' AND direction <> 'declined'
    """) == 0


def test_mixes_look_like_real_logs(connection, filled):
    def share(condition: str) -> float:
        return scalar(connection, f"SELECT count(*) FROM report WHERE {condition}") / REPORTS

    assert share("category_slug IN ('investigations', 'results-follow-up')") > 0.3
    assert share("status = 'logged'") > 0.7
    assert 0 < share("withdrawn_at IS NOT NULL") < 0.06
    # Practices mostly send to trusts in their own ICB.
    own_icb = scalar(connection, """
        SELECT count(*) FROM report r JOIN practice p ON p.id = r.practice_id JOIN trust t ON t.id = r.trust_id
        WHERE t.icb_code = p.icb_code
    """)
    assert own_icb > REPORTS * 0.6
    # Fit notes come mostly from surgery, orthopaedics and emergency medicine.
    fit_notes = scalar(connection, "SELECT count(*) FROM report WHERE category_slug = 'fit-notes'")
    surgical = scalar(connection, """
        SELECT count(*) FROM report WHERE category_slug = 'fit-notes'
        AND specialty_code IN ('100', '101', '104', '110', '120', '180', '502')
    """)
    assert fit_notes and surgical / fit_notes > 0.5


def test_raised_reports_belong_to_a_raise_with_the_same_trust(connection, filled):
    assert filled.raises > 0
    assert scalar(connection, """
        SELECT count(*) FROM report r
        WHERE (r.status <> 'logged') <> EXISTS (SELECT 1 FROM raised_report x WHERE x.report_id = r.id)
    """) == 0
    assert scalar(connection, """
        SELECT count(*) FROM raised_report x JOIN trust_raise tr ON tr.id = x.raise_id
        JOIN report r ON r.id = x.report_id WHERE r.trust_id <> tr.trust_id OR r.withdrawn_at IS NOT NULL
    """) == 0
    # Closed reports have a reply with a closing date.
    assert scalar(connection, """
        SELECT count(*) FROM report r JOIN raised_report x ON x.report_id = r.id
        LEFT JOIN trust_reply rp ON rp.raise_id = x.raise_id
        WHERE r.status = 'closed' AND rp.closed_on IS NULL
    """) == 0


def test_creates_the_bench_sign_ins_and_an_lmc_covering_several_icbs(connection, filled):
    roles = dict(connection.execute(
        text("SELECT email, role FROM user_account WHERE email IN :emails").bindparams(
            bindparam("emails", expanding=True)),
        {"emails": list(BENCH_EMAILS.values())},
    ).all())
    assert roles == {
        BENCH_EMAILS["practice"]: "practice-user",
        BENCH_EMAILS["lead"]: "practice-lead",
        BENCH_EMAILS["lmc"]: "lmc-officer",
        BENCH_EMAILS["admin"]: "admin",
    }
    icbs = scalar(connection, """
        SELECT count(*) FROM lmc_icb li JOIN user_account u ON u.lmc_id = li.lmc_id WHERE u.email = :email
    """, email=BENCH_EMAILS["lmc"])
    assert icbs >= 3
    # Every ICB is covered by one bench LMC, so every practice with an ICB has an LMC.
    assert scalar(connection, "SELECT count(DISTINCT icb_code) FROM lmc_icb") == scalar(
        connection, "SELECT count(*) FROM icb")


def test_refuses_a_database_that_already_holds_reports(connection, filled):
    with pytest.raises(GeneratorRefused, match="already holds 500 reports"):
        generate(connection, GenerationSpec(reports=10, seed=1, end_date=END))


def _schema_objects(connection) -> set[str]:
    if connection.dialect.name == "postgresql":
        indexes = connection.execute(text(
            "SELECT indexname FROM pg_indexes WHERE tablename IN ('report', 'staff_time', 'raised_report')"
        )).scalars()
        triggers = connection.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).scalars()
        return set(indexes) | set(triggers)
    return set(connection.execute(text("SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger')")).scalars())


def test_bulk_load_mode_leaves_the_schema_as_it_was_and_the_monthly_summary_right(connection, db_session):
    before = _schema_objects(connection)
    with bulk_load_mode(connection):
        generate(connection, GenerationSpec(reports=REPORTS, seed=42, end_date=END))
    rebuild_derived_tables()
    assert _schema_objects(connection) == before
    # The triggers were off during the load: the rebuild makes the monthly summary right again.
    if inspect(connection).has_table("report_month_summary"):
        counted = scalar(connection, "SELECT count(*) FROM report WHERE withdrawn_at IS NULL")
        assert scalar(connection, "SELECT sum(reports) FROM report_month_summary") == counted


def test_the_command_is_refused_in_production(monkeypatch, tmp_path, capsys):
    from bench.generate import main

    target = tmp_path / "never.db"
    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{target}")  # main() sets it; restored afterwards
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    assert main(["--database-url", f"sqlite:///{target}", "--reports", "10"]) == 1
    assert "refused when TRACKER_ENV is production" in capsys.readouterr().err
    assert not target.exists()
