"""Logging a case with the quick form, end to end through the test client."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.reports.conftest import TOKEN, case_form, count_audit, count_reports, error_summary, page
from tracker.audit.models import AuditEvent
from tracker.organisations.models import Trust
from tracker.reports.models import Direction, Report, StaffRole, Status


def _only_report(db_session) -> Report:
    reports = db_session.scalars(select(Report)).all()
    assert len(reports) == 1
    return reports[0]


def test_valid_case_is_saved_with_the_suggested_and_accepted_category(client, db_session, practice_user):
    response = client.post("/reports/new", data=case_form())

    report = _only_report(db_session)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reports/{report.id}/logged")
    assert report.practice_id == practice_user.practice_id
    assert report.logged_by_id == practice_user.id
    assert report.category_slug == "investigations"
    assert report.suggested_category_slug == "investigations"
    assert report.suggestion_confidence > 0
    assert report.trust.ods_code == "RJ1"
    assert report.direction is Direction.REQUEST
    assert report.submission_token == TOKEN
    # What the model would have set: a live case, never edited.
    assert report.status is Status.LOGGED and report.version == 1 and not report.is_withdrawn
    assert abs(report.updated_at - report.created_at) < timedelta(seconds=5)
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.object_id == report.id))
    assert event.action == "report.created"
    assert event.actor_id == practice_user.id and event.practice_id == practice_user.practice_id
    assert event.details == {"category": "investigations", "suggested": "investigations"}


def test_confirmation_links_to_the_case(client, db_session, practice_user):
    response = client.post("/reports/new", data=case_form(), follow_redirects=True)

    report = _only_report(db_session)
    assert response.status_code == 200
    assert "Case logged" in response.text
    assert f'href="/reports/{report.id}"' in response.text


def test_form_starts_with_today_and_the_users_last_trust_and_source(client, factory, practice_user):
    factory.logged_report(practice_user, trust_code="RJZ", source="discharge-summary",
                          received_on=(date.today() - timedelta(days=3)).isoformat())

    doc = page(client.get("/reports/new"))

    today = date.today()
    assert doc.get_element_by_id("received_on-day").value == str(today.day)
    assert doc.get_element_by_id("received_on-month").value == str(today.month)
    assert doc.get_element_by_id("received_on-year").value == str(today.year)
    assert doc.xpath("//select[@name='trust_code']//option[@selected]/@value") == ["RJZ"]
    assert doc.xpath("//input[@name='source'][@checked]/@value") == ["discharge-summary"]
    assert doc.xpath("//input[@name='patient_impact'][@checked]/@value") == ["none"]
    assert doc.xpath("//input[@name='submission_token']/@value")[0]


def test_errors_are_summarised_linked_to_fields_and_typed_values_kept(client, db_session, practice_user):
    response = client.post("/reports/new", data=case_form(
        specialty_code="", action_taken="", minutes_gp="ten", minutes_admin="15",
        description="Asked us to arrange <b>spirometry</b>",
    ))

    assert response.status_code == 200
    assert count_reports(db_session) == 0
    summary = error_summary(response)
    assert ("Choose the specialty", "#specialty_code") in summary
    assert ("Choose what the practice did", "#action_taken") in summary
    assert ("GP time must be a whole number of minutes, like 15", "#minutes_gp") in summary
    # In page order: the specialty comes before what the practice did.
    assert [href for _, href in summary].index("#specialty_code") < [href for _, href in summary].index("#action_taken")
    doc = page(response)
    assert doc.get_element_by_id("minutes_gp").value == "ten"
    assert doc.get_element_by_id("minutes_admin").value == "15"
    assert doc.get_element_by_id("description").text_content() == "Asked us to arrange <b>spirometry</b>"
    assert "<b>spirometry</b>" not in response.text  # shown back, escaped
    assert doc.xpath("//select[@name='trust_code']//option[@selected]/@value") == ["RJ1"]
    assert doc.xpath("//input[@name='category_slug'][@checked]/@value") == ["investigations"]
    # The same token, so that a corrected resubmission still cannot make two reports.
    assert doc.xpath("//input[@name='submission_token']/@value") == [TOKEN]


@pytest.mark.parametrize(("day", "month", "year", "message"), [
    ("", "", "", "Enter the date the request arrived"),
    ("12", "", "2026", "Date the request arrived must include a month"),
    ("31", "2", "2026", "Date the request arrived must be a real date, like 21/11/2026"),
    ("1", "2", "26", "Year must include 4 numbers"),
])
def test_date_problems_say_what_to_fix(client, db_session, practice_user, day, month, year, message):
    response = client.post("/reports/new", data=case_form(**{
        "received_on-day": day, "received_on-month": month, "received_on-year": year}))

    assert count_reports(db_session) == 0
    texts = [text for text, href in error_summary(response) if href == "#received_on-day"]
    assert len(texts) == 1 and texts[0].startswith(message)


def test_future_date_is_refused(client, db_session, practice_user):
    tomorrow = date.today() + timedelta(days=1)
    response = client.post("/reports/new", data=case_form(**{
        "received_on-day": str(tomorrow.day), "received_on-month": str(tomorrow.month),
        "received_on-year": str(tomorrow.year)}))

    assert ("Date the request arrived must be today or in the past", "#received_on-day") in error_summary(response)


def test_nhs_number_in_description_is_refused_and_nothing_is_written(client, db_session, practice_user):
    reports, events = count_reports(db_session), count_audit(db_session)
    description = "Cardiology asked GP to arrange echo for 943 476 5919"

    response = client.post("/reports/new", data=case_form(description=description))

    assert response.status_code == 200
    message = "Description contains what looks like an NHS number (characters 41 to 52). Remove it: reports must not identify a patient."
    assert (message, "#description") in error_summary(response)
    assert page(response).get_element_by_id("description-error").text_content().strip().endswith(message)
    assert count_reports(db_session) == reports
    assert count_audit(db_session) == events
    stored = json.dumps([e.details for e in db_session.scalars(select(AuditEvent))])
    assert "943 476 5919" not in stored and "9434765919" not in stored


def test_identifier_in_independent_provider_is_refused(client, db_session, practice_user):
    response = client.post("/reports/new", data=case_form(trust_code="", independent_provider="Dr Smith 943 476 5919"))

    assert count_reports(db_session) == 0
    assert any(href == "#independent_provider" for _, href in error_summary(response))
    assert page(response).xpath("//details[@open]//input[@id='independent_provider']")


def test_double_submission_makes_one_report(client, db_session, practice_user):
    first = client.post("/reports/new", data=case_form())
    second = client.post("/reports/new", data=case_form())  # a double click, or back and resubmit

    assert count_reports(db_session) == 1
    assert first.headers["Location"] == second.headers["Location"]
    assert "already saved this form" in client.get(second.headers["Location"]).text


def test_different_tokens_make_different_reports(client, db_session, practice_user):
    client.post("/reports/new", data=case_form(submission_token="a" * 32))
    client.post("/reports/new", data=case_form(submission_token="b" * 32))

    assert count_reports(db_session) == 2


def test_a_form_carrying_another_practices_token_logs_its_own_case(client, db_session, factory, practice_user):
    other = factory.report(factory.practice("QOP", 0), description="The other practice's case")
    other.submission_token = TOKEN
    db_session.flush()

    response = client.post("/reports/new", data=case_form(description="Our own case: GP to arrange echo"))

    assert response.status_code == 302
    ours = db_session.scalars(select(Report).where(Report.practice_id == practice_user.practice_id)).all()
    assert [report.description for report in ours] == ["Our own case: GP to arrange echo"]
    assert f"/reports/{ours[0].id}/" in response.headers["Location"]
    db_session.refresh(other)
    assert other.description == "The other practice's case" and other.submission_token == TOKEN


def test_save_and_log_another_returns_a_fresh_form_with_a_banner(client, db_session, practice_user):
    response = client.post("/reports/new", data=case_form(action="save-another", trust_code="RJZ"))

    report = _only_report(db_session)
    assert response.headers["Location"].endswith(f"/reports/new?logged={report.id}")
    fresh = client.get(response.headers["Location"])
    doc = page(fresh)
    banner = doc.xpath("//*[contains(@class, 'nhsuk-notification-banner--success')]")[0]
    assert f"Case {report.id} logged" in banner.text_content()
    assert banner.xpath(f".//a[@href='/reports/{report.id}']")
    assert doc.get_element_by_id("description").text_content() == ""
    assert doc.xpath("//input[@name='category_slug'][@checked]") == []
    assert doc.xpath("//select[@name='trust_code']//option[@selected]/@value") == ["RJZ"]
    assert doc.xpath("//input[@name='submission_token']/@value")[0] != TOKEN


def test_banner_ignores_a_case_of_another_practice(client, factory, practice_user):
    other = factory.report(factory.practice("QOP", 0))

    response = client.get(f"/reports/new?logged={other.id}")

    assert "nhsuk-notification-banner--success" not in response.text


def test_empty_category_is_suggested_for_checking_and_nothing_saved(client, db_session, practice_user):
    response = client.post("/reports/new", data=case_form(
        category_slug="", description="Patient told to ring the GP for their MRI result"))

    assert response.status_code == 200
    assert count_reports(db_session) == 0
    doc = page(response)
    assert doc.xpath("//input[@name='category_slug'][@checked]/@value") == ["results-follow-up"]
    assert "Check the category before you save" in response.text
    assert "Suggested because:" in response.text
    assert not any(href == "#category_slug" for _, href in error_summary(response))

    confirmed = client.post("/reports/new", data=case_form(
        category_slug="results-follow-up", description="Patient told to ring the GP for their MRI result"))
    assert confirmed.status_code == 302
    assert _only_report(db_session).category_slug == "results-follow-up"


def test_empty_category_without_any_suggestion_asks_for_one(client, db_session, practice_user):
    response = client.post("/reports/new", data=case_form(category_slug="", description="Something odd happened"))

    assert ("Choose the category that fits best", "#category_slug") in error_summary(response)


def test_independent_provider_replaces_the_trust_the_form_chose(client, db_session, practice_user):
    client.post("/reports/new", data=case_form(
        trust_code="RJ1", default_trust_code="RJ1", independent_provider="Parkway Independent Hospital"))

    report = _only_report(db_session)
    assert report.trust_id is None
    assert report.independent_provider == "Parkway Independent Hospital"


def test_trust_chosen_by_the_user_and_independent_provider_conflict(client, db_session, practice_user):
    response = client.post("/reports/new", data=case_form(
        trust_code="RJZ", default_trust_code="RJ1", independent_provider="Parkway Independent Hospital"))

    assert count_reports(db_session) == 0
    assert ("Choose an NHS trust or name an independent provider, not both", "#trust_code") in error_summary(response)


def test_non_commissioned_work_is_recorded_as_declined(client, db_session, practice_user):
    client.post("/reports/new", data=case_form(
        category_slug="non-commissioned", action_taken="declined-returned",
        description="Declined 24-hour BP monitoring requested by cardiology: not commissioned locally"))

    assert _only_report(db_session).direction is Direction.DECLINED


def test_staff_time_is_saved_for_several_roles(client, db_session, practice_user):
    client.post("/reports/new", data=case_form(minutes_gp="10", minutes_admin="5", minutes_nurse="0"))

    report = _only_report(db_session)
    assert {st.staff_role: st.minutes for st in report.staff_time} == {StaffRole.GP: 10, StaffRole.ADMIN: 5}
    assert report.staff_minutes_total == 15


def test_provider_picker_without_javascript_lists_recently_used_trusts_first(client, db_session, factory, practice_user):
    factory.logged_report(practice_user, trust_code="RJZ")
    factory.logged_report(practice_user, trust_code="RJ2")
    factory.logged_report(practice_user, trust_code="RJZ")

    doc = page(client.get("/reports/new"))

    select = doc.xpath("//select[@name='trust_code']")[0]
    groups = select.xpath("./optgroup")
    assert [g.get("label") for g in groups] == ["Recently used by your practice", "All NHS trusts (A to Z)"]
    assert groups[0].xpath("./option/@value") == ["RJZ", "RJ2"]  # most recently used first
    everything = groups[1].xpath("./option")
    open_trusts = db_session.scalars(select_open_trusts()).all()
    assert len(everything) == len(open_trusts) == 199
    assert [o.text_content() for o in everything] == [t.name for t in open_trusts]  # A to Z
    assert select.get("data-module") == "tracker-combobox"
    assert doc.xpath("//label[@for='trust_code']")


def select_open_trusts():
    return select(Trust).where(Trust.open_clause()).order_by(Trust.name)


def test_recent_trusts_are_the_practices_not_other_practices(client, factory, practice_user):
    colleague = factory.user("practice-lead", practice=practice_user.practice)
    stranger = factory.user("practice-user", practice=factory.practice("QOP", 0))
    factory.logged_report(colleague, trust_code="RJZ")
    factory.logged_report(stranger, trust_code="R0A")

    doc = page(client.get("/reports/new"))

    assert doc.xpath("//select[@name='trust_code']/optgroup[1]/option/@value") == ["RJZ"]


def test_specialty_picker_lists_recent_specialties_first(client, factory, practice_user):
    factory.logged_report(practice_user, specialty_code="330")

    doc = page(client.get("/reports/new"))

    groups = doc.xpath("//select[@name='specialty_code']/optgroup")
    assert groups[0].get("label") == "Recently used by your practice"
    assert groups[0].xpath("./option/@value") == ["330"]
    assert "Cardiology (320)" in groups[1].xpath("./option/text()")


def test_form_loads_its_script_as_a_module_with_the_nonce(client, practice_user):
    response = client.get("/reports/new")

    doc = page(response)
    script = doc.xpath("//script[contains(@src, 'js/report-form.js')]")[0]
    assert script.get("type") == "module" and script.get("nonce")
    assert script.get("nonce") in response.headers["Content-Security-Policy"]
    assert doc.xpath("//form[@data-suggest-url='/reports/suggest-category']")


@pytest.mark.parametrize("role", ["lmc-officer", "admin"])
def test_lmc_officers_and_admins_cannot_log_cases(client, login_as, role):
    login_as(role)

    assert client.get("/reports/new").status_code == 403
    assert client.post("/reports/new", data=case_form()).status_code == 403


def test_signed_out_user_is_sent_to_sign_in(client, db_session):
    response = client.get("/reports/new")

    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


# --- the triage assistant's endpoint ---------------------------------------------------------------

def test_suggest_returns_the_category_and_why(client, practice_user):
    response = client.post("/reports/suggest-category", json={"description": "Cardiology letter: GP to arrange echo"})

    assert response.status_code == 200
    body = response.get_json()
    assert body["slug"] == "investigations"
    assert body["title"] == "Asked to organise investigations"
    assert body["explanation"].startswith("Suggested because: ")
    assert "gp to arrange" in body["reasons"]
    assert body["identifier_warning"] is None


def test_suggest_accepts_form_data(client, practice_user):
    response = client.post("/reports/suggest-category", data={"description": "Patient told to ring the GP for the MRI result"})

    assert response.get_json()["slug"] == "results-follow-up"


def test_suggest_without_a_match_names_no_category(client, practice_user):
    body = client.post("/reports/suggest-category", json={"description": "hello"}).get_json()

    assert body["slug"] is None and body["title"] is None


def test_suggest_warns_about_identifiers_without_repeating_them(client, practice_user):
    body = client.post("/reports/suggest-category", json={"description": "GP to arrange echo, 943 476 5919"}).get_json()

    assert "NHS number" in body["identifier_warning"]
    assert "943" not in body["identifier_warning"]


def test_suggest_refuses_a_body_without_a_description(client, practice_user):
    assert client.post("/reports/suggest-category", json={"text": "x"}).status_code == 400
    assert client.post("/reports/suggest-category", json=["x"]).status_code == 400


def test_suggest_needs_sign_in(client, db_session):
    response = client.post("/reports/suggest-category", json={"description": "GP to arrange echo"})

    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_suggest_is_post_only(client, practice_user):
    assert client.get("/reports/suggest-category").status_code == 405


def test_suggest_is_for_practice_roles(client, login_as):
    login_as("lmc-officer")

    assert client.post("/reports/suggest-category", json={"description": "x"}).status_code == 403
