"""The spreadsheet template practices fill in for an import, as CSV or XLSX.

The XLSX has the 'Reports' sheet to fill in (headings, drop-down lists for coded
columns), an 'Instructions' sheet listing every allowed value, an 'Examples' sheet and
the list of NHS trusts. Every value is written as a string, so nothing in it can run as
a formula.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import xlsxwriter
from sqlalchemy import select

from tracker.categories.models import Category
from tracker.extensions import db
from tracker.organisations.models import Specialty, Trust
from tracker.reports.import_reading import MAX_ROWS
from tracker.reports.importing import COLUMN_NAMES, COLUMNS
from tracker.reports.models import ActionTaken, Direction, PatientImpact, Source

CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXAMPLE_TRUST = "RJ1"


def template_csv() -> bytes:
    """The headings only: a CSV cannot carry instructions, and example rows would get imported."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(COLUMN_NAMES)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def example_rows() -> list[dict[str, str]]:
    trust_name = db.session.scalar(select(Trust.name).where(Trust.ods_code == EXAMPLE_TRUST)) or EXAMPLE_TRUST
    rows = [
        {"date_received": "03/03/2025", "provider": EXAMPLE_TRUST, "specialty_code": "320",
         "source": "clinic-letter", "direction": "request", "category": "investigations",
         "description": "Cardiology letter: GP to arrange echo before review",
         "action_taken": "declined-returned", "patient_impact": "delay", "minutes_gp": "10", "minutes_admin": "5"},
        {"date_received": "2025-03-10", "provider": trust_name, "specialty_code": "300",
         "source": "discharge-summary", "category": "Fit note (Med3) not issued",
         "description": "Discharged after surgery, 6 weeks off work advised, no fit note issued",
         "action_taken": "done-under-protest", "minutes_gp": "8"},
        {"date_received": "17/03/2025", "independent_provider": "Example Independent Hospital",
         "specialty_code": "110", "source": "Discharge summary", "category": "prescribing",
         "description": "Discharged with 3 days of a new drug, asked GP to continue",
         "action_taken": "done-under-protest", "patient_impact": "none", "minutes_pharmacist": "15"},
        {"date_received": "24/03/2025", "provider": EXAMPLE_TRUST, "specialty_code": "320",
         "source": "clinic-letter", "direction": "declined", "category": "non-commissioned",
         "description": "Declined 24-hour BP monitoring requested by cardiology: not commissioned locally",
         "action_taken": "declined-returned", "minutes_gp": "5", "minutes_admin": "10"},
    ]
    return [{name: row.get(name, "") for name in COLUMN_NAMES} for row in rows]


def template_xlsx() -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                         "strings_to_numbers": False, "strings_to_urls": False})
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    heading = workbook.add_format({"bold": True, "font_size": 14})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    text_format = workbook.add_format({"num_format": "@"})

    _reports_sheet(workbook, bold, date_format, text_format)
    _instructions_sheet(workbook, bold, wrap, heading)
    _examples_sheet(workbook, bold)
    _trusts_sheet(workbook, bold)
    workbook.close()
    return out.getvalue()


_CODED = {
    "source": Source,
    "direction": Direction,
    "action_taken": ActionTaken,
    "patient_impact": PatientImpact,
}


def _reports_sheet(workbook, bold, date_format, text_format) -> None:
    sheet = workbook.add_worksheet("Reports")
    for index, name in enumerate(COLUMN_NAMES):
        sheet.write_string(0, index, name, bold)
        width = 60 if name == "description" else max(14, len(name) + 2)
        cell_format = date_format if name == "date_received" else text_format if name in (
            "provider", "specialty_code") else None
        sheet.set_column(index, index, width, cell_format)
    sheet.freeze_panes(1, 0)
    slugs = [slug for slug in db.session.scalars(select(Category.slug).order_by(Category.position))]
    lists = {name: [m.value for m in enum_cls] for name, enum_cls in _CODED.items()} | {"category": slugs}
    for name, values in lists.items():
        index = COLUMN_NAMES.index(name)
        # A drop-down to help, not a rule: titles and labels are accepted too.
        sheet.data_validation(1, index, MAX_ROWS, index, {
            "validate": "list", "source": values, "show_error": False,
            "input_title": name, "input_message": "Choose from the list, or see the Instructions sheet",
        })


def _instructions_sheet(workbook, bold, wrap, heading) -> None:
    sheet = workbook.add_worksheet("Instructions")
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 50)
    sheet.set_column(2, 2, 90)
    row = 0

    def title(text: str) -> None:
        nonlocal row
        row += 1
        sheet.write_string(row, 0, text, heading)
        row += 1

    def table(headings: tuple[str, ...], rows) -> None:
        nonlocal row
        for index, text in enumerate(headings):
            sheet.write_string(row, index, text, bold)
        row += 1
        for values in rows:
            for index, text in enumerate(values):
                sheet.write_string(row, index, str(text), wrap)
            row += 1

    sheet.write_string(row, 0, "How to fill in the Reports sheet", heading)
    row += 1
    for line in (
        "Put one report on each row of the Reports sheet, under the headings. Keep the headings as they are.",
        "Do not include names, NHS numbers, dates of birth, postcodes, email addresses or hospital numbers "
        "anywhere in the file: the import refuses any row that has them.",
        "Type values, not formulas. Leave optional columns empty when they do not apply.",
        "Upload the file, check the list of problems, fix them in the file and upload it again. Nothing is "
        "imported until every row is right.",
    ):
        sheet.write_string(row, 0, line)
        row += 1

    title("Columns")
    table(("Heading", "Needed", "What to put in it"),
          ((c.name, "Yes" if c.required else "No", c.guidance) for c in COLUMNS))
    title("source: where the request came from")
    table(("Value", "Meaning"), ((m.value, m.label) for m in Source))
    title("direction")
    table(("Value", "Meaning"), ((m.value, m.label) for m in Direction))
    title("category (use the value or the title)")
    table(("Value", "Title", "What it covers"), (
        (c.slug, c.title, c.help_text)
        for c in db.session.scalars(select(Category).order_by(Category.position))
    ))
    title("action_taken: what the practice did")
    table(("Value", "Meaning"), ((m.value, m.label) for m in ActionTaken))
    title("patient_impact")
    table(("Value", "Meaning"), ((m.value, m.label) for m in PatientImpact))
    title("specialty_code: treatment function codes")
    table(("Code", "Specialty"), (
        (s.code, s.name) for s in db.session.scalars(select(Specialty).order_by(Specialty.code))
    ))


def _examples_sheet(workbook, bold) -> None:
    sheet = workbook.add_worksheet("Examples")
    sheet.write_string(0, 0, "Example rows: write your rows the same way in the Reports sheet. "
                             "Do not copy these rows themselves.")
    for index, name in enumerate(COLUMN_NAMES):
        sheet.write_string(2, index, name, bold)
        sheet.set_column(index, index, 60 if name == "description" else max(14, len(name) + 2))
    for offset, values in enumerate(example_rows(), start=3):
        for index, name in enumerate(COLUMN_NAMES):
            if values[name]:
                sheet.write_string(offset, index, values[name])


def _trusts_sheet(workbook, bold) -> None:
    sheet = workbook.add_worksheet("NHS trusts")
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 70)
    sheet.set_column(2, 2, 14)
    for index, text in enumerate(("ODS code", "Name", "Closed on")):
        sheet.write_string(0, index, text, bold)
    trusts = db.session.execute(select(Trust.ods_code, Trust.name, Trust.close_date).order_by(Trust.name))
    for row, (code, name, closed) in enumerate(trusts, start=1):
        sheet.write_string(row, 0, code)
        sheet.write_string(row, 1, name)
        if closed and closed <= date.today():
            sheet.write_string(row, 2, closed.strftime("%d/%m/%Y"))
