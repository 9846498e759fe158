"""The SVG chart: well-formed XML, accessible names, no inline styles, escaped text."""

import xml.etree.ElementTree as ET

from tracker.summaries.charts import CONCERNING, chart_table_rows, describe, monthly_chart, xmr_svg
from tracker.summaries.queries import MonthCount
from tracker.summaries.spc import xmr

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = ["November 2025", "December 2025", "January 2026", "February 2026", "March 2026", "April 2026",
          "May 2026", "June 2026", "July 2026", "August 2026", "September 2026", "October 2026"]


def test_svg_is_well_formed_with_role_title_and_desc():
    result = xmr([8, 12, 8, 12, 8, 12, 30, 12, 8, 12, 8, 12], MONTHS)
    root = ET.fromstring(xmr_svg(result, title="Reports per month", chart_id="c1"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Reports per month"
    assert "May 2026" in root.find(f"{SVG}desc").text


def test_svg_has_no_style_attributes_or_scripts():
    svg = xmr_svg(xmr([1, 5, 2, 8, 3], MONTHS[:5]), title="t")
    root = ET.fromstring(svg)
    for element in root.iter():
        assert "style" not in element.attrib
        assert element.tag not in (f"{SVG}script", f"{SVG}style")


def test_text_in_the_svg_is_escaped():
    svg = xmr_svg(xmr([1, 2, 3], ["<b>", "&", '"q"']), title="<script>alert(1)</script> & co")
    assert "<script>" not in svg
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == "<script>alert(1)</script> & co"


def test_special_cause_points_are_orange_and_limits_dashed():
    root = ET.fromstring(xmr_svg(xmr([8, 12, 8, 12, 8, 12, 30, 12, 8, 12, 8, 12], MONTHS), title="t"))
    plotted = [c for c in root.findall(f"{SVG}circle")]
    assert [c.get("fill") for c in plotted].count(CONCERNING) == 1
    assert sum(1 for line in root.findall(f"{SVG}line") if line.get("stroke-dasharray")) == 2


def test_description_names_points_above_the_upper_limit():
    result = xmr([8, 12, 8, 12, 8, 12, 30, 12, 8, 12, 8, 12], MONTHS)
    text = describe(result)
    assert text.startswith("Reports per month from November 2025 to October 2026.")
    assert "Mean 11.8" in text
    assert "1 point above the upper limit: May 2026." in text


def test_description_says_when_limits_are_provisional():
    assert "provisional" in describe(xmr([3, 4, 5], MONTHS[:3]))


def test_table_rows_carry_values_limits_and_signal():
    result = xmr([8, 12, 8, 12, 8, 12, 30, 12, 8, 12, 8, 12], MONTHS)
    rows = chart_table_rows(result)
    assert rows[6].value == 30 and rows[6].upper_limit == result.upper_limit
    assert rows[6].signal.startswith("Special cause: concerning (high)")
    assert rows[0].signal == "Common cause"


def test_monthly_chart_marks_part_months():
    months = [MonthCount("2026-09", 4), MonthCount("2026-10", 6), MonthCount("2026-11", 2, partial=True)]
    chart = monthly_chart(months, title="Reports", chart_id="x")
    assert chart.table[-1].partial
    assert "Part month only: November 2026." in chart.description
    ET.fromstring(chart.svg)
