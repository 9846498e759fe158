"""SQLite: an import's reports written with the monthly summary's triggers suspended.

Row by row, the triggers of revision 0004 updated the summary (and its clock) once for
every report and every staff time row: most of a 100,000-row import's time (33 s in all,
over the 30 s target). Instead, inside the import's own transaction, the triggers on
``report`` and ``staff_time`` are dropped, the rows inserted, the summary brought up to
date by one aggregate of the new reports, and the triggers created again from the very
SQL they were stored with. SQLite's DDL is transactional and it has one writer at a time,
so no other write can happen in between and a failure rolls all of it back, triggers
included.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, bindparam, text

BULK_TABLES = ("report", "staff_time")


@contextmanager
def summary_triggers_suspended(connection: Connection) -> Iterator[None]:
    """Drop the triggers on the bulk tables for the block, inside the connection's
    transaction; create them again after it. (The bench generator's bulk load uses it too.)"""
    triggers = connection.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN :tables")
        .bindparams(bindparam("tables", expanding=True)),
        {"tables": list(BULK_TABLES)},
    ).all()
    for name, _sql in triggers:
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    try:
        yield
    finally:
        for _name, sql in triggers:
            connection.exec_driver_sql(sql)  # as stored: no bound parameters to read into it
