"""The working-day clock: England and Wales bank holidays and counting working days."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.feedback.workdays import (
    add_working_days,
    bank_holidays,
    easter_sunday,
    is_working_day,
    latest_working_day,
    working_days_between,
)

# Written out by hand from https://www.gov.uk/bank-holidays (England and Wales).
GOV_UK = {
    2020: ["2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31",
           "2020-12-25", "2020-12-28"],
    2021: ["2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30",
           "2021-12-27", "2021-12-28"],
    2022: ["2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03",
           "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27"],
    2023: ["2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29",
           "2023-08-28", "2023-12-25", "2023-12-26"],
    2024: ["2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26",
           "2024-12-25", "2024-12-26"],
    2025: ["2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25",
           "2025-12-25", "2025-12-26"],
    2026: ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31",
           "2026-12-25", "2026-12-28"],
    2027: ["2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30",
           "2027-12-27", "2027-12-28"],
}


@pytest.mark.parametrize("year", sorted(GOV_UK))
def test_bank_holidays_match_the_published_gov_uk_list(year):
    assert [d.isoformat() for d in bank_holidays(year)] == GOV_UK[year]


def test_substitute_days_are_named_as_gov_uk_names_them():
    assert bank_holidays(2026)[date(2026, 12, 28)] == "Boxing Day (substitute day)"
    # Christmas on a Sunday: Boxing Day keeps Monday, Christmas moves to Tuesday.
    assert bank_holidays(2022)[date(2022, 12, 26)] == "Boxing Day"
    assert bank_holidays(2022)[date(2022, 12, 27)] == "Christmas Day (substitute day)"


@pytest.mark.parametrize("year, easter", [
    (2000, date(2000, 4, 23)), (2008, date(2008, 3, 23)), (2011, date(2011, 4, 24)),
    (2019, date(2019, 4, 21)), (2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)),
    (2026, date(2026, 4, 5)), (2038, date(2038, 4, 25)),
])
def test_easter_sunday_by_the_anonymous_gregorian_algorithm(year, easter):
    assert easter_sunday(year) == easter


def test_weekends_and_bank_holidays_are_not_working_days():
    assert is_working_day(date(2026, 11, 23))  # a Monday
    assert not is_working_day(date(2026, 11, 21))  # Saturday
    assert not is_working_day(date(2026, 11, 22))  # Sunday
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day, substitute
    assert not is_working_day(date(2023, 5, 8))  # the coronation


def test_the_due_date_is_counted_from_the_day_after_the_raise():
    assert add_working_days(date(2026, 11, 2), 10) == date(2026, 11, 16)  # Monday to Monday, two weeks
    assert add_working_days(date(2026, 11, 6), 1) == date(2026, 11, 9)  # Friday to Monday
    assert add_working_days(date(2026, 11, 7), 1) == date(2026, 11, 9)  # Saturday to Monday
    assert add_working_days(date(2026, 11, 9), 0) == date(2026, 11, 9)


def test_the_clock_stops_over_christmas_and_new_year():
    # 22-24 Dec, 29-31 Dec, 2 Jan, 5-7 Jan: 25, 26 Dec and 1 Jan are bank holidays.
    assert add_working_days(date(2025, 12, 19), 10) == date(2026, 1, 7)
    # 2026: Boxing Day is a Saturday, so Monday 28 December is the substitute day.
    assert add_working_days(date(2026, 12, 18), 10) == date(2027, 1, 6)
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)


def test_the_clock_stops_over_easter():
    # Good Friday 3 April and Easter Monday 6 April 2026 are not counted.
    assert add_working_days(date(2026, 4, 2), 10) == date(2026, 4, 20)
    assert add_working_days(date(2025, 4, 17), 1) == date(2025, 4, 22)


def test_the_clock_stops_for_one_off_bank_holidays():
    # Platinum Jubilee: Thursday 2 and Friday 3 June 2022.
    assert add_working_days(date(2022, 5, 27), 10) == date(2022, 6, 14)
    # The State Funeral, Monday 19 September 2022.
    assert add_working_days(date(2022, 9, 16), 1) == date(2022, 9, 20)


def test_working_days_between_counts_the_days_after_the_first_date():
    assert working_days_between(date(2025, 12, 19), date(2026, 1, 7)) == 10
    assert working_days_between(date(2026, 11, 6), date(2026, 11, 7)) == 0  # Friday to Saturday
    assert working_days_between(date(2026, 11, 9), date(2026, 11, 9)) == 0
    assert working_days_between(date(2026, 11, 16), date(2026, 11, 2)) == -10


def test_latest_working_day_steps_back_over_weekends_and_holidays():
    assert latest_working_day(date(2026, 11, 23)) == date(2026, 11, 23)
    assert latest_working_day(date(2026, 11, 22)) == date(2026, 11, 20)
    assert latest_working_day(date(2026, 12, 28)) == date(2026, 12, 24)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)), st.integers(0, 60))
def test_counting_back_the_working_days_gives_the_same_number(start, n):
    due = add_working_days(start, n)
    assert working_days_between(start, due) == n
    if n:
        assert is_working_day(due)
    if is_working_day(start):
        assert add_working_days(due, -n) == start
