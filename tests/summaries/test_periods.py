"""The period chooser and the previous period of equal length."""

from datetime import date

from tracker.summaries.periods import Period, Preset, choose_period, month_range

TODAY = date(2026, 11, 23)


def test_last_twelve_months_are_whole_months_before_this_one():
    choice = choose_period({}, TODAY)
    assert choice.preset is Preset.LAST_12_MONTHS
    assert choice.period == Period(date(2025, 11, 1), date(2026, 10, 31))


def test_last_three_and_six_months():
    assert choose_period({"period": "3m"}, TODAY).period == Period(date(2026, 8, 1), date(2026, 10, 31))
    assert choose_period({"period": "6m"}, TODAY).period == Period(date(2026, 5, 1), date(2026, 10, 31))


def test_financial_year_runs_from_april_to_today():
    assert choose_period({"period": "fy"}, TODAY).period == Period(date(2026, 4, 1), TODAY)
    assert choose_period({"period": "fy"}, date(2027, 2, 3)).period == Period(date(2026, 4, 1), date(2027, 2, 3))


def test_previous_period_of_whole_months_is_the_same_number_of_months():
    assert Period(date(2026, 1, 1), date(2026, 3, 31)).previous() == Period(date(2025, 10, 1), date(2025, 12, 31))
    assert Period(date(2025, 3, 1), date(2025, 3, 31)).previous() == Period(date(2025, 2, 1), date(2025, 2, 28))


def test_previous_period_of_other_dates_is_the_same_number_of_days():
    period = Period(date(2026, 4, 1), date(2026, 4, 10))
    assert period.previous() == Period(date(2026, 3, 22), date(2026, 3, 31))
    assert period.previous().days == period.days


def test_custom_dates_accept_uk_and_iso_dates():
    choice = choose_period({"period": "custom", "from": "1/2/2026", "to": "2026-03-15"}, TODAY)
    assert choice.period == Period(date(2026, 2, 1), date(2026, 3, 15))
    assert choose_period({"from": "2026-02-01", "to": "2026-02-28"}, TODAY).preset is Preset.CUSTOM


def test_bad_custom_dates_say_how_to_fix_them_and_keep_what_was_typed():
    choice = choose_period({"period": "custom", "from": "31/2/2026", "to": ""}, TODAY)
    assert choice.period is None
    assert choice.errors == {
        "from": "The first date must be a real date, like 1/4/2026",
        "to": "Enter the last date of the period, like 31/3/2027",
    }
    assert choice.from_text == "31/2/2026"
    backwards = choose_period({"from": "2026-03-01", "to": "2026-02-01"}, TODAY)
    assert backwards.errors["to"] == "The last date must be the same as or after the first date"
    assert "today or in the past" in choose_period({"from": "2026-03-01", "to": "2027-01-01"}, TODAY).errors["to"]
    assert "5 years" in choose_period({"from": "2015-01-01", "to": "2026-01-01"}, TODAY).errors["to"]
    assert choose_period({"period": "forever"}, TODAY).errors == {"period": "Choose a period from the list"}


def test_months_and_part_months_of_a_period():
    period = Period(date(2026, 1, 15), date(2026, 3, 10))
    assert period.month_keys() == ["2026-01", "2026-02", "2026-03"]
    assert period.partial_months() == {"2026-01", "2026-03"}
    assert month_range("2026-02") == (date(2026, 2, 1), date(2026, 2, 28))
    assert month_range("2026-13") is None and month_range("March") is None
