"""URL converters shared by every blueprint."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, Map

# The largest value of an id column (a 32-bit integer on PostgreSQL).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: a number larger than any id answers 404.

    Without the bound, a path like /reports/99999999999999999999 reached the database,
    which cannot take the number (SQLite: OverflowError; PostgreSQL: out of range), and
    the user got the 500 page instead of "Page not found".
    """

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)
