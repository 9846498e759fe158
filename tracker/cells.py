"""Spreadsheet and CSV cells that cannot run as formulas (CSV injection), for every export."""

from __future__ import annotations

# A spreadsheet treats text starting with these as a formula (tab and carriage return
# can hide one after leading whitespace).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Prefix text that a spreadsheet could run as a formula with an apostrophe.

    Numbers, dates and None pass through unchanged; only text is touched.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
