"""Test set-up: one schema built by the real migrations, each test in a rolled-back transaction.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set,
e.g. ``TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test``.
"""

from __future__ import annotations

import os
import time

import pytest
from argon2 import PasswordHasher
from hypothesis import settings
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from sqlalchemy import create_engine, text

from tracker.config import PROJECT_ROOT, normalise_database_url

ODS_FOLDER = PROJECT_ROOT / "data" / "ods"

# Property tests assert behaviour, never speed: a busy 2-core CI machine must not fail them
# on hypothesis's per-example deadline.
settings.register_profile("tracker", deadline=None)
settings.load_profile("tracker")


class _ConnectionBoundSession(FlaskSQLAlchemySession):
    """Flask-SQLAlchemy picks its engine over an explicit bind; tests need the bind."""

    def get_bind(self, *args, **kwargs):
        return self.bind


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        url = normalise_database_url(url)
        _reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """The app, with the schema built by ``flask db upgrade`` and reference data loaded once."""
    os.environ["TRACKER_ENV"] = "testing"
    os.environ["DATABASE_URL"] = database_url
    os.environ["TRACKER_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))
    from flask_migrate import upgrade

    from tracker import create_app
    from tracker.accounts import passwords
    from tracker.extensions import db
    from tracker.organisations.ods_import import import_ods
    from tracker.reference import load_reference_data

    # Argon2id at full strength costs ~50 ms a hash; tests only need the same algorithm.
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

    app = create_app({"WTF_CSRF_ENABLED": False, "SERVER_NAME": "localhost"})
    with app.app_context():
        upgrade()
        load_reference_data()
        import_ods(ODS_FOLDER)
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def db_session(app):
    """A session whose every commit is a savepoint inside one transaction rolled back after the test."""
    from tracker.extensions import db

    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": _ConnectionBoundSession}
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Sign-in throttling counts across requests: start every test with no attempts counted."""
    from tracker.extensions import limiter

    if limiter.initialized:
        limiter.reset()
    yield


@pytest.fixture
def client(app, db_session):
    with app.test_client() as test_client:
        yield test_client


@pytest.fixture
def factory(db_session):
    from tests.factories import Factory

    return Factory(db_session)


@pytest.fixture
def login(client):
    """``login(user)`` signs the test client in as ``user`` without the password round trip."""

    def _login(user):
        now = int(time.time())
        with client.session_transaction() as session:
            session.clear()
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
            session["signed_in_at"] = now
            session["seen_at"] = now
        return user

    return _login


@pytest.fixture
def login_as(factory, login):
    """``login_as("practice-user")`` makes a user of that role and signs in as them."""

    def _login_as(role: str, **kwargs):
        return login(factory.user(role, **kwargs))

    return _login_as
