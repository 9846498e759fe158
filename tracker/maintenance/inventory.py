"""What a database holds: its tables with their row counts, and its migration head.

Backup and restore print this so the operator can see at a glance that the copy is
complete, and restore compares migration heads before it replaces anything.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import Connection, inspect, text

MIGRATION_TABLE = "alembic_version"


@dataclass
class Inventory:
    row_counts: dict[str, int] = field(default_factory=dict)
    heads: tuple[str, ...] = ()

    @property
    def head(self) -> str:
        return ", ".join(self.heads) if self.heads else "none"

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())

    def lines(self) -> list[str]:
        width = max((len(name) for name in self.row_counts), default=0)
        lines = [
            f"Migration head: {self.head}",
            f"{len(self.row_counts)} tables, {self.total_rows:,} rows:",
        ]
        lines += [f"  {name:<{width}}  {count:>10,}" for name, count in self.row_counts.items()]
        return lines


def script_directory() -> ScriptDirectory:
    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config)


def code_heads() -> tuple[str, ...]:
    """The migration head(s) of this release of the code."""
    return tuple(sorted(script_directory().get_heads()))


def is_known_revision(revision: str) -> bool:
    """Whether this release's migrations include ``revision`` (false: made by a newer release)."""
    return revision in {script.revision for script in script_directory().walk_revisions()}


def of_connection(connection: Connection) -> Inventory:
    """The inventory of a live database, read on ``connection`` (inside its transaction)."""
    preparer = connection.dialect.identifier_preparer
    names = sorted(inspect(connection).get_table_names())
    counts = {
        # Table names come from the database's own catalogue and are quoted: not user input.
        name: connection.execute(text(f"SELECT count(*) FROM {preparer.quote(name)}")).scalar_one()  # nosec B608
        for name in names
        if name != MIGRATION_TABLE
    }
    heads: tuple[str, ...] = ()
    if MIGRATION_TABLE in names:
        heads = tuple(sorted(connection.execute(text(f"SELECT version_num FROM {MIGRATION_TABLE}")).scalars()))  # nosec B608
    return Inventory(counts, heads)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def of_sqlite_connection(connection: sqlite3.Connection) -> Inventory:
    """The inventory of a SQLite database opened with the standard library (a backup file)."""
    names = sorted(
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    )
    # Table names come from the file's own catalogue and are quoted; the other is a constant.
    counts = {
        name: connection.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0]  # nosec B608
        for name in names
        if name != MIGRATION_TABLE
    }
    heads: tuple[str, ...] = ()
    if MIGRATION_TABLE in names:
        heads = tuple(sorted(row[0] for row in connection.execute(f"SELECT version_num FROM {MIGRATION_TABLE}")))  # nosec B608
    return Inventory(counts, heads)
