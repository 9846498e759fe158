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
            connection.exec_driver_sql("BEGIN IMMEDIATE" if _request_writes() else "BEGIN")


def _request_writes() -> bool:
    """True inside a request that may write (anything but GET and HEAD).

    Such a request takes SQLite's write lock when its transaction begins, so two of them
    run one after the other. Otherwise both read, and the second to write fails with "database
    is locked" however long it waits (its snapshot is older than the first one's commit): two
    people saving the same case at once got the 503 page instead of the conflict page, and a
    double-clicked form or withdrawal the 503 page instead of the case. Reads never wait:
    in WAL mode they do not need the lock.
    """
    from flask import has_request_context, request

    return has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
