"""Every migration goes up and comes back down cleanly, on the engine under test.

Upgrading, downgrading and upgrading again must give the same schema each time: an
operator who rolls back a release must be able to trust ``flask db downgrade``.
"""

from __future__ import annotations

import pytest
from alembic.script import Script
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tracker.extensions import db
from tracker.maintenance.inventory import MIGRATION_TABLE, script_directory


def _revisions() -> list[Script]:
    """The revisions from the first to the head (the history is one line)."""
    revisions = list(reversed(list(script_directory().walk_revisions())))
    for revision in revisions:
        assert not isinstance(revision.down_revision, tuple | list), (
            f"{revision.revision} merges branches; this test expects one line of migrations"
        )
    return revisions


def _current() -> set[str]:
    with db.engine.connect() as connection:
        if MIGRATION_TABLE not in inspect(connection).get_table_names():
            return set()
        return set(connection.execute(text(f"SELECT version_num FROM {MIGRATION_TABLE}")).scalars())


def _schema() -> dict:
    """Tables with their columns, indexes, unique, foreign key and check constraints."""
    with db.engine.connect() as connection:
        inspector = inspect(connection)
        schema = {}
        for table in sorted(inspector.get_table_names()):
            if table == MIGRATION_TABLE:
                continue
            schema[table] = {
                "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
                "primary_key": inspector.get_pk_constraint(table)["constrained_columns"],
                "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                                  for i in inspector.get_indexes(table)),
                "unique": sorted((u["name"], tuple(u["column_names"])) for u in inspector.get_unique_constraints(table)),
                "foreign_keys": sorted((f["name"] or "", tuple(f["constrained_columns"]), f["referred_table"])
                                       for f in inspector.get_foreign_keys(table)),
                "checks": sorted(c["name"] or "" for c in inspector.get_check_constraints(table)),
            }
        return schema


def _leftover_postgres_objects() -> list[str]:
    """Sequences, types and other relations a downgrade forgot (PostgreSQL only)."""
    with db.engine.connect() as connection:
        relations = connection.execute(text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relname NOT LIKE :own"
        ), {"own": f"{MIGRATION_TABLE}%"}).scalars().all()
        types = connection.execute(text(
            "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            "WHERE n.nspname = current_schema() AND t.typtype IN ('e', 'd') "
        )).scalars().all()
    return sorted(relations + types)


@pytest.fixture
def migrating(throwaway_app):
    with throwaway_app.app_context():
        yield throwaway_app
        db.session.remove()


def test_upgrade_to_head_downgrade_to_base_and_upgrade_again(migrating, throwaway):
    revisions = _revisions()
    head = revisions[-1].revision

    upgrade(revision="head")
    assert _current() == {head}
    at_head = _schema()
    assert {"report", "user_account", "audit_event"} <= set(at_head)

    downgrade(revision="base")
    assert _current() == set()
    with db.engine.connect() as connection:
        assert inspect(connection).get_table_names() == [MIGRATION_TABLE]
    if throwaway.is_postgres:
        assert _leftover_postgres_objects() == []

    upgrade(revision="head")
    assert _current() == {head}
    assert _schema() == at_head


def test_each_revision_downgrades_to_exactly_the_schema_before_it(migrating):
    revisions = _revisions()
    schema_before = {None: _schema()}

    for revision in revisions:
        upgrade(revision=revision.revision)
        assert _current() == {revision.revision}
        schema_before[revision.revision] = _schema()

        downgrade(revision=revision.down_revision or "base")
        assert _schema() == schema_before[revision.down_revision], (
            f"downgrading {revision.revision} did not give back the schema of {revision.down_revision or 'base'}"
        )
        upgrade(revision=revision.revision)
        assert _schema() == schema_before[revision.revision], f"{revision.revision} upgraded differently twice"

    # And all the way down again, one step at a time, from the head.
    for revision in reversed(revisions):
        downgrade(revision=revision.down_revision or "base")
        assert _current() == ({revision.down_revision} if revision.down_revision else set())
        assert _schema() == schema_before[revision.down_revision]
