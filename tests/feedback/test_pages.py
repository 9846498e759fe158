"""The officer's pages: dashboard, raising, the raise page; who may see what.

Views roll back when a service refuses input; the tests commit their data first (to the
test's savepoint, still rolled back at the end) so that it survives that rollback.
"""

from datetime import date
from html import unescape

import pytest
from flask import render_template_string
from sqlalchemy import func, select

from tracker.feedback import services
from tracker.feedback.models import TrustRaise
from tracker.reports.models import Status

LONG_AGO = date(2025, 1, 6)  # any raise from then without a reply is overdue


def _old_raise(factory, world, **changes):
    report = factory.report(world.practice, received_on=date(2025, 1, 2))
    arguments = dict(lmc=world.lmc, trust=world.trust, reports=[report], raised_on=LONG_AGO, contact="contracts-team",
                     contact_detail="Contracts team", document_sent="Evidence pack, December 2024", user=world.officer)
    arguments.update(changes)
    return services.raise_with_trust(**arguments, today=date(2025, 1, 6))


def _raise_form(report_ids, **changes):
    data = {"report_id": [str(i) for i in report_ids], "raised_on": date.today().isoformat(),
            "contact": "clinical-director", "contact_detail": "Clinical director for surgery",
            "document_sent": "Letter about investigations"}
    data.update(changes)
    return data


def _raise_count(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(TrustRaise))


# --- who may see what ----------------------------------------------------------------------

PAGES = ["/feedback", "/feedback/raise"]


@pytest.mark.parametrize("role", ["practice-user", "practice-lead", "admin"])
@pytest.mark.parametrize("path", PAGES)
def test_only_lmc_officers_open_the_feedback_pages(client, login_as, role, path):
    login_as(role)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_practice_users_cannot_open_or_reply_to_a_raise(client, factory, world, login, db_session):
    trust_raise = _old_raise(factory, world)
    db_session.commit()
    login(world.practice_user)
    assert client.get(f"/feedback/raises/{trust_raise.id}").status_code == 403
    assert client.post(f"/feedback/raises/{trust_raise.id}/reply", data={}).status_code == 403
    assert client.post(f"/feedback/raises/{trust_raise.id}/close").status_code == 403


def test_another_lmcs_officer_gets_not_found_for_a_raise(client, factory, world, login, db_session):
    trust_raise = _old_raise(factory, world)
    db_session.commit()
    login(world.other_officer)
    assert client.get(f"/feedback/raises/{trust_raise.id}").status_code == 404
    reply = {"received_on": date.today().isoformat(), "summary": "Reply", "outcome": "accepted"}
    assert client.post(f"/feedback/raises/{trust_raise.id}/reply", data=reply).status_code == 404
    assert client.post(f"/feedback/raises/{trust_raise.id}/close").status_code == 404
    assert trust_raise.reply is None
    assert world.trust.name not in unescape(client.get("/feedback").text)


def test_an_officer_cannot_raise_another_lmcs_reports_by_posting_their_ids(client, factory, world, login, db_session):
    outside = factory.report(world.outside_practice)
    db_session.commit()
    login(world.officer)
    response = client.post("/feedback/raise?trust=RJ1", data=_raise_form([outside.id]))
    assert response.status_code == 200
    assert "1 of the chosen reports is not from practices your LMC covers" in unescape(response.text)
    assert world.outside_practice.name not in unescape(response.text)
    assert _raise_count(db_session) == 0
    assert outside.status is Status.LOGGED


def test_another_lmcs_reports_are_never_listed(client, factory, world, login):
    factory.report(world.outside_practice, description="Outside report about an echo")
    login(world.officer)
    assert "RJ1" not in unescape(client.get("/feedback/raise").text)
    page = unescape(client.get("/feedback/raise?trust=RJ1&practices=show").text)
    assert "Outside report about an echo" not in page
    assert world.outside_practice.name not in page


# --- the dashboard ----------------------------------------------------------------------------


def test_dashboard_shows_overdue_raises_standing_out(client, factory, world, login, db_session):
    _old_raise(factory, world)
    db_session.commit()
    login(world.officer)
    page = unescape(client.get("/feedback").text)
    assert 'nhsuk-tag nhsuk-tag--red">Overdue' in page
    assert "working days overdue" in page
    assert world.trust.name in page


def test_dashboard_says_when_nothing_was_raised(client, world, login):
    login(world.officer)
    assert "You have not raised any reports with a trust yet." in unescape(client.get("/feedback").text)


# --- raising ------------------------------------------------------------------------------------


def test_the_raise_page_lists_trusts_then_reports_without_practice_names(client, factory, world, login):
    factory.report(world.practice, description="Cardiology asked us to arrange an echo")
    login(world.officer)
    first = unescape(client.get("/feedback/raise").text)
    assert f"{world.trust.name} (1 to raise)" in first
    second = unescape(client.get("/feedback/raise?trust=RJ1").text)
    assert "Cardiology asked us to arrange an echo" in second
    assert world.practice.name not in second
    shown = unescape(client.get("/feedback/raise?trust=RJ1&practices=show").text)
    assert world.practice.name in shown


def test_tick_all_ticks_every_listed_report(client, factory, world, login):
    reports = [factory.report(world.practice) for _ in range(2)]
    login(world.officer)
    page = unescape(client.get("/feedback/raise?trust=RJ1&tick=all").text)
    for report in reports:
        assert f'value="{report.id}" checked' in page


def test_bad_filters_say_how_to_fix_them(client, world, login):
    login(world.officer)
    page = unescape(client.get("/feedback/raise?trust=XXXX&from=32/13/2026").text)
    assert "Choose a trust from the list" in page
    assert "Start of the period must be a real date, like 1/10/2026" in page


def test_raising_moves_reports_on_and_the_practice_sees_it(client, factory, world, login, db_session):
    report = factory.report(world.practice)
    db_session.commit()
    login(world.officer)
    response = client.post("/feedback/raise?trust=RJ1", data=_raise_form([report.id]))
    assert response.status_code == 302
    trust_raise = db_session.scalar(select(TrustRaise))
    assert response.headers["Location"].endswith(f"/feedback/raises/{trust_raise.id}")
    assert trust_raise.reports == [report] and trust_raise.lmc_id == world.lmc.id
    db_session.refresh(report)
    assert report.status is Status.RAISED

    page = unescape(client.get(response.headers["Location"]).text)
    assert "Raised 1 report with" in page and "Awaiting reply" in page
    assert "Record the trust's reply" in page


def test_an_identifier_in_the_contact_detail_is_blocked_keeping_what_was_typed(client, factory, world, login,
                                                                             db_session):
    report = factory.report(world.practice)
    db_session.commit()
    login(world.officer)
    response = client.post("/feedback/raise?trust=RJ1", data=_raise_form(
        [report.id], contact_detail="jo.bloggs@example.com", document_sent="Letter about fit notes"))
    assert response.status_code == 200
    assert "Contact detail contains what looks like an email address" in unescape(response.text)
    assert "There is a problem" in unescape(response.text)
    assert 'value="Letter about fit notes"' in unescape(response.text)
    assert f'value="{report.id}" checked' in unescape(response.text)
    assert _raise_count(db_session) == 0
    db_session.refresh(report)
    assert report.status is Status.LOGGED


def test_raising_an_already_raised_report_says_so(client, factory, world, login, db_session):
    trust_raise = _old_raise(factory, world)
    db_session.commit()
    login(world.officer)
    response = client.post("/feedback/raise?trust=RJ1", data=_raise_form([trust_raise.reports[0].id]))
    assert "was already raised with the trust on 6 January 2025. Untick it" in unescape(response.text)
    assert _raise_count(db_session) == 1


def test_raising_a_report_of_another_trust_says_so(client, factory, world, login, db_session):
    report = factory.report(world.practice, trust=world.other_trust)
    db_session.commit()
    login(world.officer)
    response = client.post("/feedback/raise?trust=RJ1", data=_raise_form([report.id]))
    assert f"is about another provider, not {world.trust.name}. Untick it" in unescape(response.text)
    assert _raise_count(db_session) == 0


def test_a_future_raise_date_is_refused(client, factory, world, login, db_session):
    report = factory.report(world.practice)
    db_session.commit()
    login(world.officer)
    response = client.post("/feedback/raise?trust=RJ1", data=_raise_form([report.id], raised_on="2099-01-01"))
    assert "Date raised must be today or in the past" in unescape(response.text)
    assert _raise_count(db_session) == 0


def test_an_unreadable_raise_date_is_refused(client, factory, world, login, db_session):
    report = factory.report(world.practice)
    db_session.commit()
    login(world.officer)
    response = client.post("/feedback/raise?trust=RJ1", data=_raise_form([report.id], raised_on="last week"))
    assert "Date raised must be a real date, like 21/11/2026" in unescape(response.text)
    assert 'value="last week"' in unescape(response.text)
    assert _raise_count(db_session) == 0


# --- reply and close ----------------------------------------------------------------------------


def test_recording_the_reply_then_closing(client, factory, world, login, db_session):
    trust_raise = _old_raise(factory, world)
    report = trust_raise.reports[0]
    db_session.commit()
    login(world.officer)
    response = client.post(f"/feedback/raises/{trust_raise.id}/reply", data={
        "received_on": "2025-01-31", "summary": "The trust will stop asking GPs to arrange echoes.",
        "outcome": "accepted"})
    assert response.status_code == 302
    db_session.refresh(report)
    assert report.status is Status.RESPONDED
    page = unescape(client.get(f"/feedback/raises/{trust_raise.id}").text)
    assert "The trust will stop asking GPs to arrange echoes." in page
    assert "replied 9 working days late" in page  # due 20 January 2025

    assert client.post(f"/feedback/raises/{trust_raise.id}/close").status_code == 302
    db_session.refresh(report)
    assert report.status is Status.CLOSED
    assert "Closed" in unescape(client.get(f"/feedback/raises/{trust_raise.id}").text)


def test_a_reply_with_problems_is_shown_again_with_messages(client, factory, world, login, db_session):
    trust_raise = _old_raise(factory, world)
    db_session.commit()
    login(world.officer)
    response = client.post(f"/feedback/raises/{trust_raise.id}/reply", data={
        "received_on": "2025-01-31", "summary": "Seen, NHS number 943 476 5919", "outcome": ""})
    assert response.status_code == 200
    assert "Summary of the reply contains what looks like an NHS number" in unescape(response.text)
    assert "Choose the outcome of the reply" in unescape(response.text)
    assert trust_raise.reply is None


def test_closing_before_a_reply_says_what_to_do(client, factory, world, login, db_session):
    trust_raise = _old_raise(factory, world)
    db_session.commit()
    login(world.officer)
    response = client.post(f"/feedback/raises/{trust_raise.id}/close", follow_redirects=True)
    assert "Record the trust's reply before closing" in unescape(response.text)
    assert trust_raise.reports[0].status is Status.RAISED


# --- the partials other pages include -----------------------------------------------------------


def test_the_practice_report_partial_says_raised_with_the_trust(app, factory, world, db_session):
    trust_raise = _old_raise(factory, world)
    with app.test_request_context():
        html = unescape(render_template_string('{% include "feedback/_report_status.html" %}',
                                               report=trust_raise.reports[0]))
    assert f"Raised with {world.trust.name} on 6 January 2025 by your LMC ({world.lmc.name})" in html
    assert "reply due 20 January 2025" in html
    assert "Overdue" in html


def test_the_practice_report_partial_is_empty_for_a_report_never_raised(app, factory, world):
    report = factory.report(world.practice)
    with app.test_request_context():
        html = render_template_string('{% include "feedback/_report_status.html" %}', report=report)
    assert html.strip() == ""


def test_the_trust_summary_partial_counts_the_lmcs_raises(app, factory, world):
    _old_raise(factory, world)
    with app.test_request_context():
        html = unescape(render_template_string('{% include "feedback/_trust_status.html" %}', trust=world.trust,
                                               lmc=world.lmc))
        other = render_template_string('{% include "feedback/_trust_status.html" %}', trust=world.trust,
                                       lmc=world.other_lmc)
    assert "Raised with this trust" in html and "past the 10 working days" in html
    assert "Your LMC has not raised any reports with this trust yet." in other


# --- forged input -------------------------------------------------------------------------------


def test_ids_that_are_not_reports_are_refused_without_an_error_page(client, factory, world, login, db_session):
    report = factory.report(world.practice)
    db_session.commit()
    login(world.officer)
    response = client.post("/feedback/raise?trust=RJ1",
                           data=_raise_form([report.id, "abc", "99999999999999999999", 2147483000]))
    assert response.status_code == 200
    assert "Choose reports from the list" in unescape(response.text)
    assert _raise_count(db_session) == 0


def test_a_raise_id_too_large_to_exist_is_not_found(client, world, login):
    login(world.officer)
    assert client.get("/feedback/raises/99999999999999999999").status_code == 404
