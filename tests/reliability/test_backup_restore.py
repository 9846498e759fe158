"""Backup and restore round trips on the engine under test (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set), through the real commands and a database of their own."""

from __future__ import annotations

import sqlite3
import subprocess
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text, update

from tests.reliability.sample_data import add_organisations, add_raise, add_report
from tests.reliability.throwaway import app_for, postgres_test_url, throwaway_database
from tracker import audit
from tracker.accounts.models import User
from tracker.accounts.permissions import Role
from tracker.extensions import db
from tracker.maintenance.inventory import Inventory, code_heads, of_connection, script_directory
from tracker.maintenance.postgres_backup import libpq_connection
from tracker.reference import load_reference_data
from tracker.reports.models import Report

ON_POSTGRES = postgres_test_url() is not None
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="SQLite behaviour; the suite runs on PostgreSQL")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="needs TEST_DATABASE_URL (PostgreSQL)")


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["tracker", *args], input=input)


def contents(app) -> Inventory:
    with app.app_context():
        db.session.remove()
        with db.engine.connect() as connection:
            return of_connection(connection)


def execute(app, sql: str, **params) -> None:
    with app.app_context():
        db.session.execute(text(sql), params)
        db.session.commit()


@pytest.fixture
def app(throwaway_app):
    """Migrated to head, with reference data, organisations, reports, staff time, a raise and audit events."""
    with throwaway_app.app_context():
        upgrade()
        load_reference_data()
        orgs = add_organisations(db.session)
        reports = [
            add_report(db.session, practice=orgs.practices[i % 2], user=orgs.practice_user, trust=orgs.trust,
                       received_on=date(2025, 1 + i, 3))
            for i in range(6)
        ]
        add_raise(db.session, lmc=orgs.lmc, trust=orgs.trust, officer=orgs.lmc_officer, reports=reports[:2],
                  raised_on=date(2025, 8, 1))
        audit.record("report.created", actor=orgs.practice_user, object_type="report", object_id=reports[0].id)
        db.session.commit()
    return throwaway_app


def _change_everything(app) -> None:
    """Delete, edit and add rows, as the service would after a backup."""
    with app.app_context():
        unraised = db.session.scalars(select(Report).order_by(Report.id).offset(3)).all()
        for report in unraised[:2]:
            db.session.delete(report)
        db.session.execute(update(Report).values(description="Changed after the backup"))
        db.session.add(User(email="later@example.nhs.uk", full_name="Added later", role=Role.ADMIN))
        db.session.commit()


def test_round_trip_restores_every_table_and_the_migration_head(app, tmp_path):
    before = contents(app)
    assert before.row_counts["report"] == 6 and before.row_counts["staff_time"] == 12
    assert before.row_counts["raised_report"] == 2

    backup = tmp_path / "backup.file"
    result = run(app, "backup", str(backup))
    assert result.exit_code == 0, result.output
    assert "Backed up the" in result.output
    assert f"Migration head: {before.head}" in result.output
    assert f"{len(before.row_counts)} tables, {before.total_rows:,} rows" in result.output

    _change_everything(app)
    assert contents(app).row_counts != before.row_counts

    # Another worker of the running service, with a connection open across the restore.
    with app.app_context():
        other_worker = create_engine(db.engine.url)
    with other_worker.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM report")).scalar_one() == 4
        connection.commit()

        result = run(app, "restore", "--yes", str(backup))
        assert result.exit_code == 0, result.output
        assert "Restored" in result.output and f"Migration head: {before.head}" in result.output

        assert connection.execute(text("SELECT count(*) FROM report")).scalar_one() == 6
        connection.commit()
    other_worker.dispose()

    after = contents(app)
    assert after.row_counts == before.row_counts
    assert after.heads == before.heads
    with app.app_context():
        assert after.heads == code_heads()
        # The running app reads the restored rows through its own engine.
        descriptions = set(db.session.scalars(select(Report.description)))
        assert descriptions == {"Clinic letter asked the GP to arrange an echo"}
        assert db.session.scalar(select(User).where(User.email == "later@example.nhs.uk")) is None


def test_backup_refuses_to_overwrite_an_existing_file_unless_forced(app, tmp_path):
    backup = tmp_path / "backup.file"
    backup.write_bytes(b"an older backup")

    result = run(app, "backup", str(backup))
    assert result.exit_code == 1
    assert "already exists" in result.output and "--force" in result.output
    assert backup.read_bytes() == b"an older backup"

    result = run(app, "backup", "--force", str(backup))
    assert result.exit_code == 0, result.output
    assert backup.read_bytes() != b"an older backup"


def test_backup_file_is_readable_by_its_owner_only(app, tmp_path):
    backup = tmp_path / "backup.file"
    assert run(app, "backup", str(backup)).exit_code == 0
    assert backup.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_backup_into_a_missing_folder_says_so(app, tmp_path):
    result = run(app, "backup", str(tmp_path / "no-such-folder" / "backup.file"))
    assert result.exit_code == 1
    assert "does not exist. Create it first" in result.output
    assert "Traceback" not in result.output


def test_restore_asks_first_and_changes_nothing_when_the_answer_is_no(app, tmp_path):
    backup = tmp_path / "backup.file"
    assert run(app, "backup", str(backup)).exit_code == 0
    _change_everything(app)
    changed = contents(app)

    result = run(app, "restore", str(backup), input="n\n")
    assert result.exit_code == 1
    assert "Anything saved since the backup was made will be lost" in result.output
    assert "Nothing was restored" in result.output
    assert contents(app).row_counts == changed.row_counts


def test_restore_refuses_a_file_that_is_not_a_backup(app, tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("not a database at all\n")
    before = contents(app)

    result = run(app, "restore", "--yes", str(not_a_backup))
    assert result.exit_code == 1
    assert "is not a" in result.output and "tracker backup" in result.output
    assert "Traceback" not in result.output
    assert contents(app).row_counts == before.row_counts


def test_restore_of_a_missing_file_says_so(app, tmp_path):
    result = run(app, "restore", "--yes", str(tmp_path / "nothing-here.file"))
    assert result.exit_code == 1
    assert "There is no backup file at" in result.output


def test_restore_refuses_a_backup_made_by_an_older_release(app, tmp_path):
    with app.app_context():
        (head,) = code_heads()
        previous = script_directory().get_revision(head).down_revision
    backup = tmp_path / "backup.file"
    execute(app, "UPDATE alembic_version SET version_num = :v", v=previous)
    assert run(app, "backup", str(backup)).exit_code == 0
    execute(app, "UPDATE alembic_version SET version_num = :v", v=head)
    _change_everything(app)
    changed = contents(app)

    result = run(app, "restore", "--yes", str(backup))
    assert result.exit_code == 1
    assert f"The backup is at migration {previous} but this code is at {head}" in result.output
    assert "older release" in result.output and "flask --app wsgi db upgrade" in result.output
    assert "Nothing was restored" in result.output
    assert contents(app).row_counts == changed.row_counts


def test_restore_refuses_a_backup_made_by_a_newer_release(app, tmp_path):
    backup = tmp_path / "backup.file"
    execute(app, "UPDATE alembic_version SET version_num = '9999_from_the_future'")
    assert run(app, "backup", str(backup)).exit_code == 0
    with app.app_context():
        (head,) = code_heads()
    execute(app, "UPDATE alembic_version SET version_num = :v", v=head)

    result = run(app, "restore", "--yes", str(backup))
    assert result.exit_code == 1
    assert "The backup is at migration 9999_from_the_future" in result.output
    assert "newer release" in result.output


@sqlite_only
def test_sqlite_restore_refuses_a_database_of_another_application(app, tmp_path):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")

    result = run(app, "restore", "--yes", str(other))
    assert result.exit_code == 1
    assert "is a SQLite database but not a backup of this service" in result.output
    assert "alembic_version" in result.output


@sqlite_only
def test_sqlite_restore_refuses_a_postgresql_backup(app, tmp_path):
    dump = tmp_path / "from-postgres.dump"
    dump.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 100)
    result = run(app, "restore", "--yes", str(dump))
    assert result.exit_code == 1
    assert "is not a SQLite database" in result.output


@sqlite_only
def test_sqlite_backup_includes_commits_still_in_the_wal(app, tmp_path):
    """A writer that never checkpoints keeps its commits in the -wal file; the backup has them."""
    with app.app_context():
        live = db.engine.url.database
    writer = sqlite3.connect(live, isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("UPDATE report SET description = 'Only in the WAL' WHERE id = 1")
        backup = tmp_path / "backup.db"
        result = run(app, "backup", str(backup))
    finally:
        writer.close()
    assert result.exit_code == 0, result.output
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT description FROM report WHERE id = 1").fetchone() == ("Only in the WAL",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert not (tmp_path / "backup.db-wal").exists()


@postgres_only
def test_postgres_restore_refuses_a_sqlite_file(app, tmp_path):
    other = tmp_path / "tracker.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
    result = run(app, "restore", "--yes", str(other))
    assert result.exit_code == 1
    assert "is a SQLite database" in result.output and "PostgreSQL" in result.output


@postgres_only
def test_postgres_restore_refuses_a_dump_of_another_database(app, throwaway, tmp_path):
    dump = tmp_path / "other.dump"
    uri, environment = libpq_connection(throwaway.url)
    subprocess.run(["pg_dump", "--format=custom", "--exclude-table=alembic_version", f"--file={dump}",
                    f"--dbname={uri}"], env=environment, check=True)
    result = run(app, "restore", "--yes", str(dump))
    assert result.exit_code == 1
    assert "is a PostgreSQL backup but not of this service" in result.output


@postgres_only
def test_postgres_backup_names_the_missing_client_tools(app, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = run(app, "backup", str(tmp_path / "backup.dump"))
    assert result.exit_code == 1
    assert "pg_dump was not found on the PATH" in result.output
    assert "postgresql-client" in result.output
    assert not (tmp_path / "backup.dump").exists()


def test_libpq_connection_keeps_the_password_off_the_command_line():
    uri, environment = libpq_connection("postgresql+psycopg://tracker:s3cr%40t%3Aword@db.internal:6543/tracker?sslmode=require")
    assert uri == "postgresql://tracker@db.internal:6543/tracker?sslmode=require"
    assert "s3cr" not in uri
    assert environment["PGPASSWORD"] == "s3cr@t:word"


def test_libpq_connection_without_a_password_leaves_the_environment_alone(monkeypatch):
    monkeypatch.delenv("PGPASSWORD", raising=False)
    uri, environment = libpq_connection("postgresql+psycopg://postgres@127.0.0.1:5432/test")
    assert uri == "postgresql://postgres@127.0.0.1:5432/test"
    assert "PGPASSWORD" not in environment



@contextmanager
def _empty_database(folder: Path):
    """The URL of a database with no tables: a new PostgreSQL database, or a SQLite file not made yet."""
    if ON_POSTGRES:
        with throwaway_database(folder) as database:
            yield database.url
    else:
        yield f"sqlite:///{folder / 'not-yet' / 'tracker.db'}"


def test_restore_into_an_empty_database_rebuilds_it(app, tmp_path):
    """Disaster recovery: the backup goes into a database with no tables (or no file) at all."""
    backup = tmp_path / "backup.file"
    assert run(app, "backup", str(backup)).exit_code == 0
    before = contents(app)

    with _empty_database(tmp_path) as empty_url, app_for(empty_url, tmp_path / "second-instance") as fresh:
        result = run(fresh, "restore", "--yes", str(backup))
        assert result.exit_code == 0, result.output
        after = contents(fresh)
    assert after.row_counts == before.row_counts
    assert after.heads == before.heads


@sqlite_only
def test_sqlite_backup_and_restore_refuse_the_live_database_itself(app):
    with app.app_context():
        live = db.engine.url.database
    before = contents(app)

    result = run(app, "backup", "--force", live)
    assert result.exit_code == 1 and "is the live database itself" in result.output
    result = run(app, "restore", "--yes", live)
    assert result.exit_code == 1 and "is the live database itself" in result.output
    assert contents(app).row_counts == before.row_counts
