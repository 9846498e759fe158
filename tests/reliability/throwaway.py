"""Throwaway databases, each with its own app, for tests that need committed data.

The suite's usual fixture wraps each test in a transaction that is rolled back, so
nothing is ever visible to another connection. Backups, restores, migrations and
outages need the opposite: real commits, other processes (pg_dump) and other
connections. So these tests make a database of their own, and drop it afterwards.

SQLite: a file in the test's temporary folder. PostgreSQL (TEST_DATABASE_URL set): a
new database ``<test database>_roundtrip_<random>`` on the same server.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, make_url, text

from tracker.config import normalise_database_url

APP_ENVIRONMENT = ("TRACKER_ENV", "DATABASE_URL", "TRACKER_INSTANCE_PATH")


def postgres_test_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    return normalise_database_url(url) if url else None


@dataclass
class Throwaway:
    url: str
    name: str  # file path (SQLite) or database name (PostgreSQL)
    server_url: str | None = None  # PostgreSQL: the server's maintenance database

    @property
    def is_postgres(self) -> bool:
        return self.server_url is not None

    def on_server(self, sql: str) -> list:
        """Run one statement as the server's administrator, outside the throwaway database."""
        engine = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                result = connection.execute(text(sql))
                return result.all() if result.returns_rows else []
        finally:
            engine.dispose()


@contextmanager
def throwaway_database(folder: Path) -> Iterator[Throwaway]:
    base = postgres_test_url()
    if base is None:
        path = folder / "throwaway.db"
        yield Throwaway(url=f"sqlite:///{path}", name=str(path))
        return
    url = make_url(base)
    name = f"{url.database}_roundtrip_{secrets.token_hex(4)}"
    server_url = url.set(database="postgres").render_as_string(hide_password=False)
    database = Throwaway(url=url.set(database=name).render_as_string(hide_password=False), name=name,
                         server_url=server_url)
    database.on_server(f'CREATE DATABASE "{name}"')
    try:
        yield database
    finally:
        database.on_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def app_for(database_url: str, instance_path: Path, **overrides) -> Iterator[Flask]:
    """A separate app on ``database_url``; the environment is put back as it was at once.

    ``create_app`` reads the environment, and the session's own ``app`` fixture set it
    for the whole run, so it must not be left pointing at a throwaway database.
    """
    from tracker import create_app
    from tracker.extensions import db

    saved = {name: os.environ.get(name) for name in APP_ENVIRONMENT}
    os.environ.update(TRACKER_ENV="testing", DATABASE_URL=database_url, TRACKER_INSTANCE_PATH=str(instance_path))
    try:
        app = create_app({"WTF_CSRF_ENABLED": False, "SERVER_NAME": "localhost", **overrides})
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
