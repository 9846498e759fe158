"""The flask tracker commands."""

import shutil

import pytest

from sqlalchemy import func, select

from tests.conftest import ODS_FOLDER
from tracker.accounts.models import User
from tracker.organisations.models import LMC, Trust


def run(app, *args):
    return app.test_cli_runner().invoke(args=["tracker", *args])


def test_import_ods_prints_counts(app, db_session):
    result = run(app, "import-ods", str(ODS_FOLDER))
    assert result.exit_code == 0
    assert "Trusts: 0 created, 0 updated, 0 closed, 271 unchanged" in result.output


def test_import_ods_malformed_file_changes_nothing(app, db_session, tmp_path):
    folder = tmp_path / "ods"
    shutil.copytree(ODS_FOLDER, folder)
    etr = (folder / "etr.csv").read_text().replace('"OXFORD UNIVERSITY HOSPITALS NHS FOUNDATION TRUST"', '"CHANGED"')
    (folder / "epraccur.csv").write_text('"A81001","ONLY TWO FIELDS"\n')
    (folder / "etr.csv").write_text(etr)
    result = run(app, "import-ods", str(folder))
    assert result.exit_code == 1
    assert "epraccur.csv, line 1" in result.output and "Nothing was loaded" in result.output
    assert db_session.scalar(select(Trust.name).where(Trust.ods_code == "RTH")) == (
        "Oxford University Hospitals NHS Foundation Trust"
    )


def test_create_user_prints_a_one_time_link(app, db_session, factory):
    practice = factory.practice()
    result = run(app, "create-user", "--email", "Cli@Example.nhs.uk", "--name", "Cli User",
                 "--role", "practice-lead", "--practice", practice.ods_code)
    assert result.exit_code == 0, result.output
    assert "/set-password/" in result.output
    user = db_session.scalar(select(User).where(User.email == "cli@example.nhs.uk"))
    assert user.practice_id == practice.id and user.password_hash is None


def test_create_user_with_unknown_practice_explains(app, db_session):
    result = run(app, "create-user", "--email", "x@example.nhs.uk", "--name", "X",
                 "--role", "practice-user", "--practice", "ZZZ999")
    assert result.exit_code == 1
    assert "no GP practice has the ODS code 'ZZZ999'" in result.output
    assert "Traceback" not in result.output


def test_create_user_duplicate_email_explains(app, db_session, factory):
    factory.user("admin", email="dup@example.nhs.uk")
    result = run(app, "create-user", "--email", "dup@example.nhs.uk", "--name", "X", "--role", "admin")
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_create_lmc_covers_icbs_and_listed_practices(app, db_session, factory):
    extra = factory.practice("QOP")
    result = run(app, "create-lmc", "--name", "Test Wide LMC", "--icb", "QKK", "--practices", extra.ods_code)
    assert result.exit_code == 0, result.output
    lmc = db_session.scalar(select(LMC).where(LMC.name == "Test Wide LMC"))
    covered = db_session.scalar(select(func.count()).select_from(lmc.practice_ids_select().subquery()))
    assert f"covers {covered} practices" in result.output
    assert covered > 1


def test_create_lmc_unknown_icb_explains(app, db_session):
    result = run(app, "create-lmc", "--name", "Bad LMC", "--icb", "XXX")
    assert result.exit_code == 1
    assert "No ICB has the code XXX" in result.output


def test_demo_data_is_refused_in_production(app, db_session):
    app.config["PRODUCTION"] = True
    try:
        result = run(app, "load-demo")
    finally:
        app.config["PRODUCTION"] = False
    assert result.exit_code == 1
    assert "refused in production" in result.output


def test_demo_data_creates_the_documented_sign_ins(app, db_session):
    result = run(app, "load-demo")
    assert result.exit_code == 0, result.output
    for email in ("practice.user@example.nhs.uk", "practice.lead@example.nhs.uk", "other.practice@example.nhs.uk",
                  "lmc.officer@example.nhs.uk", "admin@example.nhs.uk"):
        assert email in result.output
    users = db_session.scalar(select(func.count()).select_from(User))
    again = run(app, "load-demo")
    assert again.exit_code == 0
    # The five sign-ins, plus one member of staff per other demo practice who logged its reports.
    assert db_session.scalar(select(func.count()).select_from(User)) == users
    assert db_session.scalar(select(func.count()).select_from(User).where(User.password_hash.is_not(None))) == 5


def _failing_with(error):
    def create_user(**_fields):
        raise error

    return create_user


def test_a_busy_or_unreachable_database_is_a_message_not_a_stack_trace(app, db_session, factory, monkeypatch):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from tracker import commands

    practice = factory.practice()
    locked = OperationalError("INSERT INTO user_account ...", {}, sqlite3.OperationalError("database is locked"))
    monkeypatch.setattr(commands.accounts, "create_user", _failing_with(locked))

    result = run(app, "create-user", "--email", "busy@example.nhs.uk", "--name", "Busy Day",
                 "--role", "practice-user", "--practice", practice.ods_code)

    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: the database is busy or cannot be reached (database is locked). Nothing was saved: "
        "try again in a minute."
    )
    assert "Traceback" not in result.output


@pytest.mark.parametrize("missing", ["sqlite", "postgresql"])
def test_a_database_without_the_tables_says_how_to_create_them(app, db_session, factory, monkeypatch, missing):
    import sqlite3

    from psycopg.errors import UndefinedTable
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from tracker import commands

    practice = factory.practice()
    error = (OperationalError("SELECT ...", {}, sqlite3.OperationalError("no such table: practice"))
             if missing == "sqlite" else
             ProgrammingError("SELECT ...", {}, UndefinedTable('relation "practice" does not exist')))
    monkeypatch.setattr(commands.accounts, "create_user", _failing_with(error))

    result = run(app, "create-user", "--email", "early@example.nhs.uk", "--name", "Too Early",
                 "--role", "practice-user", "--practice", practice.ods_code)

    assert result.exit_code == 1
    assert "Error: the database does not have the tables this version needs (" in result.output
    assert "Check DATABASE_URL, run 'flask --app wsgi db upgrade' (or 'make setup'), then run this command again." \
        in result.output
    assert "busy" not in result.output and "Traceback" not in result.output


def test_other_database_errors_are_not_passed_off_as_a_busy_database(app, db_session, factory, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from tracker import commands

    practice = factory.practice()
    bug = IntegrityError("INSERT INTO user_account ...", {}, Exception("a constraint the code should have checked"))
    monkeypatch.setattr(commands.accounts, "create_user", _failing_with(bug))

    result = run(app, "create-user", "--email", "bug@example.nhs.uk", "--name", "A Bug",
                 "--role", "practice-user", "--practice", practice.ods_code)

    assert isinstance(result.exception, IntegrityError)
    assert "busy" not in result.output


def test_a_real_database_never_migrated_gets_the_message_not_a_stack_trace(tmp_path):
    from tests.reliability.throwaway import app_for

    with app_for(f"sqlite:///{tmp_path / 'never-migrated.db'}", tmp_path / "instance") as fresh:
        result = fresh.test_cli_runner().invoke(args=[
            "tracker", "create-user", "--email", "early@example.nhs.uk", "--name", "Too Early",
            "--role", "practice-user", "--practice", "A81001"])

    assert result.exit_code == 1
    assert "Error: the database does not have the tables this version needs (no such table" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # sys.exit(1), not an error escaping the command
