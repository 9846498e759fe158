"""Server-drawn SVG charts: an XmR (statistical process control) chart of a monthly count.

The SVG is a plain string: presentation attributes only (``fill``, ``stroke``...), no
``style`` attributes and no script, so it passes the pages' Content Security Policy and
renders the same inline in a web page or a PDF. Every text is XML-escaped. The chart
carries ``role="img"``, a ``<title>`` and a ``<desc>`` that says in words what it shows;
pages follow it with the numbers as a table (see ``chart_table_rows``).

Colours follow Making Data Count: grey for common cause, orange for special cause of
concern (high), blue for special cause improvement (low). Special-cause points are also
larger and outlined, so colour is not the only cue.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from tracker.summaries.spc import PointType, Rule, XmRResult

# NHS.UK colour palette.
COMMON_CAUSE = "#768692"  # mid grey
CONCERNING = "#ED8B00"  # orange
IMPROVING = "#005EB8"  # NHS blue
TEXT = "#212B32"
LINE = "#003087"  # NHS dark blue: the data line
GRID = "#D8DDE0"  # pale grey
LIMIT = "#425563"
FONT = "Frutiger W01, Arial, sans-serif"

POINT_FILL = {
    PointType.COMMON_CAUSE: COMMON_CAUSE,
    PointType.CONCERNING_HIGH: CONCERNING,
    PointType.IMPROVING_LOW: IMPROVING,
}


@dataclass(frozen=True)
class ChartTableRow:
    """One row of the table that follows a chart."""

    label: str
    value: float
    mean: float | None
    lower_limit: float | None
    upper_limit: float | None
    signal: str
    partial: bool


def chart_table_rows(result: XmRResult) -> list[ChartTableRow]:
    rows = []
    for point in result.points:
        signal = point.point_type.label
        if point.rules:
            signal += ": " + "; ".join(rule.label for rule in sorted(point.rules))
        rows.append(ChartTableRow(point.label, point.value, result.mean, result.lower_limit,
                                  result.upper_limit, signal, point.partial))
    return rows


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _join(labels: list[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def describe(result: XmRResult, subject: str = "Reports per month") -> str:
    """The chart in words, for its ``<desc>`` and for anyone who cannot see it.

    For example: "Reports per month from November 2025 to October 2026. Mean 12.4;
    process limits 0 to 25.1. 2 points above the upper limit: March 2026 and April 2026."
    """
    points = result.points
    if not points:
        return f"{subject}: no months in the period."
    text = [f"{subject} from {points[0].label} to {points[-1].label}."]
    if not result.has_limits:
        text.append("Too few months to compute process limits.")
        return " ".join(text)
    text.append(
        f"Mean {result.mean:.1f}; process limits {result.lower_limit:.1f} to {result.upper_limit:.1f}."
    )
    if result.provisional:
        text.append(f"Limits are provisional: fewer than 12 months of data ({len(points)}).")
    above = [p.label for p in points if p.value > result.upper_limit]
    below = [p.label for p in points if p.value < result.lower_limit]
    if above:
        text.append(f"{_plural(len(above), 'point')} above the upper limit: {_join(above)}.")
    if below:
        text.append(f"{_plural(len(below), 'point')} below the lower limit: {_join(below)}.")
    for signal in result.signals:
        first, last = points[signal.first].label, points[signal.last].label
        if signal.rule is Rule.SHIFT:
            side = "above" if signal.high else "below"
            text.append(f"A run of {signal.last - signal.first + 1} months {side} the mean from {first} to {last}.")
        elif signal.rule is Rule.TREND:
            way = "rising" if signal.high else "falling"
            text.append(f"{signal.last - signal.first + 1} months {way} in a row from {first} to {last}.")
    close = [points[s.first].label for s in result.signals if s.rule is Rule.TWO_OF_THREE]
    if close:
        text.append(f"Close to a process limit (2 of 3 points): {_join(close)}.")
    if not result.signals:
        text.append("No special cause variation: all points are common cause.")
    text.append(f"Latest month: {result.variation.label.lower()}.")
    partial = [p.label for p in points if p.partial]
    if partial:
        text.append(f"Part month only: {_join(partial)}.")
    return " ".join(text)


def _nice_ceiling(value: float) -> tuple[float, float]:
    """A round top for the y axis and the step between its gridlines (about 5 steps)."""
    if value <= 0:
        return 5.0, 1.0
    raw_step = value / 5
    magnitude = 10 ** math.floor(math.log10(raw_step))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step >= raw_step:
            break
    if step < 1:
        step = 1.0
    return math.ceil(value / step) * step, step


def _attrs(**attributes) -> str:
    return " ".join(f"{name.rstrip('_').replace('_', '-')}={quoteattr(str(value))}" for name, value in attributes.items())


def xmr_svg(result: XmRResult, *, title: str, description: str | None = None, chart_id: str = "chart",
            width: int = 720, height: int = 340, value_name: str = "Reports", font: str = FONT) -> str:
    """An XmR chart as an SVG document fragment (a string, already escaped).

    ``font`` is the font-family list; a PDF renderer may want a face the server has.
    """
    description = description if description is not None else describe(result)
    chart_id = "".join(ch for ch in chart_id if ch.isalnum() or ch in "-_") or "chart"
    legend, legend_height = _legend(52, width, result)
    left, right, top, bottom = 52, 20, legend_height + 14, 58
    plot_w, plot_h = width - left - right, height - top - bottom
    points = result.points
    highest = max([p.value for p in points] + [result.upper_limit or 0, 1])
    y_top, y_step = _nice_ceiling(highest)

    def x(i: int) -> float:
        if len(points) == 1:
            return left + plot_w / 2
        return left + plot_w * i / (len(points) - 1)

    def y(value: float) -> float:
        return top + plot_h - plot_h * value / y_top

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" {_attrs(width=width, height=height)} '
        f'viewBox="0 0 {width} {height}" role="img" class="tracker-chart" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family={quoteattr(font)} font-size="13">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<rect {_attrs(x=0, y=0, width=width, height=height, fill="#FFFFFF")}/>',
    ]
    # Gridlines and the y axis.
    tick = 0.0
    while tick <= y_top + 1e-9:
        parts.append(f'<line {_attrs(x1=left, x2=left + plot_w, y1=f"{y(tick):.1f}", y2=f"{y(tick):.1f}", stroke=GRID, stroke_width=1)}/>')
        parts.append(f'<text {_attrs(x=left - 8, y=f"{y(tick) + 4:.1f}", text_anchor="end", fill=TEXT)}>{_number(tick)}</text>')
        tick += y_step
    parts.append(
        f'<text {_attrs(x=14, y=top + plot_h / 2, transform=f"rotate(-90 14 {top + plot_h / 2})", text_anchor="middle", fill=TEXT)}>{escape(value_name)}</text>'
    )
    # Month labels: every month when they fit, otherwise every n-th; the year under the first
    # label and wherever the year changes.
    every = max(1, math.ceil(len(points) / 12))
    shown_year = None
    for i, point in enumerate(points):
        if i % every and i != len(points) - 1:
            continue
        month, _, year = point.label.partition(" ")
        parts.append(f'<text {_attrs(x=f"{x(i):.1f}", y=top + plot_h + 18, text_anchor="middle", fill=TEXT)}>{escape(month[:3])}</text>')
        if year != shown_year:
            parts.append(f'<text {_attrs(x=f"{x(i):.1f}", y=top + plot_h + 34, text_anchor="middle", fill=TEXT)}>{escape(year)}</text>')
            shown_year = year
    # Mean and process limits.
    if result.has_limits:
        for value, dashed, name in (
            (result.upper_limit, True, "Upper process limit"),
            (result.mean, False, "Mean"),
            (result.lower_limit, True, "Lower process limit"),
        ):
            extra = {"stroke_dasharray": "6 4"} if dashed else {}
            parts.append(
                f'<line {_attrs(x1=left, x2=left + plot_w, y1=f"{y(value):.1f}", y2=f"{y(value):.1f}", stroke=LIMIT, stroke_width=1.5, **extra)}>'
                f'<title>{escape(name)}: {value:.1f}</title></line>'
            )
    # The data line, then its points.
    if len(points) > 1:
        path = " ".join(f"{x(i):.1f},{y(p.value):.1f}" for i, p in enumerate(points))
        parts.append(f'<polyline {_attrs(points=path, fill="none", stroke=LINE, stroke_width=2)}/>')
    for i, point in enumerate(points):
        special = point.point_type is not PointType.COMMON_CAUSE
        tooltip = f"{point.label}: {_number(point.value)} – {point.point_type.label}"
        if point.partial:
            tooltip += " (part month)"
        colour = POINT_FILL[point.point_type]
        # A part month is drawn hollow: its count covers only some of the month's days.
        fill, stroke = ("#FFFFFF", colour) if point.partial else (colour, TEXT if special else "#FFFFFF")
        parts.append(
            f'<circle {_attrs(cx=f"{x(i):.1f}", cy=f"{y(point.value):.1f}", r=6 if special else 4, fill=fill, stroke=stroke, stroke_width=2 if point.partial else 1.5)}>'
            f'<title>{escape(tooltip)}</title></circle>'
        )
    parts.append(legend)
    parts.append("</svg>")
    return "".join(parts)


def _legend(left: int, width: int, result: XmRResult) -> tuple[str, int]:
    """The legend (hidden from screen readers: the description says it all) and its height."""
    entries = [
        ("circle", COMMON_CAUSE, "Common cause"),
        ("circle", CONCERNING, "Concerning (high)"),
        ("circle", IMPROVING, "Improving (low)"),
    ]
    if result.has_limits:
        entries += [("mean", LIMIT, "Mean"), ("limit", LIMIT, "Process limits")]
    if any(p.partial for p in result.points):
        entries.append(("hollow", COMMON_CAUSE, "Part month"))
    items, cursor, row_y = [], left, 16
    for kind, colour, text in entries:
        mark = 16 if kind in ("circle", "hollow") else 28
        needed = mark + 16 + 7.5 * len(text)
        if cursor > left and cursor + needed > width:
            cursor, row_y = left, row_y + 20
        if kind in ("circle", "hollow"):
            fill, stroke = (colour, TEXT) if kind == "circle" else ("#FFFFFF", colour)
            items.append(f'<circle {_attrs(cx=cursor + 6, cy=row_y, r=5, fill=fill, stroke=stroke, stroke_width=1.5)}/>')
        else:
            extra = {"stroke_dasharray": "6 4"} if kind == "limit" else {}
            items.append(f'<line {_attrs(x1=cursor, x2=cursor + 22, y1=row_y, y2=row_y, stroke=colour, stroke_width=1.5, **extra)}/>')
        items.append(f'<text {_attrs(x=cursor + mark, y=row_y + 4, fill=TEXT)}>{escape(text)}</text>')
        cursor += needed
    return '<g aria-hidden="true">' + "".join(items) + "</g>", row_y + 14


@dataclass(frozen=True)
class MonthlyChart:
    """A chart ready to place: the SVG, its description and the rows of its table."""

    title: str
    svg: str
    description: str
    result: XmRResult
    table: list[ChartTableRow]

    def __html__(self) -> str:
        # Jinja places the chart as markup: every text in it was XML-escaped when drawn.
        return self.svg


def monthly_chart(months, *, title: str, subject: str = "Reports per month", chart_id: str = "chart",
                  font: str = FONT) -> MonthlyChart:
    """XmR chart of a monthly series: anything with ``label``, ``count`` and ``partial``
    (``queries.MonthCount``), oldest first, missing months already filled with 0."""
    from tracker.summaries.spc import xmr

    months = list(months)
    result = xmr([m.count for m in months], [m.label for m in months], partial=[m.partial for m in months])
    description = describe(result, subject)
    svg = xmr_svg(result, title=title, description=description, chart_id=chart_id, font=font)
    return MonthlyChart(title, svg, description, result, chart_table_rows(result))
