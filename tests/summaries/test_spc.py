"""XmR calculations and the Making Data Count special-cause rules, on hand-built series."""

import pytest

from tracker.summaries.spc import FIRM_LIMITS_POINTS, PointType, Rule, Variation, fill_months, xmr

FLAT = [5] * 12


def rules_fired(values):
    return {signal.rule for signal in xmr(values).signals}


def test_limits_are_computed_exactly_for_a_known_series():
    result = xmr([10, 12, 11, 13, 12, 14])
    # mean 72 / 6 = 12; moving ranges 2, 1, 2, 1, 2 -> 8 / 5 = 1.6
    assert result.mean == pytest.approx(12.0)
    assert [p.moving_range for p in result.points] == [None, 2, 1, 2, 1, 2]
    assert result.average_moving_range == pytest.approx(1.6)
    assert result.upper_limit == pytest.approx(12 + 2.66 * 1.6)  # 16.256
    assert result.lower_limit == pytest.approx(12 - 2.66 * 1.6)  # 7.744
    sigma = 1.6 / 1.128
    assert result.upper_two_sigma == pytest.approx(12 + 2 * sigma)
    assert result.lower_two_sigma == pytest.approx(12 - 2 * sigma)


def test_lower_limit_is_floored_at_zero_for_counts():
    result = xmr([0, 9, 0, 9, 0, 9, 0, 9, 0, 9, 0, 9])
    assert result.lower_limit == 0.0
    unfloored = xmr([0, 9, 0, 9, 0, 9, 0, 9, 0, 9, 0, 9], floor_at_zero=False)
    assert unfloored.lower_limit < 0
    assert not any(p.point_type is PointType.IMPROVING_LOW for p in result.points)


def test_flat_series_has_no_special_cause():
    result = xmr(FLAT)
    assert result.signals == []
    assert result.upper_limit == result.lower_limit == result.mean == 5
    assert result.variation is Variation.COMMON_CAUSE
    assert all(p.point_type is PointType.COMMON_CAUSE for p in result.points)


def test_a_point_above_the_upper_limit_is_special_cause_concerning_high():
    values = [8, 12, 8, 12, 8, 12, 30, 12, 8, 12, 8, 12]
    result = xmr(values)
    assert rules_fired(values) == {Rule.OUTSIDE_LIMITS}
    assert result.points[6].point_type is PointType.CONCERNING_HIGH
    assert [i for i, p in enumerate(result.points) if p.is_special] == [6]
    assert Rule.OUTSIDE_LIMITS not in rules_fired(FLAT)


def test_a_point_below_the_lower_limit_is_special_cause_improving_low():
    result = xmr([20, 22, 20, 22, 20, 22, 20, 6, 6, 21, 22, 20])
    assert {s.first for s in result.signals if s.rule is Rule.OUTSIDE_LIMITS} == {7, 8}
    assert result.points[7].point_type is PointType.IMPROVING_LOW


def test_seven_points_on_one_side_of_the_mean_is_a_shift():
    values = [6, 7, 6, 7, 6, 7, 6, 8, 9, 8, 9, 8, 9, 8]
    result = xmr(values)
    assert rules_fired(values) == {Rule.SHIFT}
    shifts = [(s.high, s.first, s.last) for s in result.signals]
    assert shifts == [(False, 0, 6), (True, 7, 13)]
    assert result.points[0].point_type is PointType.IMPROVING_LOW
    assert result.points[13].point_type is PointType.CONCERNING_HIGH
    assert result.variation is Variation.CONCERNING_HIGH


def test_six_points_on_one_side_of_the_mean_is_not_a_shift():
    assert Rule.SHIFT not in rules_fired([6, 7, 6, 7, 6, 7, 8, 9, 8, 9, 8, 9])
    assert Rule.SHIFT not in rules_fired(FLAT)


def test_seven_points_rising_in_a_row_is_a_trend():
    values = [10, 4, 10, 4, 5, 6, 7, 8, 9, 10, 11, 4, 10, 4]
    result = xmr(values)
    assert rules_fired(values) == {Rule.TREND}
    trend = result.signals[0]
    assert (trend.high, trend.first, trend.last) == (True, 3, 10)
    # A trend point below the mean still takes the trend's direction.
    assert result.points[3].value < result.mean
    assert result.points[3].point_type is PointType.CONCERNING_HIGH


def test_six_points_rising_is_not_a_trend_and_an_equal_value_breaks_one():
    assert Rule.TREND not in rules_fired([10, 4, 10, 4, 5, 6, 7, 8, 9, 4, 10, 4])
    assert Rule.TREND not in rules_fired([10, 4, 10, 4, 5, 6, 7, 7, 8, 9, 10, 4])
    assert Rule.TREND not in rules_fired(FLAT)


def test_falling_trend_is_improving():
    result = xmr([4, 10, 4, 10, 11, 10, 9, 8, 7, 6, 5, 10, 4, 10])
    trend = next(s for s in result.signals if s.rule is Rule.TREND)
    assert not trend.high and (trend.first, trend.last) == (4, 10)
    assert result.points[10].point_type is PointType.IMPROVING_LOW


def test_two_of_three_points_beyond_two_sigma_on_one_side():
    values = [10, 12, 10, 12, 13, 18, 18, 10, 12, 10, 12, 10]
    result = xmr(values)
    assert rules_fired(values) == {Rule.TWO_OF_THREE}
    assert [i for i, p in enumerate(result.points) if p.is_special] == [5, 6]
    assert result.points[5].point_type is PointType.CONCERNING_HIGH
    assert Rule.TWO_OF_THREE not in rules_fired(FLAT)


def test_two_of_three_needs_all_three_points_on_the_same_side_of_the_mean():
    # 18, 18 are beyond 2 sigma but each window of three crosses the mean.
    assert Rule.TWO_OF_THREE not in rules_fired([10, 12, 10, 12, 10, 18, 18, 10, 12, 10, 12, 10])


def test_fewer_than_twelve_points_gives_provisional_limits():
    assert FIRM_LIMITS_POINTS == 12
    assert xmr([3, 4, 5, 4, 3, 4, 5, 4, 3, 4, 5]).provisional
    assert not xmr([3, 4, 5, 4, 3, 4, 5, 4, 3, 4, 5, 4]).provisional


def test_one_point_or_none_has_no_limits():
    assert xmr([4]).variation is Variation.NOT_ENOUGH_DATA
    assert not xmr([4]).has_limits
    assert xmr([]).points == []


def test_missing_months_are_filled_with_zero():
    assert fill_months({"2026-01": 3, "2026-03": 1}, ["2026-01", "2026-02", "2026-03"]) == [3, 0, 1]
