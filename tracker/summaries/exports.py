"""CSV export of the reports behind a figure."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date

from tracker.cells import safe_cell
from tracker.summaries.queries import ReportRow


def safe_text(value) -> str:
    """The value as CSV text that a spreadsheet will not run as a formula."""
    return safe_cell("" if value is None else str(value))


def csv_filename(provider_slug: str, start: date, end: date, today: date) -> str:
    return f"hospital-work-{provider_slug}-{start.isoformat()}-to-{end.isoformat()}-downloaded-{today.isoformat()}.csv"


def reports_csv(rows: Iterable[ReportRow], with_practice: bool) -> str:
    """The rows as CSV text (UTF-8 with a byte order mark when encoded, so Excel reads it)."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = [
        "Date received", "Provider", "Provider ODS code", "Category", "Category title", "Specialty code",
        "Specialty", "Source", "Action taken", "Patient impact", "Staff minutes",
    ]
    if with_practice:
        header.append("Practice")
    header.append("Description")
    writer.writerow(header)
    for row in rows:
        cells = [
            row.received_on.isoformat(), row.provider_name, row.provider_code, row.category_slug,
            row.category_title, row.specialty_code, row.specialty_name, row.source.label, row.action.label,
            row.impact.label, row.staff_minutes,
        ]
        if with_practice:
            cells.append(row.practice_label)
        cells.append(row.description)
        writer.writerow([cell if isinstance(cell, int) else safe_text(cell) for cell in cells])
    return "\ufeff" + out.getvalue()
