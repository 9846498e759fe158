"""SQLite: requests that write wait their turn in a queue, not in SQLite's busy handler.

SQLite lets one connection write at a time. Another writer's ``BEGIN IMMEDIATE`` finds
the database busy, and SQLite's busy handler sleeps and tries again in steps that grow
to 100 ms: under load a case being saved could sleep through several other writers'
turns (logging cases at 16 clients, 1 in 100 requests took over 800 ms;
docs/performance.md). Here a request that writes waits on a lock instead and starts as
soon as the writer before it has finished: the threads of one process on a threading
lock, and processes (the server's workers) on an ``flock`` of a file beside the
database, ``<database>-writer.lock``, tried every few milliseconds.

The turn is taken before ``BEGIN IMMEDIATE``, at a request's first write
(``tracker/database.py``), and given back when the connection returns to the pool, just
after its ``COMMIT`` or ``ROLLBACK``; at the latest when the request ends
(``end_leftover_turn``), so that no turn outlives its request whatever happened to the
connection.
Work outside requests that writes through the app's session (imports running in the
background, the ``flask tracker`` commands: ``tracker.database.writing_work``) takes its turn
the same way, at its first write; ``backup`` and ``restore`` copy the file on connections of
their own and wait in SQLite's busy handler. Other work outside requests (migrations, the bench generator) does not queue:
SQLite's own lock still keeps it apart. A request that waits longer than
SQLite's busy timeout in all gets the same answer as a busy database: the 503 page.

Not strictly first come, first served: within a process the next thread takes the turn
the moment it is free, while another process only looks every few milliseconds, so a
busy process can keep the turn for a while. That is still fairer than the busy handler,
whose waiters look only every 100 ms after the first few tries.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
import time
from typing import IO

from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)

BUSY_TIMEOUT_SECONDS = 30  # SQLite's busy timeout, set on every connection (tracker/database.py)
WAIT_SECONDS = float(BUSY_TIMEOUT_SECONDS)  # the whole wait for a turn and the write lock
# Pauses between tries of the file lock while another process holds it: short, because
# a case is saved in a few milliseconds; only one thread per process tries at a time.
_RETRY_PAUSES = (0.0005, 0.001, 0.002, 0.004)
HELD = "tracker_sqlite_writer_turn"  # key in a pooled connection's info while it holds a turn
SHORTENED = "tracker_sqlite_busy_timeout_shortened"  # its busy timeout is what a long wait left


class WriterQueue:
    """One writer at a time for one database file, across threads and processes."""

    def __init__(self, lock_path: str):
        self.lock_path = lock_path
        self._threads = threading.Lock()
        self._file: IO[bytes] | None = None
        self._holder: object | None = None  # the token of the turn being held
        self._holder_lock = threading.Lock()

    def acquire(self, timeout: float | None = None) -> object:
        """Wait for the turn; returns the token that gives it back (``release``)."""
        timeout = WAIT_SECONDS if timeout is None else timeout
        deadline = time.monotonic() + timeout
        if not self._threads.acquire(timeout=timeout):
            raise _busy()
        try:
            self._lock_file(deadline)
        except BaseException:
            self._threads.release()
            raise
        token = object()
        with self._holder_lock:
            self._holder = token
        return token

    def release(self, token: object) -> None:
        """Give back the turn ``token`` was given; nothing if that turn was given back already."""
        with self._holder_lock:
            if self._holder is not token:
                return
            self._holder = None
        try:
            if self._file is not None:
                fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def _lock_file(self, deadline: float) -> None:
        if self._file is None:
            self._file = open(self.lock_path, "ab")  # noqa: SIM115  (kept open for the process's life)
        tries = 0
        while True:
            try:
                fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _busy() from None
                time.sleep(_RETRY_PAUSES[min(tries, len(_RETRY_PAUSES) - 1)])
                tries += 1


def _busy() -> OperationalError:
    return OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))


_queues: dict[tuple[int, str], WriterQueue | None] = {}
_queues_lock = threading.Lock()


def queue_for(database_path: str | None) -> WriterQueue | None:
    """This process's queue for a database file; None for an in-memory database, or when
    no lock file can be made beside it (the busy handler then does the waiting, as before)."""
    if not database_path or database_path == ":memory:" or database_path.startswith("file:"):
        return None
    key = (os.getpid(), os.path.abspath(database_path))  # a forked worker opens its own lock file
    with _queues_lock:
        if key not in _queues:
            lock_path = key[1] + "-writer.lock"
            try:
                with open(lock_path, "ab"):
                    pass
                _queues[key] = WriterQueue(lock_path)
            except OSError as error:
                log.warning("writers to %s are not queued: cannot open %s (%s)", key[1], lock_path,
                            type(error).__name__)
                _queues[key] = None
        return _queues[key]


_this_thread = threading.local()  # the turn the current request's thread holds, if any


def wait_turn(connection) -> None:
    """Take the turn to write for ``connection`` (SQLAlchemy), kept until it goes back to the pool."""
    pooled = connection.connection
    if HELD in pooled.info:
        return
    queue = queue_for(connection.engine.url.database)
    if queue is None:
        return
    started = time.monotonic()
    turn = (queue, queue.acquire())
    pooled.info[HELD] = turn
    _this_thread.turn = turn
    waited = time.monotonic() - started
    if waited > 0.5:
        # The wait for the turn counts against the same timeout: BEGIN IMMEDIATE may wait only
        # what is left (a writer outside requests may hold SQLite's lock), so that a request
        # never waits twice the timeout and outlasts the server's own.
        left_ms = max(0, int((WAIT_SECONDS - waited) * 1000))
        pooled.dbapi_connection.execute(f"PRAGMA busy_timeout = {left_ms}")
        pooled.info[SHORTENED] = True


def end_turn(dbapi_connection, connection_record) -> None:
    """Give back a turn held by a connection returning to the pool (if it held one)."""
    if connection_record is None:
        return
    turn = connection_record.info.pop(HELD, None)
    if turn is not None:
        queue, token = turn
        queue.release(token)
    if connection_record.info.pop(SHORTENED, False) and dbapi_connection is not None:
        try:
            dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
        except sqlite3.Error:  # never hand it out again with the short timeout
            connection_record.invalidate()


def end_leftover_turn(_error: BaseException | None = None) -> None:
    """At the end of a request: give back a turn its connection did not (normally none)."""
    turn = getattr(_this_thread, "turn", None)
    _this_thread.turn = None
    if turn is not None:
        queue, token = turn
        queue.release(token)
