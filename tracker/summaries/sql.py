"""SQL helpers that must read the same on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Date, String
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class year_month(FunctionElement):
    """``YYYY-MM`` of a date column: the month bucket for GROUP BY.

    The format is written into the SQL as a literal, not a bound parameter, so that
    PostgreSQL sees the same expression in SELECT and GROUP BY.
    """

    type = String()
    name = "year_month"
    inherit_cache = True


@compiles(year_month, "sqlite")
def _year_month_sqlite(element, compiler, **kw):
    return "strftime('%%Y-%%m', %s)" % compiler.process(element.clauses, **kw)


@compiles(year_month, "postgresql")
def _year_month_postgresql(element, compiler, **kw):
    return "to_char(%s, 'YYYY-MM')" % compiler.process(element.clauses, **kw)


@compiles(year_month)
def _year_month_other(element, compiler, **kw):
    raise CompileError(f"year_month() has no SQL for the {compiler.dialect.name} database")


class month_start(FunctionElement):
    """The first day of a date column's month, as a date (the summary table's ``month``)."""

    type = Date()
    name = "month_start"
    inherit_cache = True


@compiles(month_start, "sqlite")
def _month_start_sqlite(element, compiler, **kw):
    return "date(%s, 'start of month')" % compiler.process(element.clauses, **kw)


@compiles(month_start, "postgresql")
def _month_start_postgresql(element, compiler, **kw):
    return "CAST(date_trunc('month', CAST(%s AS timestamp)) AS date)" % compiler.process(element.clauses, **kw)


@compiles(month_start)
def _month_start_other(element, compiler, **kw):
    raise CompileError(f"month_start() has no SQL for the {compiler.dialect.name} database")
