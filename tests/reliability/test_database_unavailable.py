"""When the database is down: an NHS-style 503 page with Retry-After and no traceback,
rendered without touching the database, and recovery on the next request once the
database is back, without restarting the app.

SQLite: the database's folder is moved away and back. PostgreSQL: the throwaway
database stops accepting connections and its connections are ended, then it reopens.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import make_url, text
from sqlalchemy.exc import IntegrityError

from tests.reliability.throwaway import app_for, postgres_test_url
from tracker.accounts.models import User
from tracker.accounts.permissions import Role
from tracker.extensions import db

ON_POSTGRES = postgres_test_url() is not None
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="SQLite outage; the suite runs on PostgreSQL")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="needs TEST_DATABASE_URL (PostgreSQL)")

USER_NAME = "Outage Tester"


@pytest.fixture
def database_url(throwaway, tmp_path) -> str:
    if throwaway.is_postgres:
        return throwaway.url
    # SQLite in a folder of its own, so that the folder can be taken away and put back.
    folder = tmp_path / "data"
    folder.mkdir()
    return f"sqlite:///{folder / 'tracker.db'}"


def _sign_in(client, user_id: str) -> None:
    now = int(time.time())
    with client.session_transaction() as session:
        session.update({"_user_id": user_id, "_fresh": True, "signed_in_at": now, "seen_at": now})


@pytest.fixture
def served(database_url, tmp_path):
    """A migrated app with one signed-in administrator: (app, client)."""
    with app_for(database_url, tmp_path / "instance") as app:
        with app.app_context():
            upgrade()
            user = User(email="outage@example.nhs.uk", full_name=USER_NAME, role=Role.ADMIN)
            db.session.add(user)
            db.session.commit()
            user_id = user.get_id()
            db.session.remove()
        with app.test_client() as client:
            _sign_in(client, user_id)
            yield app, client


def assert_unavailable(response) -> None:
    page = response.text
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "Sorry, the service is unavailable" in page and "Try again in a minute" in page
    assert "nhsuk-header" in page  # the NHS.UK layout, not a bare server error
    assert "Traceback" not in page and "OperationalError" not in page
    assert USER_NAME not in page  # rendered without loading the signed-in user
    assert "Content-Security-Policy" in response.headers


def assert_signed_in_page(response) -> None:
    assert response.status_code == 200
    assert USER_NAME in response.text


def _check_outage(client) -> None:
    assert_unavailable(client.get("/account"))
    assert_unavailable(client.post("/sign-in", data={"email": "someone@example.nhs.uk", "password": "a-password-here"}))
    # An error page for a signed-in user while the database is down still renders.
    not_found = client.get("/no-such-page")
    assert not_found.status_code in (404, 503)
    assert "Traceback" not in not_found.text and USER_NAME not in not_found.text


@sqlite_only
def test_sqlite_outage_gives_503_then_recovers_without_a_restart(served, database_url):
    app, client = served
    folder = Path(make_url(database_url).database).parent
    away = folder.with_name("data-away")
    assert_signed_in_page(client.get("/account"))

    with app.app_context():
        db.engine.dispose()  # the database went away: no connection survives
    folder.rename(away)
    try:
        _check_outage(client)
    finally:
        away.rename(folder)

    assert_signed_in_page(client.get("/account"))


# Ends every connection to the database and waits (up to 5 s each) until each has gone, as
# a restart would have done by the time anyone reconnects.
_END_CONNECTIONS = "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = '{name}'"


@postgres_only
def test_postgres_connections_ended_by_the_server_are_replaced_on_the_next_request(served, throwaway):
    app, client = served
    assert_signed_in_page(client.get("/account"))

    ended = throwaway.on_server(_END_CONNECTIONS.format(name=throwaway.name))
    assert ended  # the app's pooled connection was among them

    assert_signed_in_page(client.get("/account"))  # the checkout check found the dead connection


@postgres_only
def test_postgres_outage_gives_503_then_recovers_without_a_restart(served, throwaway):
    app, client = served
    assert_signed_in_page(client.get("/account"))

    throwaway.on_server(f'ALTER DATABASE "{throwaway.name}" ALLOW_CONNECTIONS false')
    try:
        throwaway.on_server(_END_CONNECTIONS.format(name=throwaway.name))
        _check_outage(client)
    finally:
        throwaway.on_server(f'ALTER DATABASE "{throwaway.name}" ALLOW_CONNECTIONS true')

    assert_signed_in_page(client.get("/account"))


def _unreachable_url() -> str:
    """A database nobody can reach: PostgreSQL on a closed port, or SQLite in a missing folder."""
    if ON_POSTGRES:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        return make_url(postgres_test_url()).set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
    return "sqlite:////nonexistent-folder-for-tests/tracker.db"


def test_database_unreachable_from_the_start_gives_503_not_500(tmp_path):
    with app_for(_unreachable_url(), tmp_path / "instance") as app:
        with app.test_client() as client:
            _sign_in(client, "1:1")
            _check_outage(client)
        # A page that needs no database still works for someone not signed in.
        assert app.test_client().get("/sign-in").status_code == 200


def test_a_busy_connection_pool_gives_503(database_url, tmp_path):
    """Every connection in use for longer than the pool waits: 503, not 500."""
    options = {"pool_size": 1, "max_overflow": 0, "pool_timeout": 0.2}
    with app_for(database_url, tmp_path / "instance", SQLALCHEMY_ENGINE_OPTIONS=options) as app:
        with app.app_context():
            upgrade()
            db.session.remove()
            with db.engine.connect(), app.test_client() as client:
                _sign_in(client, "1:1")
                assert_unavailable(client.get("/account"))


def test_a_database_error_that_is_a_bug_gives_500_not_503(database_url, tmp_path):
    """Only errors of reaching the database say 'try again': a constraint failure is our fault."""
    with app_for(database_url, tmp_path / "instance") as app:
        def broken():
            raise IntegrityError("INSERT INTO report ...", {}, Exception("duplicate key"))

        broken.is_public = True
        app.add_url_rule("/broken", view_func=broken)
        response = app.test_client().get("/broken")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
    assert "Traceback" not in response.text and "duplicate key" not in response.text


@postgres_only
def test_postgres_checking_a_pooled_connection_sends_the_server_nothing(served, throwaway):
    """The liveness check polls the socket: a query per checkout cost every page a round trip."""
    app, _client = served

    def last_statement(pid: int) -> str:
        return throwaway.on_server(f"SELECT query FROM pg_stat_activity WHERE pid = {pid}")[0][0]

    with app.app_context():
        with db.engine.connect() as connection:
            pid = connection.scalar(text("SELECT pg_backend_pid()"))
        before = last_statement(pid)  # the pool's ROLLBACK on the connection's return
        with db.engine.connect() as connection:
            assert connection.connection.dbapi_connection.info.backend_pid == pid  # the same one
            assert last_statement(pid) == before
