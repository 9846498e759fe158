"""Whatever is in the cells, checking a row never raises."""

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.reports.importing import COLUMN_NAMES, ImportLookup, RowChecker, normalise_date

CELL = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["", "RJ1", "320", "clinic-letter", "investigations", "03/03/2025", "45719", "0", "-1",
                     "99999", "declined", "request", "non-commissioned", "none", "\u00a0", "2025-02-30"]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.fixed_dictionaries({name: CELL for name in COLUMN_NAMES}))
def test_any_cell_values_give_a_row_or_errors_never_an_exception(db_session, cells):
    checker = RowChecker(ImportLookup(), today=date(2026, 1, 1))
    parsed, errors = checker.check(cells)
    assert (parsed is None) == bool(errors)
    assert all(isinstance(message, str) and message for message in errors.values())


@given(text=st.text(max_size=40))
def test_date_normalising_never_raises(text):
    result = normalise_date(text)
    assert result is None or date.fromisoformat(result)


ANY_CELL = st.one_of(CELL, st.sampled_from(["=A1", "someone@example.com", "DOB 12/03/1956", "NHS no 9434765919"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    headings=st.lists(st.one_of(st.sampled_from(COLUMN_NAMES), st.text(max_size=12)), min_size=1, max_size=16),
    rows=st.lists(st.lists(ANY_CELL, max_size=18), min_size=1, max_size=5),
)
def test_any_table_gives_a_result_never_an_exception(db_session, headings, rows):
    from tracker.reports.import_reading import Table
    from tracker.reports.importing import check_table

    table = Table(headings=[h.strip() for h in headings], heading_row=1,
                  rows=[(number, cells) for number, cells in enumerate(rows, start=2)])
    result = check_table(table, ImportLookup(), today=date(2026, 1, 1))
    assert all(set(error) == {"row", "column", "message"} for error in result.errors)
    for needle in ("someone@example.com", "9434765919", "12/03/1956"):
        assert needle not in repr(result.errors)


@settings(max_examples=200, deadline=None)
@given(data=st.one_of(st.binary(max_size=400), st.binary(max_size=400).map(lambda b: b"PK\x03\x04" + b)),
       name=st.sampled_from(["log.csv", "log.xlsx", "log.txt"]))
def test_reading_any_bytes_gives_a_table_or_a_clear_error(data, name):
    from tracker.reports.import_reading import ImportFileError, read_table

    try:
        read_table(name, data)
    except ImportFileError as problem:
        assert str(problem)
