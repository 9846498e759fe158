"""The identifier guard runs over every cell of every row, before anything else."""

import random

from tracker.privacy import generate_nhs_number

from .conftest import csv_bytes, row, xlsx_bytes

NHS_NUMBER = generate_nhs_number(random.Random(7))


def _all_text(job) -> str:
    return repr(job.errors) + repr(job.rows) + job.filename


def test_identifier_in_description_blocks_the_row_and_is_not_repeated(client, lead, checked):
    secret = f"Patient NHS number {NHS_NUMBER} needs an echo"
    job = checked(csv_bytes([row(), row(description=secret)]))
    assert job.rows is None
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "description")]
    assert "an NHS number" in job.errors[0]["message"]
    assert NHS_NUMBER not in _all_text(job)
    page = client.get(f"/reports/import/{job.id}").text
    assert NHS_NUMBER not in page
    assert "Import 1" not in page


def test_identifier_in_any_coded_cell_is_caught_before_other_checks(lead, checked):
    job = checked(csv_bytes([row(source="someone@example.com", specialty_code="SW1A 1AA")]))
    assert job.rows is None
    by_column = {e["column"]: e["message"] for e in job.errors}
    assert "an email address" in by_column["source"]
    assert "a full postcode" in by_column["specialty_code"]
    assert "someone@example.com" not in _all_text(job)
    assert "SW1A" not in _all_text(job)


def test_identifier_in_an_extra_column_blocks_the_import_without_echo(client, lead, checked):
    headings = [*row().keys(), "Patient notes"]
    job = checked(csv_bytes([{**row(), "Patient notes": f"NHS no {NHS_NUMBER}"}], headings=headings))
    assert job.rows is None
    row_errors = [e for e in job.errors if e["row"]]
    assert row_errors == [{"row": 2, "column": "Patient notes", "message": row_errors[0]["message"]}]
    assert "an NHS number" in row_errors[0]["message"]
    assert NHS_NUMBER not in _all_text(job)
    assert NHS_NUMBER not in client.get(f"/reports/import/{job.id}").text


def test_a_date_in_a_column_headed_dob_is_a_date_of_birth(lead, checked):
    headings = [*row().keys(), "DOB"]
    job = checked(csv_bytes([{**row(), "DOB": "12/03/1956"}], headings=headings))
    assert job.rows is None
    assert any("a date of birth" in e["message"] for e in job.errors)
    assert "1956" not in _all_text(job)


def test_identifier_in_a_heading_is_refused_without_naming_it(lead, checked):
    headings = [*row().keys(), "jane.doe@example.com"]
    job = checked(csv_bytes([row()], headings=headings))
    assert job.rows is None
    assert any(e["column"] == "column I" and "an email address" in e["message"] for e in job.errors)
    assert "jane.doe" not in _all_text(job)


def test_identifier_in_an_xlsx_cell_and_in_the_file_name(lead, checked):
    from tracker.reports.importing import COLUMN_NAMES

    values = [row().get(name) for name in COLUMN_NAMES]
    values[COLUMN_NAMES.index("independent_provider")] = f"Hosp no: A1234567 {NHS_NUMBER}"
    job = checked(xlsx_bytes([values]), f"log {NHS_NUMBER}.xlsx")
    assert job.rows is None
    assert job.filename == "spreadsheet.xlsx"
    assert NHS_NUMBER not in _all_text(job) and "A1234567" not in _all_text(job)


def test_control_characters_never_reach_the_kept_file_name(lead, checked):
    job = checked(csv_bytes([row()]), "\x00log\x1f.csv")
    assert job.filename == "log.csv"
    assert checked(csv_bytes([row()]), "\x00.csv").filename == ".csv"


def test_a_row_with_an_identifier_still_gets_its_other_problems_listed(lead, checked):
    job = checked(csv_bytes([row(description=f"NHS {NHS_NUMBER}", source="fax", category="")]))
    by_column = {e["column"]: e["message"] for e in job.errors}
    assert "an NHS number" in by_column["description"]
    assert "'fax' is not allowed in source" in by_column["source"]
    assert by_column["category"].startswith("Enter the category")
    assert [e["column"] for e in job.errors] == ["source", "category", "description"]  # left to right
    assert NHS_NUMBER not in _all_text(job)


def test_an_identifier_in_independent_provider_is_the_only_provider_problem(lead, checked):
    job = checked(csv_bytes([row(provider="", independent_provider="someone@example.com")]))
    assert [(e["column"], "an email address" in e["message"]) for e in job.errors] == [("independent_provider", True)]
