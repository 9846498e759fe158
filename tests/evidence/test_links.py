"""The pages that lead to letters and evidence packs."""

from datetime import date, timedelta


def test_report_page_offers_a_letter_about_the_case(client, factory, login):
    user = login(factory.user("practice-user"))
    report = factory.logged_report(user)
    page = client.get(f"/reports/{report.id}").text
    assert f"/evidence/letters/report/{report.id}" in page


def test_trust_summary_offers_an_evidence_pack_for_its_trust_and_period(client, factory, login):
    lead = login(factory.user("practice-lead"))
    factory.report(lead.practice, trust="RJ1", received_on=date.today().replace(day=1) - timedelta(days=20))
    page = client.get("/summaries/trusts/RJ1").text
    assert "/evidence/pack?trust=RJ1" in page
    assert "Make an evidence pack for this trust and period" in page


def test_navigation_offers_letters_and_evidence_to_practice_staff(client, login_as):
    login_as("practice-user")
    assert "Letters and evidence" in client.get("/home").text


def test_pack_link_from_a_trust_page_fills_the_form_in_without_downloading(client, factory, login):
    lead = login(factory.user("practice-lead"))
    factory.report(lead.practice, trust="RJ1", received_on=date.today().replace(day=1) - timedelta(days=20))
    response = client.get("/evidence/pack?trust=RJ1&from=01/11/2025&to=31/10/2026")
    assert response.status_code == 200
    assert 'value="RJ1" checked' in response.text
