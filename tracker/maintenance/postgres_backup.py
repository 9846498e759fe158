"""PostgreSQL backups with ``pg_dump --format=custom`` and ``pg_restore``.

The connection comes from DATABASE_URL. The client tools get it as a libpq URI without
the password, which travels in the PGPASSWORD environment variable: a password on the
command line would be visible to every user of the machine in the process list.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import URL, Engine, make_url, text

from tracker.maintenance import MaintenanceError
from tracker.maintenance.inventory import MIGRATION_TABLE, Inventory, of_connection

CUSTOM_FORMAT_HEADER = b"PGDMP"


def libpq_connection(url: URL | str) -> tuple[str, dict[str, str]]:
    """The libpq URI (``postgresql://user@host:port/db``) and the environment carrying the password."""
    url = make_url(url)
    plain = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    return plain.render_as_string(hide_password=False), environment


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise MaintenanceError(
            f"{name} was not found on the PATH. Install the PostgreSQL client tools "
            "(the postgresql-client package, the same major version as the server or newer) "
            "or add their folder to PATH, then try again."
        )
    return path


def _run(arguments: list[str], environment: dict[str, str], what: str) -> str:
    result = subprocess.run(arguments, env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = " ".join(result.stderr.strip().splitlines()[-5:]) or f"exit status {result.returncode}"
        raise MaintenanceError(f"{what} failed: {detail}")
    return result.stdout


def backup(engine: Engine, target: Path) -> Inventory:
    """Dump the database into ``target`` and return what the dump holds.

    The row counts and pg_dump read the same exported snapshot, so the numbers printed
    are exactly those in the file even while the service keeps writing.
    """
    pg_dump = _tool("pg_dump")
    uri, environment = libpq_connection(engine.url)
    with engine.connect() as connection:
        connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            contents = of_connection(connection)
            _run(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-password",
                 f"--file={target.resolve()}", f"--dbname={uri}"],
                environment,
                "pg_dump",
            )
    return contents


def read_backup_heads(path: Path) -> tuple[str, ...]:
    """Check ``path`` is a custom-format dump of this service; return its migration head(s)."""
    with path.open("rb") as file:
        header = file.read(16)
    if not header.startswith(CUSTOM_FORMAT_HEADER):
        kind = "a SQLite database" if header.startswith(b"SQLite format 3") else "not a PostgreSQL backup"
        raise MaintenanceError(
            f"{path} is {kind}. Give the path of a file made by "
            "'flask --app wsgi tracker backup' (pg_dump --format=custom) on a PostgreSQL installation."
        )
    pg_restore = _tool("pg_restore")
    listing = _run([pg_restore, "--list", str(path.resolve())], dict(os.environ), "pg_restore --list")
    if not re.search(rf"TABLE DATA \S+ {MIGRATION_TABLE} ", listing):
        raise MaintenanceError(
            f"{path} is a PostgreSQL backup but not of this service: it has no {MIGRATION_TABLE} "
            "table. Check you have the right file."
        )
    script = _run(
        [pg_restore, "--data-only", f"--table={MIGRATION_TABLE}", "--file=-", str(path.resolve())],
        dict(os.environ),
        "pg_restore",
    )
    return tuple(sorted(_copy_rows(script, MIGRATION_TABLE)))


def _copy_rows(script: str, table: str) -> list[str]:
    """The data lines of the COPY block for ``table`` in a plain SQL script."""
    rows: list[str] = []
    inside = False
    for line in script.splitlines():
        if inside:
            if line == "\\.":
                break
            rows.append(line)
        elif re.match(rf"COPY \S*{table} .* FROM stdin;$", line):
            inside = True
    return rows


def restore(engine: Engine, path: Path) -> None:
    """Replace the database's tables and rows with those in the dump, in one transaction."""
    pg_restore = _tool("pg_restore")
    uri, environment = libpq_connection(engine.url)
    engine.dispose()  # our own idle connections must not hold locks the restore needs
    _run(
        [pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--no-password",
         f"--dbname={uri}", str(path.resolve())],
        environment,
        "pg_restore (nothing was changed: it runs in one transaction)",
    )
