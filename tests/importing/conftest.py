"""Helpers for the spreadsheet import tests: build files, upload them, find the job."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import Workbook

from tracker.reports.importing import COLUMN_NAMES

GOOD_ROW = {
    "date_received": "03/03/2025",
    "provider": "RJ1",
    "specialty_code": "320",
    "source": "clinic-letter",
    "category": "investigations",
    "description": "Cardiology letter: GP to arrange echo before review",
    "action_taken": "declined-returned",
    "minutes_gp": "10",
}


def row(**changes) -> dict:
    return {**GOOD_ROW, **changes}


def csv_bytes(rows: list[dict], headings=COLUMN_NAMES, encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    for values in rows:
        writer.writerow([values.get(h, "") for h in headings])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], headings=COLUMN_NAMES, sheet_title: str = "Reports") -> bytes:
    """rows are lists of cell values in heading order (dates, numbers and formulas allowed)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.append(list(headings))
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def lead(factory, login):
    return login(factory.user("practice-lead", practice=factory.practice(index=0)))


@pytest.fixture
def upload(client):
    def _upload(data: bytes, filename: str = "log.csv"):
        return client.post("/reports/import", data={"file": (io.BytesIO(data), filename)},
                           content_type="multipart/form-data")
    return _upload


def job_id_of(response) -> int:
    assert response.status_code == 302, response.text[:500]
    return int(re.search(r"/reports/import/(\d+)", response.headers["Location"]).group(1))


@pytest.fixture
def checked(upload, db_session):
    """Upload a file and return its (flushed) ImportJob."""
    from tracker.reports.models import ImportJob

    def _checked(data: bytes, filename: str = "log.csv") -> ImportJob:
        job = db_session.get(ImportJob, job_id_of(upload(data, filename)))
        db_session.refresh(job)
        return job
    return _checked
