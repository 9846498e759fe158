"""Run a read-only statement on a second connection while the request goes on (PostgreSQL).

The LMC summary page needs three aggregates of the summary table: this period's
figures by provider, the previous period's counts, and the counts by month. One after
the other on the request's connection they were about half of the page's time at five
million reports. ``fetch(statement)`` starts a statement on another pooled connection
and returns a function that gives its rows, so the database works on two of them at
once and the request builds its own figures meanwhile (docs/performance.md).

Runs the statement on the request's own session instead, at once (``in_turn``):

- on SQLite, where a second reader would only compete for the same file;
- in tests (``SUMMARY_SQL_ALONGSIDE`` is off when testing): each test's data sits in one
  open transaction, which no other connection can see;
- when the pool has no connection to spare at the moment the statement is started. The
  check can be out of date by the time the statement takes its connection: with many more
  server threads than pooled connections, requests could wait on each other's second
  connections, up to the pool's timeout (the 503 page). The server's 4 threads per worker
  and the pool's 15 connections leave room for every thread's second connection.

Every statement must only read: each runs on its own (autocommit), and sees what was
committed when it started, as statements of a request do on PostgreSQL anyway.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from flask import current_app
from sqlalchemy import Row
from sqlalchemy.engine import Engine
from sqlalchemy.sql import Select

from tracker.extensions import db

# Statements in flight at once, per process (each holds a pooled connection meanwhile).
MAX_ALONGSIDE = 4

_executor: ThreadPoolExecutor | None = None
_executor_pid: int | None = None
_executor_lock = threading.Lock()


def fetch(statement: Select) -> Callable[[], Sequence[Row]]:
    """Start ``statement``; the returned function gives its rows (and raises its error)."""
    engine = db.engine
    if not _enabled(engine):
        return in_turn(statement)
    return _pool().submit(_fetch_on_own_connection, engine, statement).result


def in_turn(statement: Select) -> Callable[[], Sequence[Row]]:
    """``fetch``'s shape for a statement run now on the request's own session."""
    return db.session.execute(statement).all


def _enabled(engine: Engine) -> bool:
    if engine.dialect.name != "postgresql":
        return False
    if not current_app.config.get("SUMMARY_SQL_ALONGSIDE", not current_app.testing):
        return False
    return _connection_to_spare(engine)


def _connection_to_spare(engine: Engine) -> bool:
    """Whether the pool has an idle connection, or room for one more."""
    pool = engine.pool
    checked_in, overflow, max_overflow = (getattr(pool, name, None) for name in ("checkedin", "overflow", "_max_overflow"))
    if checked_in is None or overflow is None or max_overflow is None:
        return False  # a pool without these counts (not a QueuePool): stay on the request's connection
    return checked_in() > 0 or max_overflow < 0 or overflow() < max_overflow


def _fetch_on_own_connection(engine: Engine, statement: Select) -> Sequence[Row]:
    with engine.connect() as connection:
        # Without BEGIN and ROLLBACK round trips, as a request's reads run (tracker/database.py
        # turns autocommit off again when the connection goes back to the pool).
        connection.connection.dbapi_connection.autocommit = True
        return connection.execute(statement).all()


def _pool() -> ThreadPoolExecutor:
    """This process's threads (a forked server worker makes its own: threads do not survive a fork)."""
    global _executor, _executor_pid
    with _executor_lock:
        if _executor is None or _executor_pid != os.getpid():
            _executor = ThreadPoolExecutor(max_workers=MAX_ALONGSIDE, thread_name_prefix="summary-sql")
            _executor_pid = os.getpid()
        return _executor
