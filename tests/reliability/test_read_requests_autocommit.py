"""PostgreSQL: requests that only read run without a transaction; everything else keeps one.

``tracker/database.py`` turns autocommit on for a GET's connection and off again when the
connection goes back to the pool. These tests use a real app on a database of their own
(the suite's usual fixture binds every request to one outer transaction).
"""

from __future__ import annotations

import pytest
from flask import request
from sqlalchemy import text

from tests.reliability.throwaway import app_for, postgres_test_url, throwaway_database
from tracker.extensions import db

pytestmark = pytest.mark.skipif(postgres_test_url() is None, reason="PostgreSQL only (TEST_DATABASE_URL)")

# In a transaction now() is when it began, so a second statement sees an earlier now().
IN_TRANSACTION = "SELECT now() < statement_timestamp()"


@pytest.fixture
def app(tmp_path):
    with throwaway_database(tmp_path) as database, app_for(database.url, tmp_path / "instance") as app:
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            db.session.commit()
            db.session.remove()

        @app.route("/test-transaction", methods=["GET", "POST"], endpoint="test_transaction")
        def in_transaction():
            db.session.execute(text("SELECT pg_sleep(0.01)"))
            inside = db.session.scalar(text(IN_TRANSACTION))
            if request.method == "POST":
                db.session.execute(text("CREATE TEMPORARY TABLE t (x int) ON COMMIT DROP"))
                db.session.commit()
            return "yes" if inside else "no"

        yield app


def test_a_get_reads_without_a_transaction_and_a_post_keeps_one(app):
    client = app.test_client()
    assert client.get("/test-transaction").text == "no"
    assert client.post("/test-transaction").text == "yes"
    assert client.get("/test-transaction").text == "no"


def test_a_connection_goes_back_to_the_pool_with_transactions_on(app):
    client = app.test_client()
    client.get("/test-transaction")
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.connection.dbapi_connection.autocommit is False
            connection.execute(text("SELECT pg_sleep(0.01)"))
            assert connection.scalar(text(IN_TRANSACTION)) is True


def test_work_outside_requests_keeps_its_transaction(app):
    with app.app_context():
        db.session.execute(text("SELECT pg_sleep(0.01)"))
        assert db.session.scalar(text(IN_TRANSACTION)) is True
        db.session.rollback()
