"""Applying once only, and who may see which import."""

import pytest
from sqlalchemy import func, select

from tracker.reports.models import ImportJob, ImportStatus, Report

from .conftest import csv_bytes, job_id_of, row


def test_a_second_apply_imports_nothing_more(client, lead, upload, db_session):
    job_id = job_id_of(upload(csv_bytes([row(), row()])))
    first = client.post(f"/reports/import/{job_id}/apply")
    second = client.post(f"/reports/import/{job_id}/apply")
    assert first.status_code == second.status_code == 302
    assert db_session.scalar(select(func.count()).select_from(Report)) == 2
    assert db_session.get(ImportJob, job_id).created_count == 2


def test_claiming_a_job_twice_fails_the_second_time(lead, checked, db_session):
    from tracker.reports import importing

    job = checked(csv_bytes([row()]))
    assert importing.claim_for_apply(job) is True
    assert job.status is ImportStatus.APPLYING
    assert importing.claim_for_apply(job) is False


def test_the_job_page_of_an_applied_job_leads_to_the_done_page(client, lead, upload):
    job_id = job_id_of(upload(csv_bytes([row()])))
    client.post(f"/reports/import/{job_id}/apply")
    response = client.get(f"/reports/import/{job_id}")
    assert response.headers["Location"].endswith(f"/reports/import/{job_id}/done")
    assert client.get(f"/reports/import/{job_id}/status").json["status"] == "applied"


def test_a_running_job_shows_progress_and_refreshes_itself(client, lead, db_session):
    job = ImportJob(practice_id=lead.practice_id, user_id=lead.id, filename="big.csv",
                    status=ImportStatus.CHECKING, total_rows=10_000, processed_rows=4_000, errors=[])
    db_session.add(job)
    db_session.flush()
    page = client.get(f"/reports/import/{job.id}").text
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Checked 4,000 of 10,000 rows" in page
    assert 'value="40"' in page
    status = client.get(f"/reports/import/{job.id}/status").json
    assert status == {"status": "checking", "total_rows": 10_000, "processed_rows": 4_000, "percent": 40,
                      "created_count": 0, "error_count": 0, "running": True}


def test_a_job_that_stopped_long_ago_says_to_upload_again(client, lead, db_session):
    from datetime import timedelta

    from tracker.db_types import utcnow

    job = ImportJob(practice_id=lead.practice_id, user_id=lead.id, filename="big.csv",
                    status=ImportStatus.APPLYING, total_rows=10_000, errors=[],
                    created_at=utcnow() - timedelta(hours=3))
    db_session.add(job)
    db_session.flush()
    page = client.get(f"/reports/import/{job.id}").text
    assert "This import stopped" in page
    assert "refresh" not in page.split("</head>")[0]


def test_checking_runs_in_chunks_and_reports_progress(lead, db_session, monkeypatch):
    from tracker.reports import importing

    monkeypatch.setattr(importing, "CHUNK_ROWS", 2)
    job = ImportJob(practice_id=lead.practice_id, user_id=lead.id, filename="log.csv",
                    status=ImportStatus.CHECKING, errors=[])
    db_session.add(job)
    db_session.flush()
    seen = []
    importing.check_upload(job, "log.csv", csv_bytes([row()] * 5), progress=seen.append)
    assert seen == [0, 2, 4]
    assert job.status is ImportStatus.CHECKED and job.processed_rows == 5
    assert importing.claim_for_apply(job)
    applied = []
    importing.apply_job(job, lead, progress=applied.append)
    assert applied == [2, 4, 5]


@pytest.mark.parametrize("path", ["/reports/import", "/reports/import/template.csv", "/reports/import/template.xlsx"])
def test_practice_users_may_not_import(client, login_as, path):
    login_as("practice-user")
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("role", ["practice-user", "lmc-officer", "admin"])
def test_only_practice_leads_may_upload(client, login_as, role):
    login_as(role)
    assert client.post("/reports/import", data={}, content_type="multipart/form-data").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/reports/import")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("suffix", ["", "/status", "/done"])
def test_another_practices_job_is_not_found(client, factory, login, upload, suffix):
    owner = login(factory.user("practice-lead", practice=factory.practice(index=0)))
    job_id = job_id_of(upload(csv_bytes([row()])))
    assert owner.practice_id
    login(factory.user("practice-lead", practice=factory.practice(index=1)))
    assert client.get(f"/reports/import/{job_id}{suffix}").status_code == 404
    assert client.post(f"/reports/import/{job_id}/apply").status_code == 404


def test_a_practice_user_of_the_same_practice_gets_403_for_a_job(client, factory, login, upload):
    practice = factory.practice(index=0)
    login(factory.user("practice-lead", practice=practice))
    job_id = job_id_of(upload(csv_bytes([row()])))
    login(factory.user("practice-user", practice=practice))
    assert client.get(f"/reports/import/{job_id}").status_code == 403
    assert client.post(f"/reports/import/{job_id}/apply").status_code == 403


def test_an_unexpected_failure_marks_the_job_failed_and_logs_no_cell(client, lead, upload, db_session,
                                                                     monkeypatch, caplog):
    from tracker.reports import importing

    def broken(job, *args, **kwargs):
        raise ValueError(f"invalid literal: 'Patient NHS {row()['description']}'")

    monkeypatch.setattr(importing, "check_upload", broken)
    job_id = job_id_of(upload(csv_bytes([row()])))
    job = db_session.get(ImportJob, job_id)
    db_session.refresh(job)
    assert job.status is ImportStatus.FAILED
    assert "Nothing was imported" in job.errors[0]["message"]
    assert "Upload the file again" in client.get(f"/reports/import/{job_id}").text
    assert "ValueError" in caplog.text
    assert row()["description"] not in caplog.text


@pytest.mark.parametrize("suffix", ["", "/status", "/done"])
def test_a_job_id_past_the_column_range_is_not_found(client, lead, suffix):
    assert client.get(f"/reports/import/9223372036854775808{suffix}").status_code == 404
    assert client.post("/reports/import/9223372036854775808/apply").status_code == 404
