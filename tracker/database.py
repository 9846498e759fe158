"""Engine settings that SQLAlchemy cannot take from the URL alone."""

from __future__ import annotations

import select
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import CompoundSelect, Select, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.pool import Pool

from tracker import sqlite_writers

_configured = False
READ_METHODS = ("GET", "HEAD", "OPTIONS")


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
        cursor.execute(f"PRAGMA busy_timeout = {sqlite_writers.BUSY_TIMEOUT_SECONDS * 1000}")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(Engine, "begin")
    def _sqlite_begin(connection):
        if connection.dialect.name != "sqlite" or _request_writes():
            return  # a request that may write begins at its first write (below)
        connection.exec_driver_sql("BEGIN")

    # A request that may write reads on its own (each statement its own snapshot, as under
    # PostgreSQL's READ COMMITTED) until its first write, which waits for the turn to write
    # and begins with BEGIN IMMEDIATE. Holding the turn from the request's first read would
    # hold it while the form is parsed and checked: under load that made every other writer
    # wait, and saving a case was the slowest step (docs/performance.md). Code in such a request
    # must read its results in full before it writes (as the ORM does): a SELECT still being read
    # holds a snapshot, and BEGIN IMMEDIATE from an older snapshot than the last commit fails.
    # Read-then-write code must check what it read in its write, as under PostgreSQL: a version
    # column, a unique constraint, or an UPDATE ... WHERE the old value still holds.
    @event.listens_for(Engine, "before_cursor_execute")
    def _sqlite_first_write(connection, _cursor, statement, _parameters, context, _executemany):
        if connection.dialect.name != "sqlite" or _reads(statement, context):
            return
        dbapi_connection = connection.connection.dbapi_connection
        if dbapi_connection.in_transaction or not _request_writes():
            return
        sqlite_writers.wait_turn(connection)  # in a queue, not in SQLite's busy handler
        dbapi_connection.execute("BEGIN IMMEDIATE")

    @event.listens_for(Pool, "checkin")
    def _sqlite_writer_done(dbapi_connection, record):
        sqlite_writers.end_turn(dbapi_connection, record)

    # PostgreSQL: a request that only reads runs each statement on its own (autocommit),
    # without BEGIN and ROLLBACK around it. Under READ COMMITTED every statement of a
    # transaction sees its own snapshot anyway, so a page reads the same; it saves two
    # round trips a page and the server's work for them (17 % more pages a second,
    # docs/performance.md). A GET that writes an audit row commits that row on its own.
    # Every other request, and all work outside requests (commands, imports), keeps one
    # transaction. Set when the request's session takes a connection from the pool, and
    # undone when it gives it back, so no other use of that connection ever sees it.
    @event.listens_for(Pool, "checkout")
    def _postgres_checkout(dbapi_connection, _record, _proxy):
        if not _is_psycopg(dbapi_connection):
            return
        if not _looks_alive(dbapi_connection):
            raise DisconnectionError("the server ended this connection")  # the pool takes another
        if _request_method() in READ_METHODS:
            dbapi_connection.autocommit = True

    @event.listens_for(Pool, "checkin")
    def _postgres_transactions_again(dbapi_connection, record):
        if dbapi_connection is None or not _is_psycopg(dbapi_connection) or dbapi_connection.closed:
            return
        try:
            dbapi_connection.autocommit = False
        except Exception:  # not idle: never hand this connection out again
            record.invalidate()


def _looks_alive(dbapi_connection) -> bool:
    """Whether an idle PostgreSQL connection is still open, asked of the socket, not the server.

    An idle connection has nothing to read: the server speaks only when asked. When it ends a
    connection (a restart, pg_terminate_backend, idle_session_timeout) it sends a FATAL message
    and closes the socket, which then reads as ready. Polling the socket costs a system call;
    SQLAlchemy's pool_pre_ping asked the server "SELECT 1" on every checkout, a round trip and
    work for the server on every page (docs/performance.md). A false alarm (an unexpected
    message on a live connection) only costs a new connection.
    """
    if dbapi_connection.closed:
        return False
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
    return not poller.poll(0)


def _is_psycopg(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("psycopg")


def _request_method() -> str | None:
    """The HTTP method of the request being served, or None outside a request."""
    from flask import has_request_context, request

    return request.method if has_request_context() else None


def _reads(statement: str, context) -> bool:
    """Whether a statement only reads (a SELECT or a PRAGMA); anything else may write.

    A SELECT built with SQLAlchemy that starts with its common table expressions (``WITH``,
    the quick form's lists) reads too: SQLite has no data-modifying CTEs inside a SELECT.
    A SAVEPOINT counts as a write: it would otherwise begin a transaction without the lock.
    """
    if statement.lstrip()[:6].upper() in ("SELECT", "PRAGMA"):
        return True
    compiled = getattr(context, "compiled", None)
    return compiled is not None and isinstance(compiled.statement, Select | CompoundSelect)


_outside_requests = threading.local()


@contextmanager
def writing_work() -> Iterator[None]:
    """Mark work outside a request that writes (a ``flask tracker`` command, an import running
    in the background): on SQLite it then reads without a transaction and waits for its turn to
    write at its first write, as a writing request does.

    Otherwise it begins with a deferred BEGIN, its first read takes a snapshot, and SQLite
    will not turn that read into a write once another connection has committed since: the
    command or import failed at once with "database is locked" whenever the web app saved a
    case in between, however long the busy timeout.
    """
    before = getattr(_outside_requests, "writes", False)
    _outside_requests.writes = True
    try:
        yield
    finally:
        _outside_requests.writes = before


def _request_writes() -> bool:
    """True inside a request that may write (anything but GET, HEAD and OPTIONS), or in
    ``writing_work`` outside a request.

    Such a request takes SQLite's write lock (BEGIN IMMEDIATE) at its first write, having
    read without a transaction until then, so two of them write one after the other and
    neither writes from a snapshot older than the other's commit. A deferred BEGIN would
    read from such a snapshot, and then the second to write fails with "database is
    locked" however long it waits: two people saving the same case at once got the 503
    page instead of the conflict page, and a double-clicked form or withdrawal the 503
    page instead of the case. Reads never wait: in WAL mode they do not need the lock.
    """
    method = _request_method()
    if method is None:
        return getattr(_outside_requests, "writes", False)
    return method not in READ_METHODS


def is_missing_schema(error: Exception) -> bool:
    """A table or column the code needs does not exist: the database was not migrated to this
    release (``flask db upgrade``), or is not the database meant."""
    orig = getattr(error, "orig", None)
    if isinstance(orig, sqlite3.OperationalError):
        return str(orig).startswith(("no such table", "no such column"))
    return getattr(orig, "sqlstate", None) in ("42P01", "42703")  # PostgreSQL: undefined table, column


def is_unavailable(error: Exception) -> bool:
    """Errors of reaching the database (down, restarting, locked, every connection busy):
    the web answers them with the 503 page, the commands with a message."""
    return isinstance(error, OperationalError | InterfaceError | PoolTimeoutError) or bool(
        getattr(error, "connection_invalidated", False)
    )


def read_rows(statement, params: dict | None = None) -> list:
    """Every row of a statement that selects plain columns, not mapped objects.

    Through the session's connection rather than ``session.execute``: the ORM's path (its
    compile state and result adaptation) costs about 0.05 ms a statement and does nothing for
    rows of plain values, and the pages every user opens all day read this way
    (docs/performance.md). Pending changes are flushed first, as the ORM's autoflush would.
    Columns are read by position or label (an unlabelled expression has no name).
    """
    from tracker.extensions import db

    session = db.session
    if session.autoflush:
        session.flush()  # returns at once when nothing is pending
    return session.connection().execute(statement, params or {}).all()
