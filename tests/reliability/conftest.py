"""Fixtures for the reliability tests: a throwaway database with its own app."""

from __future__ import annotations

import pytest

from tests.reliability.throwaway import Throwaway, app_for, throwaway_database


@pytest.fixture
def throwaway(tmp_path) -> Throwaway:
    """An empty database of the engine under test (no schema yet)."""
    with throwaway_database(tmp_path) as database:
        yield database


@pytest.fixture
def throwaway_app(throwaway, tmp_path):
    """An app on the throwaway database; its schema is for the test to build."""
    with app_for(throwaway.url, tmp_path / "instance") as app:
        yield app
