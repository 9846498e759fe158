"""Reporting periods: the period chooser's presets, custom dates and the previous period.

A period is a closed range of dates. "Last N months" means the last N *whole* calendar
months before the current one, so that every month on a chart is complete and comparable
(a part month would read as a fall in reports). "This financial year" runs from 1 April
to today and so may end in a part month; charts mark it.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from tracker.reports.services import parse_date

# A longer period makes charts unreadable and aggregates slow; evidence covers years at most.
MAX_PERIOD_DAYS = 5 * 366


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` away from ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_key(day: date) -> str:
    """The month bucket a date falls in, as the SQL month helper writes it: ``YYYY-MM``."""
    return f"{day.year:04d}-{day.month:02d}"


def month_range(key: str) -> tuple[date, date] | None:
    """First and last day of a ``YYYY-MM`` month, or None when the text is not a month."""
    try:
        year, month = (int(part) for part in key.split("-"))
        first = date(year, month, 1)
    except (TypeError, ValueError):
        return None
    if len(key) != 7:
        return None
    return first, month_end(first)


def month_label(key: str, short: bool = False) -> str:
    first = date(int(key[:4]), int(key[5:7]), 1)
    return first.strftime("%b %Y" if short else "%B %Y")


@dataclass(frozen=True)
class Period:
    """The dates ``start`` to ``end``, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def is_whole_months(self) -> bool:
        return self.start.day == 1 and self.end == month_end(self.end)

    def previous(self) -> Period:
        """The period of equal length just before this one.

        Whole months compare with the same number of whole months (12 months with the 12
        before them); any other period with the same number of days.
        """
        if self.is_whole_months:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            start = add_months(self.start, -months)
            return Period(start, self.start - timedelta(days=1))
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def month_keys(self) -> list[str]:
        """Every month the period touches, oldest first (``YYYY-MM``)."""
        keys, cursor = [], month_start(self.start)
        while cursor <= self.end:
            keys.append(month_key(cursor))
            cursor = add_months(cursor, 1)
        return keys

    def partial_months(self) -> set[str]:
        """Months the period covers only in part (its first and last months, at most)."""
        partial = set()
        if self.start.day != 1:
            partial.add(month_key(self.start))
        if self.end != month_end(self.end):
            partial.add(month_key(self.end))
        return partial

    @property
    def label(self) -> str:
        return f"{_uk(self.start)} to {_uk(self.end)}"


def _uk(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


class Preset(StrEnum):
    LAST_3_MONTHS = "3m"
    LAST_6_MONTHS = "6m"
    LAST_12_MONTHS = "12m"
    FINANCIAL_YEAR = "fy"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return {
            "3m": "Last 3 months",
            "6m": "Last 6 months",
            "12m": "Last 12 months",
            "fy": "This financial year",
            "custom": "Choose dates",
        }[self.value]


DEFAULT_PRESET = Preset.LAST_12_MONTHS


def preset_period(preset: Preset, today: date) -> Period:
    if preset is Preset.FINANCIAL_YEAR:
        year = today.year if today.month >= 4 else today.year - 1
        return Period(date(year, 4, 1), today)
    months = {Preset.LAST_3_MONTHS: 3, Preset.LAST_6_MONTHS: 6, Preset.LAST_12_MONTHS: 12}[preset]
    this_month = month_start(today)
    return Period(add_months(this_month, -months), this_month - timedelta(days=1))


@dataclass
class PeriodChoice:
    """What the period chooser asked for: the period, or the errors to show beside it.

    ``from_text`` and ``to_text`` keep what the user typed so the form can show it again.
    """

    preset: Preset
    period: Period | None
    from_text: str = ""
    to_text: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def query_args(self) -> dict[str, str]:
        """GET parameters that choose this period again (for links between pages)."""
        if self.preset is Preset.CUSTOM and self.period is not None:
            return {"period": "custom", "from": self.period.start.isoformat(), "to": self.period.end.isoformat()}
        return {"period": self.preset.value}


def choose_period(args: Mapping[str, str], today: date | None = None) -> PeriodChoice:
    """Read the period chooser's GET parameters: ``period`` and, for custom dates, ``from``/``to``.

    Dates given without ``period`` mean custom dates, so drill-down links can pass just
    ``from`` and ``to``.
    """
    today = today or date.today()
    from_text = (args.get("from") or "").strip()[:20]
    to_text = (args.get("to") or "").strip()[:20]
    raw = (args.get("period") or "").strip().lower()
    if not raw:
        raw = Preset.CUSTOM.value if (from_text or to_text) else DEFAULT_PRESET.value
    try:
        preset = Preset(raw)
    except ValueError:
        return PeriodChoice(DEFAULT_PRESET, None, from_text, to_text,
                            {"period": "Choose a period from the list"})
    if preset is not Preset.CUSTOM:
        return PeriodChoice(preset, preset_period(preset, today), from_text, to_text)
    period, errors = parse_custom_period(from_text, to_text, today)
    return PeriodChoice(preset, period, from_text, to_text, errors)


def parse_custom_period(from_text: str, to_text: str, today: date) -> tuple[Period | None, dict[str, str]]:
    errors: dict[str, str] = {}
    start = end = None
    if not from_text:
        errors["from"] = "Enter the first date of the period, like 1/4/2026"
    else:
        start = parse_date(from_text)
        if start is None:
            errors["from"] = "The first date must be a real date, like 1/4/2026"
    if not to_text:
        errors["to"] = "Enter the last date of the period, like 31/3/2027"
    else:
        end = parse_date(to_text)
        if end is None:
            errors["to"] = "The last date must be a real date, like 31/3/2027"
        elif end > today:
            errors["to"] = "The last date must be today or in the past"
    if start and end and not errors:
        if end < start:
            errors["to"] = "The last date must be the same as or after the first date"
        elif (end - start).days + 1 > MAX_PERIOD_DAYS:
            errors["to"] = "The period can be up to 5 years long: choose a later first date or an earlier last date"
    if errors:
        return None, errors
    return Period(start, end), {}
