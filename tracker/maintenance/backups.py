"""Back up and restore the service's database, whichever engine it runs on.

SQLite is copied with its online backup API (``sqlite_backup``), PostgreSQL with
pg_dump and pg_restore (``postgres_backup``). Either way a backup is written to a
hidden file beside the target and renamed into place only when complete, readable by
its owner alone: it holds every account's email address and password hash.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from tracker.extensions import db
from tracker.maintenance import MaintenanceError, postgres_backup, sqlite_backup
from tracker.maintenance.inventory import Inventory, code_heads, is_known_revision, of_connection

ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass
class BackupFile:
    path: Path
    engine_name: str
    heads: tuple[str, ...]
    # What the file holds; known before restoring for SQLite only (pg_restore cannot count rows).
    inventory: Inventory | None = None

    @property
    def head(self) -> str:
        return ", ".join(self.heads) or "none"


def engine_name(engine: Engine | None = None) -> str:
    engine = engine or db.engine
    name = engine.dialect.name
    if name not in ENGINE_NAMES:
        raise MaintenanceError(f"Backups work on SQLite and PostgreSQL; this database is {name}.")
    return ENGINE_NAMES[name]


def describe_database(engine: Engine | None = None) -> str:
    """Where the database is, for messages (never the password)."""
    engine = engine or db.engine
    if engine.dialect.name == "sqlite":
        return str(_sqlite_path(engine))
    url = engine.url
    return f"'{url.database}' on {url.host or 'localhost'}:{url.port or 5432}"


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise MaintenanceError(
            "DATABASE_URL does not name a SQLite file (in-memory and URI databases cannot be backed up)."
        )
    return Path(database).resolve()


def _check_target(target: Path, force: bool) -> None:
    if target.is_dir():
        raise MaintenanceError(f"{target} is a folder. Give a file name, like {target / 'tracker-backup.db'}")
    if target.exists() and not force:
        raise MaintenanceError(f"{target} already exists. Choose a new file name, or add --force to replace it.")
    if not target.parent.is_dir():
        raise MaintenanceError(f"The folder {target.parent} does not exist. Create it first, or choose another path.")


def make_backup(target: Path, *, force: bool = False) -> Inventory:
    """Write a backup of the live database to ``target``; return what it holds."""
    target = target.expanduser()
    _check_target(target, force)
    engine = db.engine
    name = engine_name(engine)
    if name == "SQLite":
        live = _sqlite_path(engine)
        if target.resolve() == live:
            raise MaintenanceError(f"{target} is the live database itself. Choose another file for the backup.")
        if not live.is_file():
            raise MaintenanceError(f"There is no database at {live} to back up. Check DATABASE_URL.")
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    try:
        # Created empty and private before anything is written into it.
        os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError as error:
        raise MaintenanceError(
            f"Cannot write in {target.parent} ({error.strerror}). Choose a folder this user can write to."
        ) from error
    try:
        if name == "SQLite":
            contents = sqlite_backup.backup(live, partial)
        else:
            contents = postgres_backup.backup(engine, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return contents


def read_backup(path: Path) -> BackupFile:
    """Check ``path`` is a backup this installation can restore; say why not otherwise."""
    path = path.expanduser()
    if not path.is_file():
        raise MaintenanceError(f"There is no backup file at {path}. Check the path.")
    name = engine_name()
    if name == "SQLite":
        if path.resolve() == _sqlite_path(db.engine):
            raise MaintenanceError(f"{path} is the live database itself, not a backup. Check the path.")
        contents = sqlite_backup.read_backup(path)
        backup = BackupFile(path, name, contents.heads, contents)
    else:
        backup = BackupFile(path, name, postgres_backup.read_backup_heads(path))
    _check_heads(backup)
    return backup


def _check_heads(backup: BackupFile) -> None:
    """Refuse a backup made at another migration: its tables would not match this code."""
    expected = code_heads()
    if backup.heads == expected:
        return
    ours = ", ".join(expected)
    if not backup.heads:
        raise MaintenanceError(f"{backup.path} records no migration head, so it cannot be checked. It was not restored.")
    if all(is_known_revision(head) for head in backup.heads):
        advice = (
            "It was made by an older release. Restore it with the release whose migration head is "
            f"{backup.head}, then upgrade to this release with 'flask --app wsgi db upgrade'."
        )
    else:
        advice = (
            "It was made by a newer release of the service. Restore it with that release "
            f"(migration head {backup.head}), or with a later one."
        )
    raise MaintenanceError(
        f"The backup is at migration {backup.head} but this code is at {ours}. {advice} Nothing was restored."
    )


def restore_backup(backup: BackupFile) -> Inventory:
    """Replace the live database's content with ``backup``; return what it now holds."""
    engine = db.engine
    db.session.remove()
    engine.dispose()
    if backup.engine_name == "SQLite":
        sqlite_backup.restore(backup.path, _sqlite_path(engine))
    else:
        postgres_backup.restore(engine, backup.path)
    engine.dispose()
    with engine.connect() as connection:
        return of_connection(connection)
