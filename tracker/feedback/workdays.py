"""The working-day clock: bank holidays in England and Wales, and counting working days.

Pure standard library, so it can be used anywhere (services, templates, the CLI).
Bank holidays are worked out by rule for any year, following GOV.UK: when a fixed-date
holiday falls at a weekend, a "substitute day" is given on the next weekday that is not
already a holiday. Holidays moved or added by royal proclamation are listed by hand in
``_MOVED`` and ``_EXTRA``: add the next one there when it is announced.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType

SATURDAY = 5
MONDAY = 0
FRIDAY = 4

# Holidays moved from their usual date: (year, usual name) -> the date it moved to.
_MOVED: dict[tuple[int, str], date] = {
    (1995, "Early May bank holiday"): date(1995, 5, 8),  # 50th anniversary of VE Day
    (2002, "Spring bank holiday"): date(2002, 6, 4),  # Golden Jubilee
    (2012, "Spring bank holiday"): date(2012, 6, 4),  # Diamond Jubilee
    (2020, "Early May bank holiday"): date(2020, 5, 8),  # 75th anniversary of VE Day
    (2022, "Spring bank holiday"): date(2022, 6, 2),  # Platinum Jubilee
}

# One-off extra bank holidays.
_EXTRA: dict[date, str] = {
    date(1999, 12, 31): "Millennium celebrations",
    date(2002, 6, 3): "Golden Jubilee bank holiday",
    date(2011, 4, 29): "Royal wedding",
    date(2012, 6, 5): "Diamond Jubilee bank holiday",
    date(2022, 6, 3): "Platinum Jubilee bank holiday",
    date(2022, 9, 19): "Bank holiday for the State Funeral of Queen Elizabeth II",
    date(2023, 5, 8): "Bank holiday for the coronation of King Charles III",
}


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the "anonymous Gregorian algorithm")."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 (the algorithm's own name)
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(MONDAY - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    last = (date(year, month + 1, 1) if month < 12 else date(year + 1, 1, 1)) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - MONDAY) % 7)


def _next_free_weekday(day: date, taken: set[date]) -> date:
    while day.weekday() >= SATURDAY or day in taken:
        day += timedelta(days=1)
    return day


@lru_cache(maxsize=256)
def bank_holidays(year: int) -> Mapping[date, str]:
    """England and Wales bank holidays in ``year``: date -> name, in date order (read-only: cached)."""
    easter = easter_sunday(year)
    by_rule = {
        "Good Friday": easter - timedelta(days=2),
        "Easter Monday": easter + timedelta(days=1),
        "Early May bank holiday": _first_monday(year, 5),
        "Spring bank holiday": _last_monday(year, 5),
        "Summer bank holiday": _last_monday(year, 8),
    }
    holidays: dict[date, str] = {}
    for name, day in by_rule.items():
        holidays[_MOVED.get((year, name), day)] = name
    holidays.update({day: name for day, name in _EXTRA.items() if day.year == year})

    # Fixed-date holidays last. Those on a weekday keep their date first; then those at a
    # weekend take, in date order, the next weekday still free (Christmas on a Sunday:
    # Boxing Day keeps Monday and Christmas Day's substitute is Tuesday).
    fixed = [
        ("New Year's Day", date(year, 1, 1)),
        ("Christmas Day", date(year, 12, 25)),
        ("Boxing Day", date(year, 12, 26)),
    ]
    for name, day in fixed:
        if day.weekday() < SATURDAY:
            holidays[day] = name
    for name, day in fixed:
        if day.weekday() >= SATURDAY:
            holidays[_next_free_weekday(day, set(holidays))] = f"{name} (substitute day)"
    return MappingProxyType(dict(sorted(holidays.items())))


def is_bank_holiday(day: date) -> bool:
    return day in bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a bank holiday in England and Wales."""
    return day.weekday() < SATURDAY and not is_bank_holiday(day)


def add_working_days(start: date, n: int) -> date:
    """The date ``n`` working days after ``start`` (before it when ``n`` is negative).

    ``start`` itself never counts: raised on a Friday with 1 working day to reply, the reply is
    due on Monday (Tuesday if Monday is a bank holiday). ``n == 0`` gives ``start``.
    """
    step = timedelta(days=1 if n >= 0 else -1)
    day, remaining = start, abs(n)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(a: date, b: date) -> int:
    """The number of working days after ``a`` up to and including ``b``.

    The inverse of ``add_working_days``: ``working_days_between(a, add_working_days(a, n)) == n``.
    Negative when ``b`` is before ``a``.
    """
    if b < a:
        return -working_days_between(b, a)
    # Whole weeks hold five weekdays each; then the days left over; then take off the bank
    # holidays that fall on weekdays in between. (A trust page counts this for every raise of
    # the LMC: day by day it took most of a second for a few thousand raises.)
    weeks, rest = divmod((b - a).days, 7)
    count, day = weeks * 5, a + timedelta(days=weeks * 7)
    for _ in range(rest):
        day += timedelta(days=1)
        if day.weekday() < SATURDAY:
            count += 1
    for year in range(a.year, b.year + 1):
        count -= sum(1 for holiday in bank_holidays(year) if a < holiday <= b and holiday.weekday() < SATURDAY)
    return count


def latest_working_day(on_or_before: date) -> date:
    """``on_or_before`` if it is a working day, else the working day before it."""
    day = on_or_before
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day
