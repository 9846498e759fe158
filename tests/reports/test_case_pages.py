"""One case: its detail page, changing it (with stale-edit protection) and withdrawing it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.reports.conftest import case_form, count_audit, error_summary, page
from tracker.audit.models import AuditEvent
from tracker.reports import services
from tracker.reports.models import Report, Status


def _history_rows(response) -> list[str]:
    table = page(response).xpath("//h2[text()='History']/following-sibling::table[1]")[0]
    return [" ".join(row.text_content().split()) for row in table.xpath(".//tbody/tr")]


def _edit_form(report: Report, **changes) -> dict[str, str]:
    form = case_form(
        **{"received_on-day": str(report.received_on.day), "received_on-month": str(report.received_on.month),
           "received_on-year": str(report.received_on.year)},
        trust_code=report.trust.ods_code if report.trust else "", default_trust_code="",
        specialty_code=report.specialty_code, source=report.source.value, description=report.description,
        category_slug=report.category_slug, action_taken=report.action_taken.value,
        patient_impact=report.patient_impact.value, version=str(report.version),
    )
    form.pop("submission_token")
    form.update(changes)
    return form


def _raw(report: Report) -> dict[str, str]:
    """The report's values as parse_report reads them."""
    return {
        "received_on": report.received_on.isoformat(), "trust_code": report.trust.ods_code,
        "specialty_code": report.specialty_code, "source": report.source.value,
        "category_slug": report.category_slug, "description": report.description,
        "action_taken": report.action_taken.value, "patient_impact": report.patient_impact.value,
    }


# --- detail ----------------------------------------------------------------------------------------

def test_detail_shows_every_field_staff_time_and_the_suggestion(client, factory, practice_user):
    report = factory.logged_report(practice_user, category_slug="communication", minutes_gp="10", minutes_admin="5",
                                   description="Cardiology letter: GP to arrange echo before review")

    response = client.get(f"/reports/{report.id}")

    text = " ".join(page(response).text_content().split())
    assert response.status_code == 200
    for expected in ("Guy's and St Thomas' NHS Foundation Trust (RJ1)", "Cardiology (320)", "Outpatient clinic letter",
                     "Cardiology letter: GP to arrange echo before review", "Unclear communication or no contact route",
                     "The assistant suggested Asked to organise investigations", "Done under protest",
                     "Request pushed to the practice", "GP: 10 minutes", "Admin staff: 5 minutes",
                     "Total: 15 minutes", "Logged", f"Logged by {practice_user.full_name}"):
        assert expected in text, expected
    assert page(response).xpath(f"//a[@href='/reports/{report.id}/edit#description']")


def test_detail_shows_the_lmcs_status(client, factory, practice_user):
    report = factory.report(practice_user.practice)
    report.status = Status.RAISED
    factory.session.flush()

    response = client.get(f"/reports/{report.id}")

    assert "Raised with trust" in response.text


def test_history_names_who_when_and_fields_but_no_free_text(client, db_session, factory, practice_user):
    report = factory.logged_report(practice_user)
    data, _ = services.parse_report({**_raw(report), "specialty_code": "330",
                                     "description": "Dermatology asked GP to arrange a biopsy"})
    services.edit_report(report, practice_user, data, expected_version=report.version)
    db_session.flush()

    response = client.get(f"/reports/{report.id}")

    rows = _history_rows(response)
    assert len(rows) == 2
    assert rows[0].endswith(f"{practice_user.full_name} Logged")
    assert rows[1].endswith(f"{practice_user.full_name} Changed: Description, Specialty")
    assert "biopsy" not in " ".join(rows)


def test_history_shows_the_lmcs_status_changes(client, db_session, factory, practice_user):
    from tracker import audit

    report = factory.logged_report(practice_user)
    officer = factory.user("lmc-officer")
    report.status = Status.RAISED
    audit.record("report.status_changed", actor=officer, object_type="report", object_id=report.id,
                 practice_id=report.practice_id, fields=["status"], status="raised", trust_raise=1)
    db_session.flush()

    rows = _history_rows(client.get(f"/reports/{report.id}"))

    assert rows[-1].endswith(f"{officer.full_name} Status changed to raised with trust")


# --- editing ---------------------------------------------------------------------------------------

def test_edit_form_is_prefilled_with_the_version(client, factory, practice_user):
    report = factory.logged_report(practice_user, minutes_gp="12", independent_provider="Abbey Clinic", trust_code="")

    doc = page(client.get(f"/reports/{report.id}/edit"))

    assert doc.xpath("//input[@name='version']/@value") == [str(report.version)]
    assert doc.get_element_by_id("description").text_content() == report.description
    assert doc.get_element_by_id("minutes_gp").value == "12"
    assert doc.xpath("//details[@open]//input[@id='independent_provider']/@value") == ["Abbey Clinic"]
    assert doc.xpath("//input[@name='category_slug'][@checked]/@value") == ["investigations"]
    assert doc.xpath("//input[@name='submission_token']") == []


def test_edit_saves_changes_and_audits_the_fields(client, db_session, factory, practice_user):
    report = factory.logged_report(practice_user)

    response = client.post(f"/reports/{report.id}/edit", data=_edit_form(report, patient_impact="delay", minutes_nurse="20"))

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reports/{report.id}")
    db_session.refresh(report)
    assert report.patient_impact.value == "delay"
    assert report.staff_minutes_total == 20
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "report.edited"))
    assert event.details["fields"] == ["patient_impact", "staff_time"]
    assert "Your changes have been saved." in client.get(response.headers["Location"]).text


def test_edit_with_errors_keeps_what_was_typed(client, db_session, factory, practice_user):
    report = factory.logged_report(practice_user)

    response = client.post(f"/reports/{report.id}/edit", data=_edit_form(report, description="", minutes_gp="-3"))

    assert response.status_code == 200
    assert ("Describe what the hospital asked for, without patient details", "#description") in error_summary(response)
    assert page(response).get_element_by_id("minutes_gp").value == "-3"
    db_session.refresh(report)
    assert report.description == "Cardiology letter: GP to arrange echo before review"


def test_stale_edit_gets_409_and_overwrites_nothing(client, db_session, factory, practice_user):
    report = factory.logged_report(practice_user)
    loaded = _edit_form(report, description="My edit: GP to arrange echo and bloods")
    # A colleague saves a change after this user opened the form.
    colleague = factory.user("practice-lead", practice=practice_user.practice)
    data, _ = services.parse_report({**_raw(report), "patient_impact": "harm"})
    services.edit_report(report, colleague, data, expected_version=report.version)
    db_session.flush()
    events = count_audit(db_session)

    response = client.post(f"/reports/{report.id}/edit", data=loaded)

    assert response.status_code == 409
    assert "This case was changed by someone else" in response.text
    doc = page(response)
    assert doc.xpath(f"//a[@href='/reports/{report.id}']") and doc.xpath(f"//a[@href='/reports/{report.id}/edit']")
    db_session.refresh(report)
    assert report.description == "Cardiology letter: GP to arrange echo before review"
    assert report.patient_impact.value == "harm"
    assert count_audit(db_session) == events


@pytest.mark.parametrize("version", ["", "abc", "999"])
def test_edit_with_a_missing_or_unknown_version_is_a_conflict(client, db_session, factory, practice_user, version):
    report = factory.logged_report(practice_user)

    response = client.post(f"/reports/{report.id}/edit", data=_edit_form(report, version=version, description="Changed"))

    assert response.status_code == 409
    db_session.refresh(report)
    assert report.description != "Changed"


def test_withdrawn_case_cannot_be_changed(client, db_session, factory, practice_user):
    report = factory.report(practice_user.practice, withdrawn=True)

    get = client.get(f"/reports/{report.id}/edit")
    post = client.post(f"/reports/{report.id}/edit", data=_edit_form(report, description="Changed"))

    assert get.status_code == post.status_code == 302
    db_session.refresh(report)
    assert report.description != "Changed"
    assert "cannot be changed" in client.get(get.headers["Location"]).text


# --- withdrawing -----------------------------------------------------------------------------------

def test_withdraw_keeps_the_case_hides_it_from_the_list_and_audits(client, db_session, factory, practice_user):
    report = factory.logged_report(practice_user)

    confirm = client.get(f"/reports/{report.id}/withdraw")
    response = client.post(f"/reports/{report.id}/withdraw", data={"reason": "Logged twice"})

    assert confirm.status_code == 200 and "Why are you withdrawing this case?" in confirm.text
    assert response.status_code == 302
    db_session.refresh(report)
    assert report.is_withdrawn and report.withdrawn_reason == "Logged twice"
    assert report.withdrawn_by_id == practice_user.id
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "report.withdrawn"))
    assert event.object_id == report.id and "Logged twice" not in json.dumps(event.details)
    assert f"/reports/{report.id}\"" not in client.get("/reports").text
    detail = client.get(f"/reports/{report.id}").text
    assert "This case was withdrawn" in detail and "Withdrawn" in " ".join(_history_rows(client.get(f"/reports/{report.id}")))


def test_withdraw_needs_a_reason(client, db_session, factory, practice_user):
    report = factory.logged_report(practice_user)

    response = client.post(f"/reports/{report.id}/withdraw", data={"reason": "  "})

    assert response.status_code == 200
    assert ("Say why the report is being withdrawn", "#reason") in error_summary(response)
    db_session.refresh(report)
    assert not report.is_withdrawn


def test_withdraw_reason_goes_through_the_identifier_guard(client, db_session, factory, practice_user):
    report = factory.logged_report(practice_user)
    events = count_audit(db_session)

    response = client.post(f"/reports/{report.id}/withdraw", data={"reason": "Wrong patient, NHS number 943 476 5919"})

    assert any("NHS number" in text for text, _ in error_summary(response))
    assert page(response).get_element_by_id("reason").text_content() == "Wrong patient, NHS number 943 476 5919"
    db_session.refresh(report)
    assert not report.is_withdrawn and report.withdrawn_reason is None
    assert count_audit(db_session) == events


# --- who may see a case ----------------------------------------------------------------------------

CASE_PAGES = [
    ("get", "/reports/{id}"),
    ("get", "/reports/{id}/logged"),
    ("get", "/reports/{id}/edit"),
    ("post", "/reports/{id}/edit"),
    ("get", "/reports/{id}/withdraw"),
    ("post", "/reports/{id}/withdraw"),
]


@pytest.mark.parametrize(("method", "path"), CASE_PAGES)
@pytest.mark.parametrize("role", ["practice-user", "practice-lead"])
def test_case_of_another_practice_is_not_found(client, db_session, factory, login, method, path, role):
    other = factory.report(factory.practice("QOP", 0))
    login(factory.user(role, practice=factory.practice("QKK", 0)))

    response = getattr(client, method)(path.format(id=other.id), data={"reason": "Logged twice", "version": "1"})

    assert response.status_code == 404
    db_session.refresh(other)
    assert not other.is_withdrawn


@pytest.mark.parametrize(("method", "path"), CASE_PAGES)
def test_missing_case_is_not_found(client, practice_user, method, path):
    assert getattr(client, method)(path.format(id=999999)).status_code == 404


@pytest.mark.parametrize(("method", "path"), CASE_PAGES)
@pytest.mark.parametrize("role", ["lmc-officer", "admin"])
def test_lmc_officers_and_admins_are_refused_by_permission(client, factory, login_as, method, path, role):
    report = factory.report(factory.practice("QKK", 0))
    login_as(role)

    assert getattr(client, method)(path.format(id=report.id)).status_code == 403


@pytest.mark.parametrize("role", ["practice-user", "practice-lead"])
def test_colleagues_see_and_change_each_others_cases(client, db_session, factory, login, role):
    practice = factory.practice("QKK", 0)
    author = factory.user("practice-user", practice=practice)
    report = factory.logged_report(author)
    login(factory.user(role, practice=practice))

    assert client.get(f"/reports/{report.id}").status_code == 200
    response = client.post(f"/reports/{report.id}/edit", data=_edit_form(report, patient_impact="delay"))
    assert response.status_code == 302


def test_absurdly_long_version_is_a_conflict_not_a_server_error(client, factory, login):
    user = login(factory.user("practice-user"))
    report = factory.logged_report(user)
    response = client.post(f"/reports/{report.id}/edit", data={"version": "9" * 4301})
    assert response.status_code == 409
