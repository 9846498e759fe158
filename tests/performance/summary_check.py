"""The monthly summary table as it is, and as it must be, computed in Python from the reports."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from tracker.organisations.models import Practice
from tracker.reports.models import Report, StaffTime
from tracker.summaries.models import ReportMonthSummary, category_column_name
from tracker.summaries.rollup import VALUE_NAMES


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def table_rows(session) -> dict[tuple, dict[str, int]]:
    """Every row of the table: (icb, month, trust id, independent provider) -> its values."""
    rows = {}
    for row in session.scalars(select(ReportMonthSummary)):
        key = (row.icb_code, _as_date(row.month), row.trust_id, row.independent_provider)
        rows[key] = {name: getattr(row, name) for name in VALUE_NAMES}
    return rows


def expected_rows(session) -> dict[tuple, dict[str, int]]:
    """What the table must hold: each report that is not withdrawn, counted under its
    practice's ICB, its month and its provider, with its category and staff time."""
    session.expire_all()  # read what the database holds now, not what the session remembers
    icb_of = dict(session.execute(select(Practice.id, Practice.icb_code)).all())
    staff = defaultdict(list)
    for report_id, role, minutes in session.execute(select(StaffTime.report_id, StaffTime.staff_role, StaffTime.minutes)):
        staff[report_id].append((str(getattr(role, "value", role)), minutes))
    expected: dict[tuple, dict[str, int]] = {}
    for report in session.scalars(select(Report).where(Report.withdrawn_at.is_(None))):
        key = (icb_of[report.practice_id] or "", report.received_on.replace(day=1), report.trust_id or 0,
               report.independent_provider or "")
        values = expected.setdefault(key, dict.fromkeys(VALUE_NAMES, 0))
        values["reports"] += 1
        values[category_column_name(report.category_slug)] += 1
        for role, minutes in staff[report.id]:
            values[f"minutes_{role}"] += minutes
            values[f"reports_with_{role}"] += 1
    return expected


def assert_summary_matches_reports(session) -> None:
    session.flush()
    actual, expected = table_rows(session), expected_rows(session)
    assert actual == expected, _difference(actual, expected)


def _difference(actual: dict, expected: dict) -> str:
    lines = []
    for key in sorted(set(actual) | set(expected), key=str):
        if actual.get(key) != expected.get(key):
            lines.append(f"{key}: table {actual.get(key)} but reports say {expected.get(key)}")
    return "the summary table differs from the reports:\n" + "\n".join(lines[:20])
