"""SQLite: requests that write take turns in a queue (``tracker/sqlite_writers.py``).

A second ``WriterQueue`` on the same lock file stands in for another server process:
``flock`` locks belong to an open file, so two opens conflict even in one process.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager


import pytest
from flask_migrate import upgrade
from sqlalchemy import column, func, select, table, text
from sqlalchemy.exc import OperationalError

from tests.reliability.throwaway import app_for, postgres_test_url
from tracker import sqlite_writers
from tracker.database import read_rows, writing_work
from tracker.extensions import db
from tracker.reports import importing
from tracker.sqlite_writers import WriterQueue

pytestmark = pytest.mark.skipif(postgres_test_url() is not None, reason="SQLite behaviour; the suite runs on PostgreSQL")


def test_threads_take_turns_and_the_next_starts_when_the_first_is_done(tmp_path):
    queue = WriterQueue(str(tmp_path / "db-writer.lock"))
    first = queue.acquire()
    second_started = threading.Event()

    def second_writer():
        second = queue.acquire()
        second_started.set()
        queue.release(second)

    waiter = threading.Thread(target=second_writer)
    waiter.start()
    assert not second_started.wait(0.2)  # waits while the first writes
    queue.release(first)
    assert second_started.wait(5)
    waiter.join()


def test_another_process_holding_the_turn_makes_a_writer_wait_then_give_up(tmp_path):
    lock_path = str(tmp_path / "db-writer.lock")
    other_process = WriterQueue(lock_path)
    this_process = WriterQueue(lock_path)
    held = other_process.acquire()
    with pytest.raises(OperationalError, match="database is locked"):
        this_process.acquire(timeout=0.1)
    other_process.release(held)
    this_process.release(this_process.acquire(timeout=1))  # free again: taken at once
    other_process.release(other_process.acquire(timeout=1))  # a failed wait left nothing held


def test_a_turn_given_back_twice_is_given_back_once(tmp_path):
    queue = WriterQueue(str(tmp_path / "db-writer.lock"))
    first = queue.acquire()
    queue.release(first)
    second = queue.acquire(timeout=1)
    queue.release(first)  # late: the turn it stood for is over; the second holder keeps its own
    with pytest.raises(OperationalError):
        WriterQueue(queue.lock_path).acquire(timeout=0.05)
    queue.release(second)


@pytest.fixture
def app(tmp_path):
    with app_for(f"sqlite:///{tmp_path / 'tracker.db'}", tmp_path / "instance") as app:
        with app.app_context():
            upgrade()
            db.session.execute(text("CREATE TABLE tally (n INTEGER)"))
            db.session.commit()
            db.session.remove()

        @app.route("/test-write", methods=["POST"], endpoint="test_write")
        def write():
            db.session.execute(text("INSERT INTO tally (n) VALUES (1)"))
            db.session.commit()
            return "saved"

        write.is_public = True
        yield app


def _queue(app) -> WriterQueue:
    with app.app_context():
        queue = sqlite_writers.queue_for(db.engine.url.database)
    assert queue is not None
    return queue


@contextmanager
def _turn_held_by_another_process(app) -> Iterator[None]:
    other_process = WriterQueue(_queue(app).lock_path)
    held = other_process.acquire()
    try:
        yield
    finally:
        other_process.release(held)


def test_many_writing_requests_at_once_all_save(app):
    def post(_):
        return app.test_client().post("/test-write").status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(post, range(40)))
    assert statuses == [200] * 40
    with app.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM tally")) == 40


def test_a_writing_request_gives_its_turn_back(app):
    assert app.test_client().post("/test-write").status_code == 200
    queue = _queue(app)
    queue.release(queue.acquire(timeout=0))  # nobody holds it


def test_a_turn_ends_with_its_request_even_if_the_connection_is_never_given_back(app):
    leaked = []

    @app.route("/test-leak", methods=["POST"], endpoint="test_leak")
    def leak():
        connection = db.engine.connect()  # never closed: a bug's worth of leak
        connection.execute(text("INSERT INTO tally (n) VALUES (1)"))
        leaked.append(connection)
        return "leaked"

    leak.is_public = True
    assert app.test_client().post("/test-leak").status_code == 200
    queue = _queue(app)
    try:
        queue.release(queue.acquire(timeout=0))  # the request's end gave the turn back
    finally:
        for connection in leaked:
            connection.close()


def test_a_writer_that_waits_too_long_gets_the_busy_page(app, monkeypatch):
    monkeypatch.setattr(sqlite_writers, "WAIT_SECONDS", 0.1)
    with _turn_held_by_another_process(app):
        response = app.test_client().post("/test-write")
    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.text
    assert app.test_client().post("/test-write").status_code == 200  # and the next one is served


def _read_then_write(events: list[str]) -> None:
    db.session.scalar(text("SELECT count(*) FROM tally"))
    events.append("read")
    db.session.execute(text("INSERT INTO tally (n) VALUES (1)"))
    events.append("wrote")
    db.session.commit()


@contextmanager
def _turn_held_by_another_process_until_read(app, events: list[str]) -> Iterator[None]:
    """Another process holds the turn to write, and gives it back once ``events`` says "read"."""
    other_process = WriterQueue(_queue(app).lock_path)
    held = other_process.acquire()

    def release_once_read():
        for _ in range(500):
            if "read" in events:
                break
            time.sleep(0.01)
        events.append("released")
        other_process.release(held)

    releaser = threading.Thread(target=release_once_read)
    releaser.start()
    try:
        yield
    finally:
        releaser.join()


def test_a_writing_request_reads_without_its_turn_and_waits_only_at_its_first_write(app):
    events = []

    @app.route("/test-read-then-write", methods=["POST"], endpoint="test_read_then_write")
    def read_then_write():
        _read_then_write(events)
        return "saved"

    read_then_write.is_public = True
    with _turn_held_by_another_process_until_read(app, events):
        response = app.test_client().post("/test-read-then-write")
    assert response.status_code == 200
    assert events == ["read", "released", "wrote"]


def test_a_request_whose_first_write_is_a_savepoint_waits_for_its_turn(app, monkeypatch):
    @app.route("/test-savepoint", methods=["POST"], endpoint="test_savepoint")
    def savepoint_first():
        with db.session.begin_nested():
            db.session.execute(text("INSERT INTO tally (n) VALUES (1)"))
        db.session.commit()
        return "saved"

    savepoint_first.is_public = True
    monkeypatch.setattr(sqlite_writers, "WAIT_SECONDS", 0.1)
    with _turn_held_by_another_process(app):
        assert app.test_client().post("/test-savepoint").status_code == 503
    assert app.test_client().post("/test-savepoint").status_code == 200


def test_the_wait_for_a_turn_counts_against_the_busy_timeout(app, monkeypatch):
    """A request waits at most the busy timeout in all, for its turn and then SQLite's lock."""
    monkeypatch.setattr(sqlite_writers, "WAIT_SECONDS", 3.0)

    @app.route("/test-timeout", methods=["POST"], endpoint="test_timeout")
    def timeout_left():
        db.session.execute(text("INSERT INTO tally (n) VALUES (1)"))
        left = db.session.scalar(text("PRAGMA busy_timeout"))
        db.session.commit()
        return str(left)

    timeout_left.is_public = True
    other_process = WriterQueue(_queue(app).lock_path)
    held = other_process.acquire()
    threading.Timer(1.0, other_process.release, args=(held,)).start()
    left_after_waiting = int(app.test_client().post("/test-timeout").text)
    # 3 s less the second or so spent waiting (the timer may fire a hair before the wait began)
    assert 0 < left_after_waiting <= 2500
    # The connection went back to the pool with the full timeout again.
    assert int(app.test_client().post("/test-timeout").text) == sqlite_writers.BUSY_TIMEOUT_SECONDS * 1000


def _another_process_commits_a_write(app) -> None:
    """A write committed on a connection of its own, as the web app's workers make them."""
    with closing(sqlite3.connect(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"), timeout=5)) as other:
        with other:
            other.execute("INSERT INTO tally (n) VALUES (7)")


def _tally(app) -> list[int]:
    with app.app_context():
        try:
            return sorted(db.session.scalars(text("SELECT n FROM tally")))
        finally:
            db.session.remove()


def test_a_command_that_reads_then_writes_is_not_failed_by_a_write_in_between(app):
    """Before: its read began a deferred transaction, and SQLite refuses to turn a read into a
    write once another connection has committed since ("database is locked", at once)."""
    group = app.cli.commands["tracker"]

    @group.command("test-read-then-write")  # as the group's own commands are made (with the app context)
    def read_then_write():
        db.session.scalar(text("SELECT count(*) FROM tally"))
        _another_process_commits_a_write(app)
        db.session.execute(text("INSERT INTO tally (n) VALUES (1)"))
        db.session.commit()

    try:
        result = app.test_cli_runner().invoke(args=["tracker", "test-read-then-write"])
    finally:
        group.commands.pop("test-read-then-write")
    assert result.exit_code == 0, result.output
    assert _tally(app) == [1, 7]
    queue = _queue(app)
    queue.release(queue.acquire(timeout=0))  # the command gave its turn back


def test_a_background_import_that_reads_then_writes_is_not_failed_by_a_write_in_between(app):
    def work(_job):
        db.session.scalar(text("SELECT count(*) FROM tally"))
        _another_process_commits_a_write(app)
        db.session.execute(text("INSERT INTO tally (n) VALUES (1)"))

    importing.run_in_background(app, work, job_id=0).join(timeout=30)
    assert _tally(app) == [1, 7]  # the failed job's rollback would have left only the 7


def test_work_outside_requests_waits_its_turn_at_its_first_write_not_at_its_first_read(app):
    events = []
    with _turn_held_by_another_process_until_read(app, events), app.app_context(), writing_work():
        _read_then_write(events)
        db.session.remove()
    assert events == ["read", "released", "wrote"]


def test_a_read_that_starts_with_a_cte_does_not_wait_for_the_turn(app, monkeypatch):
    """The quick form's lists (WITH ... SELECT) on a form sent back with its errors: a read."""

    @app.route("/test-cte-read", methods=["POST"], endpoint="test_cte_read")
    def cte_read():
        tally = select(table("tally", column("n")).c.n).cte("t")  # built as the quick form's lists are
        return str(read_rows(select(func.count()).select_from(tally))[0][0])

    cte_read.is_public = True
    monkeypatch.setattr(sqlite_writers, "WAIT_SECONDS", 0.1)
    with _turn_held_by_another_process(app):
        response = app.test_client().post("/test-cte-read")
    assert (response.status_code, response.text) == (200, "0")
