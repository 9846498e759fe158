"""The retention purge: delete reports received more than N months ago.

Reports go with the rows that hang off them (staff time, links to trust raises, and
any table added later with a foreign key to ``report``). Audit events stay: they hold
coded values only, never the report's text, and show that the purge happened.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Column, Table, delete, distinct, extract, func, select, update

from tracker import audit
from tracker.extensions import db
from tracker.maintenance import MaintenanceError
from tracker.reports.models import Report

# A contract year runs April to March: reports are the evidence for it, and LMCs take
# them to trusts and ICBs after the year ends. Less than a year's retention would throw
# away evidence for the year still being argued over.
MINIMUM_MONTHS = 12

# What the rows hanging off a report are called in messages: (one, many).
FRIENDLY_NAMES = {
    "staff_time": ("staff time row", "staff time rows"),
    "raised_report": ("link to a trust raise", "links to trust raises"),
}


def _counted(count: int, table: str) -> str:
    one, many = FRIENDLY_NAMES.get(table, (f"{table} row", f"{table} rows"))
    return f"{count:,} {one if count == 1 else many}"


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def parse_older_than(value: str) -> int:
    """``"24-months"`` -> 24."""
    match = re.fullmatch(r"(\d{1,4})-months?", (value or "").strip().lower())
    if not match or int(match.group(1)) == 0:
        raise MaintenanceError(
            f"--older-than must look like 24-months (a whole number of months, then '-months'), not '{value[:40]}'."
        )
    return int(match.group(1))


def check_retention(months: int, *, force: bool) -> None:
    if months < MINIMUM_MONTHS and not force:
        raise MaintenanceError(
            f"Keeping reports for only {months} months is refused: reports are the evidence LMCs take to "
            f"trusts and ICBs for each contract year (April to March), so keep at least {MINIMUM_MONTHS} months. "
            "Use --older-than 12-months or more, or add --force if you are sure."
        )


def months_before(day: date, months: int) -> date:
    """The same day of the month ``months`` earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class PurgePlan:
    months: int
    cutoff: date  # reports received before this day go
    reports: int = 0
    practices: int = 0
    by_year: dict[int, int] = field(default_factory=dict)
    dependants: dict[str, int] = field(default_factory=dict)  # table name -> rows

    def lines(self) -> list[str]:
        heading = f"Reports received before {self.cutoff:%-d %B %Y} (more than {self.months} months ago)"
        if not self.reports:
            return [f"{heading}: none."]
        lines = [f"{heading}, by year received:"]
        lines += [f"  {year}  {count:>9,}" for year, count in sorted(self.by_year.items())]
        reports = "report" if self.reports == 1 else "reports"
        practices = "practice" if self.practices == 1 else "practices"
        summary = f"In all: {self.reports:,} {reports} from {self.practices:,} {practices}"
        linked = [_counted(count, name) for name, count in sorted(self.dependants.items()) if count]
        lines.append(summary + (f", with {_and_list(linked)}." if linked else "."))
        return lines


def _old_report_ids(cutoff: date):
    return select(Report.id).where(Report.received_on < cutoff)


def _dependants() -> list[tuple[Table, Column, str | None]]:
    """Every (table, column, ON DELETE rule) with a foreign key to report.id."""
    report_table = Report.__table__
    return [
        (table, fk.parent, fk.ondelete)
        for table in db.metadata.sorted_tables
        if table is not report_table
        for fk in table.foreign_keys
        if fk.column.table is report_table
    ]


def plan_purge(months: int, today: date | None = None) -> PurgePlan:
    """What a purge of reports older than ``months`` would delete (reads only)."""
    cutoff = months_before(today or date.today(), months)
    old = Report.received_on < cutoff
    plan = PurgePlan(months=months, cutoff=cutoff)
    year = extract("year", Report.received_on)
    plan.by_year = {
        int(y): count
        for y, count in db.session.execute(select(year, func.count()).where(old).group_by(year).order_by(year))
    }
    plan.reports = sum(plan.by_year.values())
    plan.practices = db.session.scalar(select(func.count(distinct(Report.practice_id))).where(old)) or 0
    for table, column, _rule in _dependants():
        plan.dependants[table.name] = db.session.scalar(
            select(func.count()).select_from(table).where(column.in_(_old_report_ids(cutoff)))
        ) or 0
    return plan


def purge(plan: PurgePlan) -> PurgePlan:
    """Delete the reports older than ``plan``'s cutoff and audit one event; the caller commits.

    Returns what was deleted, counted by the deletes themselves: the plan was read earlier,
    and reports or staff time dated before the cutoff may have been added since (an import
    of old cases); the audit event and the command's output must say what really went.
    """
    if not plan.reports:
        return plan
    done = PurgePlan(months=plan.months, cutoff=plan.cutoff, by_year=plan.by_year)
    old = Report.received_on < plan.cutoff
    ids = _old_report_ids(plan.cutoff)
    for table, column, rule in _dependants():
        # A table that asked to keep its rows when the report goes (ON DELETE SET NULL) keeps them.
        if (rule or "").upper() == "SET NULL":
            result = db.session.execute(update(table).where(column.in_(ids)).values({column.name: None}))
        else:
            result = db.session.execute(delete(table).where(column.in_(ids)))
        done.dependants[table.name] = result.rowcount
    # Read after the first write, so inside the write transaction: nothing can change now.
    done.practices = db.session.scalar(select(func.count(distinct(Report.practice_id))).where(old)) or 0
    done.reports = db.session.execute(delete(Report).where(old).execution_options(synchronize_session=False)).rowcount
    audit.record(
        "reports.purged",
        object_type="report",
        older_than_months=done.months,
        received_before=done.cutoff.isoformat(),
        reports=done.reports,
        practices=done.practices,
        **{f"{name}_rows": count for name, count in done.dependants.items()},
    )
    db.session.flush()
    return done
