"""Counting working days by whole weeks gives what counting day by day gives."""

from __future__ import annotations

from datetime import date, timedelta
from random import Random

from tracker.feedback import workdays


def _day_by_day(a: date, b: date) -> int:
    if b < a:
        return -_day_by_day(b, a)
    count, day = 0, a
    while day < b:
        day += timedelta(days=1)
        count += workdays.is_working_day(day)
    return count


def test_working_days_between_agrees_with_counting_each_day():
    rng = Random(20261123)
    for _ in range(3000):
        a = date(2019, 1, 1) + timedelta(days=rng.randrange(3000))
        b = a + timedelta(days=rng.randrange(-400, 900))
        assert workdays.working_days_between(a, b) == _day_by_day(a, b), (a, b)


def test_around_bank_holidays_and_weekends():
    good_friday, easter_monday = date(2026, 4, 3), date(2026, 4, 6)
    assert workdays.working_days_between(date(2026, 4, 2), easter_monday) == 0
    assert workdays.working_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1
    assert workdays.working_days_between(good_friday, good_friday) == 0
    assert workdays.working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 4
