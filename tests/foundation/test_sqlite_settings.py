from sqlalchemy import text

from tracker.extensions import db


def test_sqlite_runs_with_wal_busy_timeout_and_foreign_keys(app, db_session):
    if db.engine.dialect.name != "sqlite":
        return
    assert db_session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db_session.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    assert db_session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
