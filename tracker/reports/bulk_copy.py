"""PostgreSQL: an import's reports and staff time written with COPY.

Multi-row INSERTs of 100,000 reports spent most of their time in the driver, turning
two million placeholders into PostgreSQL's form, and fired the monthly summary's
triggers once per batch. COPY sends plain rows: the ids are taken from the report
sequence first (so that staff time can name its report), and each chunk is one COPY,
which runs the summary's statement triggers once for the whole chunk.

The rows are exactly those ``importing.insert_rows`` writes on SQLite: same columns,
same submission tokens (so a row of a job still cannot be imported twice), same
transaction (the caller commits, or rolls everything back).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.reports.models import StaffRole, Status

REPORT_COLUMNS = (
    "id", "practice_id", "logged_by_id", "received_on", "trust_id", "independent_provider", "specialty_code",
    "source", "direction", "category_slug", "description", "action_taken", "patient_impact", "status",
    "staff_minutes_total", "submission_token", "created_at", "updated_at", "version",
)
STAFF_COLUMNS = ("report_id", "staff_role", "minutes")


def copy_rows(rows: list[list], *, job_id: int, practice_id: int, user_id: int, chunk_rows: int,
              progress: Callable[[int], None] | None = None) -> int:
    """Write ``rows`` (checked import rows) as reports and staff time; returns how many."""
    connection = db.session.connection().connection.driver_connection
    now = utcnow()
    roles = [role.value for role in StaffRole]
    created = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk_rows):
            chunk = rows[start:start + chunk_rows]
            cursor.execute("SELECT nextval(pg_get_serial_sequence('report', 'id')) FROM generate_series(1, %s)",
                           (len(chunk),))
            ids = [row[0] for row in cursor.fetchall()]
            staff = []
            with cursor.copy(f"COPY report ({', '.join(REPORT_COLUMNS)}) FROM STDIN") as copy:
                for offset, (report_id, row) in enumerate(zip(ids, chunk, strict=True)):
                    (received_on, trust_id, independent, specialty, source, direction, category, description,
                     action, impact, *minutes) = row
                    copy.write_row((
                        report_id, practice_id, user_id, date.fromisoformat(received_on), trust_id, independent,
                        specialty, source, direction, category, description, action, impact, Status.LOGGED.value,
                        sum(m or 0 for m in minutes), f"import-{job_id}-{start + offset}", now, now, 1,
                    ))
                    staff += [(report_id, role, m) for role, m in zip(roles, minutes, strict=True) if m]
            if staff:
                with cursor.copy(f"COPY staff_time ({', '.join(STAFF_COLUMNS)}) FROM STDIN") as copy:
                    for values in staff:
                        copy.write_row(values)
            created += len(chunk)
            if progress:
                progress(created)
    return created
