"""The template a practice downloads to fill in."""

import csv
import io

from openpyxl import load_workbook

from tracker.reports.importing import COLUMN_NAMES


def test_csv_template_has_the_heading_row_only(client, lead):
    response = client.get("/reports/import/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows == [list(COLUMN_NAMES)]


def test_xlsx_template_has_headings_instructions_examples_and_trusts(client, lead):
    response = client.get("/reports/import/template.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    assert workbook.sheetnames[0] == "Reports"
    headings = next(workbook["Reports"].iter_rows(values_only=True))
    assert tuple(h for h in headings if h) == COLUMN_NAMES

    instructions = [c for r in workbook["Instructions"].iter_rows(values_only=True) for c in r if c]
    for expected in ("clinic-letter", "Outpatient clinic letter", "declined", "investigations",
                     "Asked to organise investigations", "done-under-protest", "risk-of-harm",
                     "320", "Cardiology", "date_received"):
        assert expected in instructions
    trusts = [r[0] for r in workbook["NHS trusts"].iter_rows(values_only=True)]
    assert "RJ1" in trusts


def test_the_example_rows_import_without_problems(client, lead, checked):
    from tracker.reports.import_template import example_rows

    from .conftest import csv_bytes

    job = checked(csv_bytes(example_rows()))
    assert job.errors == []
    assert len(job.rows) == 4


def test_start_page_links_both_templates_and_documents_the_columns(client, lead):
    page = client.get("/reports/import").text
    assert "/reports/import/template.csv" in page
    assert "/reports/import/template.xlsx" in page
    assert 'enctype="multipart/form-data"' in page
    for name in COLUMN_NAMES:
        assert name in page


def test_the_downloaded_xlsx_template_filled_in_imports(client, lead, checked):
    from openpyxl import load_workbook as open_workbook

    workbook = open_workbook(io.BytesIO(client.get("/reports/import/template.xlsx").data))
    sheet = workbook["Reports"]
    values = {"date_received": "03/03/2025", "provider": "RJ1", "specialty_code": "320", "source": "clinic-letter",
              "category": "investigations", "description": "GP asked to arrange an echo",
              "action_taken": "declined-returned", "minutes_gp": 10}
    sheet.append([values.get(name) for name in COLUMN_NAMES])
    out = io.BytesIO()
    workbook.save(out)
    job = checked(out.getvalue(), "template.xlsx")
    assert job.errors == []
    assert len(job.rows) == 1
