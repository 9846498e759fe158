"""Fixtures for the hardening tests: the two-organisation world of ``world.py``, and a test
client whose every request has a database session of its own."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.hardening.world import World, build_world


class OwnSessionClient(FlaskClient):
    """Each request in a fresh app context, so with its own session on the test's connection.

    The suite's ``client`` runs requests in the test's app context, so a view shares the
    test's session: its commit releases, and its rollback undoes, everything the test set up.
    Here a view's commit or rollback reaches only its own savepoint, as in production, and a
    test can undo one request's writes (see ``test_access_matrix``).
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app, db_session):
    # Not used as a context manager: that keeps each request's context pushed after it
    # returns, and this client's app contexts must be popped in order.
    return OwnSessionClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def world(factory) -> World:
    return build_world(factory)
