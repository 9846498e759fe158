"""SQLite backups with the online backup API (``sqlite3.Connection.backup``).

The backup API copies a consistent snapshot page by page through SQLite itself, so it
is safe while the service runs and includes whatever still sits in the WAL file. A
plain file copy is not: it can catch the database half-written and miss the WAL.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from tracker.maintenance import MaintenanceError
from tracker.maintenance.inventory import MIGRATION_TABLE, Inventory, of_sqlite_connection

BUSY_TIMEOUT_SECONDS = 30
SQLITE_HEADER = b"SQLite format 3\x00"


def _read_only_uri(path: Path) -> str:
    return path.resolve().as_uri() + "?mode=ro"


def backup(live_path: Path, target: Path) -> Inventory:
    """Copy the live database at ``live_path`` into a new file ``target``."""
    try:
        with closing(sqlite3.connect(live_path, timeout=BUSY_TIMEOUT_SECONDS)) as source, closing(
            sqlite3.connect(target)
        ) as copy:
            source.backup(copy)
            # One self-contained file: no -wal or -shm beside the backup.
            copy.execute("PRAGMA journal_mode = DELETE")
            _check_integrity(copy, target)
            return of_sqlite_connection(copy)
    except sqlite3.Error as error:
        raise MaintenanceError(f"SQLite could not back up {live_path} ({error}). No backup was written.") from error


def _check_integrity(connection: sqlite3.Connection, path: Path) -> None:
    result = connection.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise MaintenanceError(f"{path} failed SQLite's integrity check ({result[:200]}).")


def read_backup(path: Path) -> Inventory:
    """Open a backup read-only and check it is a SQLite database of this service."""
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise MaintenanceError(
                f"{path} is not a SQLite database. Give the path of a file made by "
                "'flask --app wsgi tracker backup' on a SQLite installation."
            )
    try:
        with closing(sqlite3.connect(_read_only_uri(path), uri=True)) as connection:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if MIGRATION_TABLE not in tables:
                raise MaintenanceError(
                    f"{path} is a SQLite database but not a backup of this service: it has no "
                    f"{MIGRATION_TABLE} table. Check you have the right file."
                )
            _check_integrity(connection, path)
            return of_sqlite_connection(connection)
    except sqlite3.Error as error:
        raise MaintenanceError(f"{path} could not be read as a SQLite database ({error}).") from error


def restore(backup_path: Path, live_path: Path) -> None:
    """Replace the content of the live database with the backup, through SQLite.

    Writing through the backup API (rather than copying the file over) takes SQLite's
    locks, so other connections never see a half-restored database, and keeps the live
    database in WAL mode.
    """
    live_path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(_read_only_uri(backup_path), uri=True)) as source, closing(
        sqlite3.connect(live_path, timeout=BUSY_TIMEOUT_SECONDS)
    ) as live:
        try:
            # One step: the whole copy is one write transaction on the live database.
            source.backup(live)
        except sqlite3.Error as error:
            raise MaintenanceError(
                f"SQLite could not restore {backup_path} into {live_path} ({error}). "
                "Nothing was changed: the live database is as it was."
            ) from error
        live.execute("PRAGMA journal_mode = WAL")
