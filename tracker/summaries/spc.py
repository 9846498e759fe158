"""Statistical process control: XmR charts as NHS England's "Making Data Count" uses them.

Pure Python over a list of numbers (reports per month), so the same results feed the
web pages, the SVG charts and the evidence packs.

The calculation (an XmR, or individuals, chart):

- mean of the values; moving ranges ``|x[i] - x[i-1]|``; their average (MR-bar);
- process limits ``mean ± 2.66 × MR-bar`` (3 sigma, where sigma = MR-bar / 1.128);
  for counts the lower limit is floored at 0;
- a point is special cause when any of these Making Data Count rules marks it:
  (a) OUTSIDE_LIMITS: it is above the upper or below the lower process limit;
  (b) SHIFT: it is in a run of 7 or more consecutive points above, or below, the mean
      (a point exactly on the mean ends a run);
  (c) TREND: it is in a run of 7 or more consecutive points each higher, or each lower,
      than the one before (7 points, that is 6 rises or falls; an equal value ends it).
      Making Data Count publications give 6 or 7; we use 7, as NHS England's current
      guidance and the NHS-R "plot the dots" implementation do;
  (d) TWO_OF_THREE: two or three of three consecutive points, all on the same side of
      the mean, lie beyond 2 sigma on that side (close to a process limit); the points
      beyond 2 sigma are marked.
- Fewer than 12 points: the limits are still computed but are provisional (Making Data
  Count advises at least 12, ideally 15 to 20, points before relying on them).

Direction: for this service more reports is worse, so special cause above the mean is
"concerning (high)" and below the mean "improving (low)". A point that only a trend
marks takes the trend's direction; otherwise the side of the mean decides.
The overall variation state (the icon) is that of the latest point.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

LIMIT_FACTOR = 2.66  # 3 / d2, with d2 = 1.128 for moving ranges of two points
D2 = 1.128
SHIFT_POINTS = 7
TREND_POINTS = 7
FIRM_LIMITS_POINTS = 12


class Rule(StrEnum):
    OUTSIDE_LIMITS = "outside-limits"
    SHIFT = "shift"
    TREND = "trend"
    TWO_OF_THREE = "two-of-three"

    @property
    def label(self) -> str:
        return {
            "outside-limits": "outside the process limits",
            "shift": f"a run of {SHIFT_POINTS} or more points on one side of the mean",
            "trend": f"{TREND_POINTS} or more points rising or falling in a row",
            "two-of-three": "2 of 3 points close to a process limit",
        }[self.value]


class PointType(StrEnum):
    COMMON_CAUSE = "common-cause"
    CONCERNING_HIGH = "concerning-high"
    IMPROVING_LOW = "improving-low"

    @property
    def label(self) -> str:
        return {
            "common-cause": "Common cause",
            "concerning-high": "Special cause: concerning (high)",
            "improving-low": "Special cause: improving (low)",
        }[self.value]


class Variation(StrEnum):
    """The Making Data Count variation icon, from the latest point."""

    COMMON_CAUSE = "common-cause"
    CONCERNING_HIGH = "concerning-high"
    IMPROVING_LOW = "improving-low"
    NOT_ENOUGH_DATA = "not-enough-data"

    @property
    def label(self) -> str:
        return {
            "common-cause": "Common cause variation",
            "concerning-high": "Special cause variation: concerning, higher than expected",
            "improving-low": "Special cause variation: improving, lower than expected",
            "not-enough-data": "Not enough data to judge variation",
        }[self.value]


@dataclass(frozen=True)
class Signal:
    """One special-cause pattern: which rule, which way, over which points (indexes, inclusive)."""

    rule: Rule
    high: bool
    first: int
    last: int


@dataclass
class SPCPoint:
    label: str
    value: float
    moving_range: float | None
    rules: set[Rule] = field(default_factory=set)
    point_type: PointType = PointType.COMMON_CAUSE
    partial: bool = False  # a month the period covers only in part

    @property
    def is_special(self) -> bool:
        return self.point_type is not PointType.COMMON_CAUSE


@dataclass
class XmRResult:
    points: list[SPCPoint]
    mean: float | None
    average_moving_range: float | None
    upper_limit: float | None
    lower_limit: float | None
    upper_two_sigma: float | None
    lower_two_sigma: float | None
    signals: list[Signal]
    provisional: bool
    variation: Variation

    @property
    def has_limits(self) -> bool:
        return self.mean is not None and self.upper_limit is not None


def fill_months(counts: Mapping[str, int], month_keys: Sequence[str]) -> list[int]:
    """The series over ``month_keys`` with months that have no reports as 0."""
    return [int(counts.get(key, 0)) for key in month_keys]


def xmr(values: Sequence[float], labels: Sequence[str] | None = None, *, floor_at_zero: bool = True,
        partial: Sequence[bool] | None = None) -> XmRResult:
    """Compute an XmR chart for ``values`` (oldest first); ``labels`` name the points."""
    labels = list(labels) if labels is not None else [str(i + 1) for i in range(len(values))]
    if len(labels) != len(values):
        raise ValueError("give one label per value")
    flags = list(partial) if partial is not None else [False] * len(values)
    values = [float(v) for v in values]
    moving_ranges = [abs(values[i] - values[i - 1]) for i in range(1, len(values))]
    points = [
        SPCPoint(label, value, moving_ranges[i - 1] if i else None, partial=flags[i])
        for i, (label, value) in enumerate(zip(labels, values, strict=True))
    ]
    if len(values) < 2:
        mean = values[0] if values else None
        return XmRResult(points, mean, None, None, None, None, None, [], True, Variation.NOT_ENOUGH_DATA)

    mean = sum(values) / len(values)
    mr_bar = sum(moving_ranges) / len(moving_ranges)
    sigma = mr_bar / D2
    upper = mean + LIMIT_FACTOR * mr_bar
    lower = mean - LIMIT_FACTOR * mr_bar
    lower_two_sigma = mean - 2 * sigma
    if floor_at_zero:
        lower = max(lower, 0.0)
        lower_two_sigma = max(lower_two_sigma, 0.0)
    upper_two_sigma = mean + 2 * sigma

    signals = (
        _outside_limits(values, upper, lower)
        + _shifts(values, mean)
        + _trends(values)
        + _two_of_three(values, mean, upper_two_sigma, lower_two_sigma)
    )
    _classify(points, signals, mean)
    return XmRResult(
        points=points,
        mean=mean,
        average_moving_range=mr_bar,
        upper_limit=upper,
        lower_limit=lower,
        upper_two_sigma=upper_two_sigma,
        lower_two_sigma=lower_two_sigma,
        signals=sorted(signals, key=lambda s: (s.first, s.rule)),
        provisional=len(values) < FIRM_LIMITS_POINTS,
        variation=Variation(points[-1].point_type.value),
    )


def _outside_limits(values: list[float], upper: float, lower: float) -> list[Signal]:
    return [
        Signal(Rule.OUTSIDE_LIMITS, value > upper, i, i)
        for i, value in enumerate(values)
        if value > upper or value < lower
    ]


def _runs(signs: list[int], length: int, rule: Rule, offset: int = 0) -> list[Signal]:
    """Runs of ``length`` or more equal, non-zero signs, as signals over point indexes."""
    found, start = [], 0
    for i in range(1, len(signs) + 1):
        if i == len(signs) or signs[i] != signs[start]:
            if signs[start] != 0 and i - start >= length:
                found.append(Signal(rule, signs[start] > 0, start + offset, i - 1 + offset))
            start = i
    return found


def _sign(number: float) -> int:
    return (number > 0) - (number < 0)


def _shifts(values: list[float], mean: float) -> list[Signal]:
    return _runs([_sign(v - mean) for v in values], SHIFT_POINTS, Rule.SHIFT)


def _trends(values: list[float]) -> list[Signal]:
    # Sign of each step; a run of TREND_POINTS - 1 equal steps spans TREND_POINTS points.
    steps = [_sign(values[i] - values[i - 1]) for i in range(1, len(values))]
    return [
        Signal(Rule.TREND, run.high, run.first - 1, run.last)
        for run in _runs(steps, TREND_POINTS - 1, Rule.TREND, offset=1)
    ]


def _two_of_three(values: list[float], mean: float, upper_two_sigma: float,
                  lower_two_sigma: float) -> list[Signal]:
    marked: dict[int, bool] = {}
    for start in range(len(values) - 2):
        window = range(start, start + 3)
        for high in (True, False):
            same_side = all((values[i] > mean) if high else (values[i] < mean) for i in window)
            beyond = [i for i in window if (values[i] > upper_two_sigma if high else values[i] < lower_two_sigma)]
            if same_side and len(beyond) >= 2:
                for i in beyond:
                    marked[i] = high
    return [Signal(Rule.TWO_OF_THREE, high, i, i) for i, high in sorted(marked.items())]


def _classify(points: list[SPCPoint], signals: list[Signal], mean: float) -> None:
    trend_high: dict[int, bool] = {}
    for signal in signals:
        for i in range(signal.first, signal.last + 1):
            points[i].rules.add(signal.rule)
            if signal.rule is Rule.TREND:
                trend_high[i] = signal.high
    for i, point in enumerate(points):
        if not point.rules:
            continue
        if point.rules == {Rule.TREND}:
            high = trend_high[i]
        elif point.value != mean:
            high = point.value > mean
        else:
            high = trend_high.get(i, True)
        point.point_type = PointType.CONCERNING_HIGH if high else PointType.IMPROVING_LOW
