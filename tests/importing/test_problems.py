"""Files with problems: per-row errors that say how to fix them, file-level errors, nothing imported."""

import io

from openpyxl.worksheet.formula import ArrayFormula
from sqlalchemy import func, select

from tracker.reports.importing import COLUMN_NAMES
from tracker.reports.models import ImportStatus, Report

from .conftest import csv_bytes, row, xlsx_bytes


def _report_count(db_session):
    return db_session.scalar(select(func.count()).select_from(Report))


def test_each_problem_names_row_and_column_and_says_how_to_fix_it(client, lead, checked):
    job = checked(csv_bytes([
        row(),
        row(date_received="31/02/2025", provider="XX9", specialty_code="999", source="fax",
            category="nonsense", action_taken="", minutes_gp="ten"),
        row(date_received="01/01/2099", category="non-commissioned", direction="request"),
    ]))
    errors = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert "write it as day/month/year, like 21/11/2026" in errors[(3, "date_received")]
    assert "Use the trust's ODS code, like RJ1" in errors[(3, "provider")]
    assert "Use a code from the template's list" in errors[(3, "specialty_code")]
    assert "Use one of: clinic-letter" in errors[(3, "source")]
    assert "is not a category" in errors[(3, "category")]
    assert errors[(3, "action_taken")] == "Enter what the practice did, like declined-returned"
    assert errors[(3, "minutes_gp")] == "GP time must be a whole number of minutes, like 15"
    assert errors[(4, "date_received")] == "Date the request arrived must be today or in the past"
    assert "put declined in direction" in errors[(4, "direction")]
    assert not any(e["row"] == 2 for e in job.errors)

    page = client.get(f"/reports/import/{job.id}").text
    assert "Nothing has been imported" in page
    assert "write it as day/month/year" in page
    assert "Import " not in page.replace("Import your", "")  # no import button
    assert "Upload a corrected file" in page


def test_one_bad_row_means_nothing_is_imported(client, lead, checked, db_session):
    job = checked(csv_bytes([row(), row(), row(category="")]))
    assert job.status is ImportStatus.CHECKED
    assert [(e["row"], e["column"]) for e in job.errors] == [(4, "category")]
    response = client.post(f"/reports/import/{job.id}/apply")
    assert response.status_code == 302
    assert _report_count(db_session) == 0
    db_session.refresh(job)
    assert job.status is ImportStatus.CHECKED
    assert "Nothing was imported" in client.get(response.headers["Location"]).text


def test_missing_and_unknown_headings_are_one_clear_file_problem_each(lead, checked):
    headings = ["date_received", "provider", "notes", "description", "action_taken"]
    job = checked(csv_bytes([{"date_received": "03/03/2025", "notes": "fine"}], headings=headings))
    messages = [e["message"] for e in job.errors if e["row"] is None]
    assert any("missing columns: specialty_code, source, category" in m for m in messages)
    assert any("'notes' (column C)" in m and "date_received, provider" in m for m in messages)
    assert not any(e["row"] for e in job.errors)


def test_two_columns_with_one_heading_are_refused(lead, checked):
    headings = list(COLUMN_NAMES) + ["Description"]
    job = checked(csv_bytes([row()], headings=headings))
    assert any("two description columns" in e["message"] for e in job.errors)


def test_values_under_no_heading_are_refused(lead, checked):
    data = csv_bytes([row()]).replace(b"\r\n", b",,extra\r\n", 2).replace(b",,extra", b"", 1)
    job = checked(data)
    assert any("has values but no heading" in e["message"] for e in job.errors)


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_upload_page(client, lead, upload, db_session):
    response = upload(b"%PDF-1.4\x00\x01binary", "letter.pdf")
    assert response.status_code == 200
    assert "The file must be a CSV or XLSX spreadsheet" in response.text
    response = upload(b"\x89PNG\r\n\x1a\n\x00\x00binary", "log.csv")
    assert "not a spreadsheet we can read" in response.text
    response = upload(b"PK\x03\x04 not really a zip", "log.xlsx")
    assert response.status_code == 302  # a workbook by its signature: opened, then refused in the job
    page = client.get(response.headers["Location"]).text
    assert "not a complete Excel workbook" in page or "could not open this Excel file" in page


def test_old_excel_files_and_missing_files_get_clear_messages(client, lead, upload):
    assert "old Excel format (.xls)" in upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "log.xls").text
    response = client.post("/reports/import", data={}, content_type="multipart/form-data")
    assert "Choose a CSV or XLSX file to upload" in response.text
    assert "The file is empty" in upload(b"", "log.csv").text


def test_a_file_with_headings_but_no_rows_says_so(client, lead, checked):
    job = checked(csv_bytes([]))
    assert "no reports under it" in job.errors[0]["message"]


def test_undecodable_text_gets_a_clear_message(lead, checked):
    # Valid in neither UTF-8 nor Windows-1252 (0x81 is undefined there).
    job = checked(b"date_received,provider\r\n" + b"\x81\x8d\x8f\x90\x9d\r\n")
    assert "save it as 'CSV UTF-8" in job.errors[0]["message"]


def test_formulas_are_refused_with_how_to_fix(lead, checked):
    values = [row().get(name) for name in COLUMN_NAMES]
    with_formula = list(values)
    with_formula[COLUMN_NAMES.index("minutes_gp")] = "=5+5"
    with_array = list(values)
    with_array[COLUMN_NAMES.index("minutes_admin")] = ArrayFormula("N3", "=SUM(A1:A2)")
    job = checked(xlsx_bytes([values, with_formula, with_array]), "log.xlsx")
    errors = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert "holds a formula" in errors[(3, "minutes_gp")]
    assert "Paste Special" in errors[(3, "minutes_gp")]
    assert (4, "minutes_admin") in errors
    csv_job = checked(csv_bytes([row(description="=HYPERLINK(\"http://example.com\")")]))
    assert "holds a formula" in csv_job.errors[0]["message"]


def test_too_many_columns_is_refused(lead, checked):
    headings = list(COLUMN_NAMES) + [f"extra{i}" for i in range(40)]
    job = checked(csv_bytes([{h: "x" for h in headings}], headings=headings))
    assert "at most 40" in job.errors[0]["message"]


def test_the_sheet_called_reports_is_read_whatever_its_position(lead, checked):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Instructions"
    workbook.active.append(["read me"])
    sheet = workbook.create_sheet("Reports")
    sheet.append(list(COLUMN_NAMES))
    sheet.append([row().get(name) for name in COLUMN_NAMES])
    out = io.BytesIO()
    workbook.save(out)
    job = checked(out.getvalue(), "log.xlsx")
    assert job.errors == [] and len(job.rows) == 1


def test_error_lists_are_capped_for_huge_broken_files(lead, checked, monkeypatch):
    from tracker.reports import importing

    monkeypatch.setattr(importing, "MAX_LISTED_ERRORS", 5)
    job = checked(csv_bytes([row(source="")] * 12))
    row_errors = [e for e in job.errors if e["row"]]
    assert len(row_errors) == 5
    assert any("12 rows have problems; the first 5 are listed" in e["message"] for e in job.errors)


def test_a_large_upload_is_never_spooled_to_disk(client, lead, checked, monkeypatch):
    import werkzeug.formparser

    class NoDisk:
        def __init__(self, *args, **kwargs):
            raise AssertionError("the upload went to a temporary file")

    monkeypatch.setattr(werkzeug.formparser, "SpooledTemporaryFile", NoDisk)
    data = csv_bytes([row()] * 8_000)
    assert len(data) > 600_000
    job = checked(data)
    assert job.errors == [] and len(job.rows) == 8_000


def test_a_file_over_20_mb_gets_the_file_too_large_page(client, lead, upload):
    response = upload(b"x" * (21 * 1024 * 1024))
    assert response.status_code == 413
    assert "smaller than 20 MB" in response.text


def test_a_workbook_that_unpacks_to_too_much_is_refused(lead, checked, monkeypatch):
    from tracker.reports import import_reading

    monkeypatch.setattr(import_reading, "MAX_UNPACKED_BYTES", 1_000)
    job = checked(xlsx_bytes([[row().get(name) for name in COLUMN_NAMES]]), "log.xlsx")
    assert "too large to read" in job.errors[0]["message"]
