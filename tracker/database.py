"""Engine settings that SQLAlchemy cannot take from the URL alone."""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

_configured = False


def configure_engine_events() -> None:
    """SQLite: WAL, a busy timeout, foreign keys, and real transactions (savepoints work).

    pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; the
    SQLAlchemy-documented fix is to turn it off and emit BEGIN ourselves.
    """
    global _configured
    if _configured:
        return
    _configured = True

    @event.listens_for(Engine, "connect")
    def _sqlite_on_connect(dbapi_connection, _record):
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 30000")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(Engine, "begin")
    def _sqlite_begin(connection):
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN")
