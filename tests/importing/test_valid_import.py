"""Valid files: the dry run shows what would be created, applying creates it all."""

from datetime import date, datetime

from sqlalchemy import func, select

from tracker.audit.models import AuditEvent
from tracker.reports.models import ImportJob, ImportStatus, Report, StaffRole

from .conftest import csv_bytes, job_id_of, row, xlsx_bytes


def _reports(db_session, practice_id):
    return db_session.scalars(select(Report).where(Report.practice_id == practice_id).order_by(Report.id)).all()


def test_csv_dry_run_then_apply_creates_every_report(client, lead, upload, db_session, factory):
    data = csv_bytes([
        row(),
        row(provider="", independent_provider="Example Independent Hospital", specialty_code="110",
            source="Discharge summary", category="prescribing", action_taken="done-under-protest",
            patient_impact="risk-of-harm", minutes_gp="", minutes_pharmacist="15", minutes_admin="5",
            description="Discharged with 3 days of a new drug, asked GP to continue"),
        row(category="non-commissioned", direction="", date_received="2025-04-01",
            description="Declined 24-hour BP monitoring requested by cardiology: not commissioned locally"),
    ])
    response = upload(data)
    job_id = job_id_of(response)

    page = client.get(f"/reports/import/{job_id}")
    assert page.status_code == 200
    assert "Import 3 reports" in page.text
    assert "Asked to organise investigations" in page.text  # the summary by category
    assert "Example Independent Hospital (independent)" in page.text
    assert _reports(db_session, lead.practice_id) == []  # a dry run creates nothing

    response = client.post(f"/reports/import/{job_id}/apply")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reports/import/{job_id}/done")
    done = client.get(response.headers["Location"])
    assert "3 reports" in done.text

    reports = _reports(db_session, lead.practice_id)
    assert len(reports) == 3
    first, second, third = reports
    assert first.received_on == date(2025, 3, 3)
    assert first.trust == factory.trust("RJ1")
    assert first.specialty_code == "320"
    assert first.source.value == "clinic-letter"
    assert first.direction.value == "request"
    assert first.category_slug == "investigations"
    assert first.action_taken.value == "declined-returned"
    assert first.patient_impact.value == "none"
    assert first.logged_by_id == lead.id
    assert first.status.value == "logged"
    assert first.suggested_category_slug is None  # no suggestion was shown for an import
    assert {st.staff_role: st.minutes for st in first.staff_time} == {StaffRole.GP: 10}
    assert first.staff_minutes_total == 10
    assert second.trust_id is None and second.independent_provider == "Example Independent Hospital"
    assert second.source.value == "discharge-summary"
    assert second.patient_impact.value == "risk-of-harm"
    assert {st.staff_role: st.minutes for st in second.staff_time} == {StaffRole.PHARMACIST: 15, StaffRole.ADMIN: 5}
    assert second.staff_minutes_total == 20
    assert third.direction.value == "declined"
    assert third.received_on == date(2025, 4, 1)

    job = db_session.get(ImportJob, job_id)
    db_session.refresh(job)
    assert job.status is ImportStatus.APPLIED
    assert job.created_count == 3
    assert job.rows is None
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "reports.imported")).all()
    assert len(events) == 1
    assert events[0].details["count"] == 3
    assert events[0].object_id == job_id
    per_report = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "report.created")
    assert db_session.scalar(per_report) == 0


def test_xlsx_with_real_excel_dates_and_numbers_imports(client, lead, upload, db_session):
    from tracker.reports.importing import COLUMN_NAMES

    def values(**cells):
        return [cells.get(name) for name in COLUMN_NAMES]

    data = xlsx_bytes([
        values(date_received=datetime(2025, 5, 6), provider="rj1", specialty_code=320, source="clinic-letter",
               category="Asked to organise investigations", description="GP to arrange an echo",
               action_taken="Done under protest", minutes_gp=12.0, minutes_nurse=0),
        values(date_received=date(2025, 5, 7), provider="RJ1", specialty_code="330", source="ag-reply",
               category="advice-guidance", description="A&G unanswered after 15 working days",
               action_taken="redirected", patient_impact="Delay to care"),
    ])
    job_id = job_id_of(upload(data, "log.xlsx"))
    assert "Import 2 reports" in client.get(f"/reports/import/{job_id}").text
    client.post(f"/reports/import/{job_id}/apply")
    first, second = _reports(db_session, lead.practice_id)
    assert first.received_on == date(2025, 5, 6)
    assert first.category_slug == "investigations"
    assert first.action_taken.value == "done-under-protest"
    assert {st.staff_role: st.minutes for st in first.staff_time} == {StaffRole.GP: 12}
    assert second.received_on == date(2025, 5, 7)
    assert second.specialty_code == "330"
    assert second.patient_impact.value == "delay"


def test_provider_matches_by_exact_name_in_any_case_and_by_ods_code(lead, checked, factory):
    trust = factory.trust("RJ1")
    job = checked(csv_bytes([row(provider=trust.name.upper()), row(provider="  rj1 "), row(provider=trust.name)]))
    assert job.errors == []
    assert [r[1] for r in job.rows] == [trust.id] * 3


def test_category_matches_by_slug_or_title(lead, checked):
    job = checked(csv_bytes([
        row(category="Fit note (Med3) not issued"), row(category="FIT-NOTES"), row(category="fit notes"),
        row(category="results-follow-up"),
    ]))
    assert job.errors == []
    assert [r[6] for r in job.rows] == ["fit-notes", "fit-notes", "fit-notes", "results-follow-up"]


def test_friendly_dates_are_understood(lead, checked):
    job = checked(csv_bytes([
        row(date_received="3/3/2025"), row(date_received="2025-03-03"), row(date_received="03-03-2025"),
        row(date_received="3 March 2025"), row(date_received="03-Mar-2025"),
        row(date_received="2025-03-03 00:00:00"), row(date_received="03/03/2025 00:00"),
        row(date_received="45719"),  # an Excel date that lost its format
    ]))
    assert job.errors == []
    assert {r[0] for r in job.rows} == {"2025-03-03"}


def test_headings_are_matched_without_regard_to_case_spacing_or_order(lead, checked):
    headings = ["Description", "Date Received", "PROVIDER", "specialty-code", "Source", "category", "Action taken"]
    values = {"Description": GOOD_DESCRIPTION, "Date Received": "03/03/2025", "PROVIDER": "RJ1",
              "specialty-code": "320", "Source": "Outpatient clinic letter", "category": "investigations",
              "Action taken": "declined-returned"}
    job = checked(csv_bytes([values], headings=headings))
    assert job.errors == []
    assert len(job.rows) == 1


GOOD_DESCRIPTION = "Clinic letter asked the GP to arrange a scan"


def test_empty_rows_are_skipped_and_row_numbers_still_match_the_file(lead, checked):
    data = csv_bytes([row(), {}, row(source="not a source")])
    job = checked(data)
    assert job.total_rows == 2
    assert [(e["row"], e["column"]) for e in job.errors] == [(4, "source")]


def test_semicolon_separated_and_windows_encoded_csv_is_read(lead, checked):
    text = "date_received;provider;specialty_code;source;category;description;action_taken\r\n" \
           "03/03/2025;RJ1;320;clinic-letter;investigations;Letter asked GP to arrange echo – caf\u00e9;redirected\r\n"
    job = checked(text.encode("cp1252"))
    assert job.errors == []
    assert job.rows[0][7].endswith("caf\u00e9")


def test_import_page_is_in_the_navigation_for_practice_leads(client, lead):
    assert 'href="/reports/import"' in client.get("/reports/import").text


def test_excel_unicode_text_files_are_read(lead, checked):
    text = "\t".join(row().keys()) + "\r\n" + "\t".join(row().values()) + "\r\n"
    job = checked(text.encode("utf-16"), "log.csv")
    assert job.errors == []
    assert len(job.rows) == 1
