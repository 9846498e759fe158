"""Response letters: drafting from the data, editing, the identifier guard, files and permissions."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta

import pytest
from docx import Document
from sqlalchemy import select

from tracker.audit.models import AuditEvent
from tracker.categories.models import ContractReference
from tracker.privacy import generate_nhs_number

TODAY = date.today()
RECENT = TODAY - timedelta(days=20)


@pytest.fixture
def practice(factory):
    return factory.practice("QKK", 0)


@pytest.fixture
def practice_user(factory, practice, login):
    return login(factory.user("practice-user", practice=practice))


def _draft_url(report, letter_type="chasing-investigations", recipient="clinical-director"):
    return f"/evidence/letters/report/{report.id}?letter_type={letter_type}&recipient={recipient}"


def _textarea(html: str) -> str:
    start = html.index('name="body"')
    start = html.index(">", start) + 1
    return html[start:html.index("</textarea>", start)]


def test_choice_page_offers_letter_types_that_fit_the_category(client, factory, practice, practice_user):
    report = factory.report(practice, category_slug="investigations", received_on=RECENT)
    page = client.get(f"/evidence/letters/report/{report.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Chasing investigations" in html
    assert "Inappropriate prescribing request" not in html  # prescribing letters do not fit
    assert "Clinic letter asked the GP to arrange an echo" in html


def test_draft_cites_the_guidance_heading_and_the_contract_reference_with_its_year(
    client, factory, practice, practice_user
):
    report = factory.report(practice, category_slug="investigations", received_on=RECENT)
    page = client.get(_draft_url(report))
    assert page.status_code == 200
    body = _textarea(page.get_data(as_text=True))
    assert "Support in investigations" in body
    assert "Refrain from asking general practice to organise investigations" in body
    assert "NHS Standard Contract 2025/26" in body
    assert "SC11:" in body
    assert "Dear Clinical Director," in body
    assert practice.name in body  # the practice writes about its own case


def test_letter_follows_the_contract_reference_held_in_the_database(client, factory, db_session, practice, practice_user):
    report = factory.report(practice, category_slug="investigations", received_on=RECENT)
    db_session.add(ContractReference(
        category_slug="investigations", contract_year="2026/27", reference="SC11.9",
        description="Provider arranges the tests it needs (clause renumbered).",
    ))
    db_session.flush()
    body = _textarea(client.get(_draft_url(report)).get_data(as_text=True))
    assert "NHS Standard Contract 2026/27" in body
    assert "SC11.9: Provider arranges the tests it needs (clause renumbered)." in body
    assert "2025/26" not in body  # only the year in force is cited


def test_an_administrators_edit_of_the_reference_changes_the_letter(client, factory, db_session, practice, practice_user):
    report = factory.report(practice, category_slug="investigations", received_on=RECENT)
    reference = db_session.scalar(select(ContractReference).where(ContractReference.category_slug == "investigations"))
    reference.reference = "SC11.2"
    reference.description = "Edited by an administrator."
    db_session.flush()
    body = _textarea(client.get(_draft_url(report)).get_data(as_text=True))
    assert "SC11.2: Edited by an administrator." in body


def test_category_without_a_contract_reference_says_it_is_a_commissioning_matter(
    client, factory, practice, practice_user
):
    report = factory.report(practice, category_slug="pathway-gap", received_on=RECENT,
                            description="No commissioned adult ADHD pathway")
    body = _textarea(client.get(_draft_url(report, "workload-transfer-icb", "icb")).get_data(as_text=True))
    assert "commissioning matter" in body
    assert "NHS Standard Contract 2025/26" not in body
    assert "Inform the ICB and LMC" in body
    assert "Integrated Care Board" in body  # addressed to the trust's ICB


def test_draft_lists_the_case_with_date_specialty_and_description(client, factory, practice, practice_user):
    report = factory.report(practice, category_slug="investigations", received_on=date(2026, 3, 3),
                            specialty_code="320", description="Cardiology letter: GP to arrange echo")
    body = _textarea(client.get(_draft_url(report)).get_data(as_text=True))
    assert "- 3 March 2026, Cardiology: Cardiology letter: GP to arrange echo" in body


def test_recipient_must_fit_the_letter_type(client, factory, practice, practice_user):
    report = factory.report(practice, category_slug="investigations", received_on=RECENT)
    page = client.get(_draft_url(report, "chasing-investigations", "icb"))
    assert page.status_code == 200
    assert "letter goes to the trust: choose the clinical director" in page.get_data(as_text=True)


def test_letter_to_the_icb_goes_to_the_icb_whatever_recipient_was_ticked(client, factory, practice, practice_user):
    report = factory.report(practice, category_slug="investigations", received_on=RECENT)
    body = _textarea(client.get(_draft_url(report, "results-after-discharge-icb", "clinical-director")).get_data(as_text=True))
    assert "NHS South East London Integrated Care Board" in body
    assert "Dear colleagues," in body


def test_letter_type_must_fit_the_category(client, factory, practice, practice_user):
    report = factory.report(practice, category_slug="investigations", received_on=RECENT)
    page = client.get(_draft_url(report, "prescribing-request", "clinical-director"))
    assert "Choose the kind of letter from the list" in page.get_data(as_text=True)


def _download(client, report, body, file_format="docx", subject="About our cases"):
    return client.post(f"/evidence/letters/report/{report.id}", data={
        "letter_type": "chasing-investigations", "recipient": "clinical-director",
        "subject": subject, "body": body, "file_format": file_format,
    })


def test_edited_text_comes_back_in_the_word_document(client, factory, practice, practice_user):
    report = factory.report(practice, category_slug="investigations", received_on=RECENT)
    body = _textarea(client.get(_draft_url(report)).get_data(as_text=True))
    import html as html_lib

    edited = html_lib.unescape(body).replace("Yours sincerely,", "We look forward to meeting you.\n\nYours sincerely,")
    response = _download(client, report, edited, subject="Echo requests from cardiology")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="letter_RJ1_investigations_{TODAY.isoformat()}.docx"'
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "We look forward to meeting you." in text
    assert "Echo requests from cardiology" in text
    assert "Support in investigations" in text
    # The subject follows the salutation, in bold.
    paragraphs = [p for p in document.paragraphs if p.text]
    salutation = next(i for i, p in enumerate(paragraphs) if p.text.startswith("Dear "))
    assert paragraphs[salutation + 1].text == "Echo requests from cardiology"
    assert paragraphs[salutation + 1].runs[0].bold
    # Case lines become list items.
    assert any(p.style.name == "List Bullet" and "arrange an echo" in p.text for p in document.paragraphs)


def test_pdf_download_is_a_pdf(client, factory, practice, practice_user):
    report = factory.report(practice, category_slug="investigations", received_on=RECENT)
    response = _download(client, report, "Dear Clinical Director,\n\nPlease arrange the echo.\n\nYours sincerely,",
                         file_format="pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert len(response.data) > 1000


def test_identifier_in_edited_text_blocks_the_download_and_keeps_the_text(
    client, factory, db_session, practice, practice_user
):
    report = factory.report(practice, category_slug="investigations", received_on=RECENT)
    nhs_number = generate_nhs_number(random.Random(7))
    body = f"Dear Clinical Director,\n\nThe patient ({nhs_number}) needs an echo.\n\nMy own words stay here."
    response = _download(client, report, body)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Letter contains what looks like an NHS number" in html
    assert "My own words stay here." in html
    assert nhs_number in _textarea(html)  # kept for the writer to remove, never stored
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "letter.generated")) is None


def test_empty_letter_is_refused_with_a_message(client, factory, practice, practice_user):
    report = factory.report(practice, category_slug="investigations", received_on=RECENT)
    response = _download(client, report, "   ")
    assert "Enter the text of the letter" in response.get_data(as_text=True)


def test_download_records_an_audit_event_with_codes_only(client, factory, db_session, practice, practice_user):
    report = factory.report(practice, category_slug="investigations", received_on=RECENT)
    _download(client, report, "Dear Clinical Director,\n\nPlease arrange the echo.", file_format="pdf")
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "letter.generated"))
    assert event.object_type == "report" and event.object_id == report.id
    assert event.details == {
        "letter_type": "chasing-investigations", "recipient": "clinical-director", "report_count": 1,
        "file_format": "pdf", "category": "investigations",
    }


# --- permissions ---------------------------------------------------------------------------


def test_practice_user_cannot_letter_another_practices_report(client, factory, practice, practice_user):
    other = factory.report(factory.practice("QOP", 0), category_slug="investigations", received_on=RECENT)
    assert client.get(f"/evidence/letters/report/{other.id}").status_code == 404
    assert _download(client, other, "Dear team,\n\nText.").status_code == 404


def test_withdrawn_report_cannot_be_lettered(client, factory, practice, practice_user):
    report = factory.report(practice, received_on=RECENT, withdrawn=True)
    assert client.get(f"/evidence/letters/report/{report.id}").status_code == 404


def test_administrator_cannot_write_letters(client, factory, login_as):
    report = factory.report(factory.practice("QKK", 0), received_on=RECENT)
    login_as("admin")
    assert client.get(f"/evidence/letters/report/{report.id}").status_code == 403
    assert client.get("/evidence/letters/set").status_code == 403


def test_signed_out_visitor_is_sent_to_sign_in(client, factory):
    report = factory.report(factory.practice("QKK", 0), received_on=RECENT)
    response = client.get(f"/evidence/letters/report/{report.id}")
    assert response.status_code == 302
    assert "sign-in" in response.headers["Location"] or "sign_in" in response.headers["Location"]


# --- letters about a set of cases ----------------------------------------------------------


@pytest.fixture
def lmc_officer(factory, login):
    lmc = factory.lmc(icb_codes=("QKK",))
    return login(factory.user("lmc-officer", lmc=lmc))


def _set_url(**args):
    defaults = {"trust": "RJ1", "category": "investigations",
                "from": (TODAY - timedelta(days=90)).isoformat(), "to": TODAY.isoformat()}
    defaults.update(args)
    return "/evidence/letters/set?" + "&".join(f"{k}={v}" for k, v in defaults.items())


def test_lmc_set_letter_lists_cases_from_its_practices_without_their_names(client, factory, lmc_officer):
    first, second = factory.practice("QKK", 0), factory.practice("QKK", 1)
    factory.report(first, received_on=TODAY - timedelta(days=10), description="Asked to arrange a Holter monitor")
    factory.report(second, received_on=TODAY - timedelta(days=5), description="Asked to book an echo")
    factory.report(second, received_on=TODAY - timedelta(days=4), description="Withdrawn one", withdrawn=True)
    factory.report(second, received_on=TODAY - timedelta(days=200), description="Too old for the period")
    factory.report(second, received_on=TODAY - timedelta(days=3), category_slug="fit-notes",
                   description="Another category")
    page = client.get(_set_url(letter_type="chasing-investigations", recipient="contracts-team"))
    assert page.status_code == 200
    body = _textarea(page.get_data(as_text=True))
    assert "Practices we represent logged 2 cases between" in body
    assert "Asked to arrange a Holter monitor" in body and "Asked to book an echo" in body
    for absent in ("Withdrawn one", "Too old for the period", "Another category", first.name, second.name):
        assert absent not in body
    assert body.index("Asked to book an echo") < body.index("Asked to arrange a Holter monitor")  # newest first
    assert lmc_officer.lmc.name in body


def test_set_letter_download_audits_the_trust_and_the_count(client, factory, db_session, lmc_officer):
    factory.report(factory.practice("QKK", 0), received_on=TODAY - timedelta(days=10))
    factory.report(factory.practice("QKK", 1), received_on=TODAY - timedelta(days=8))
    response = client.post(_set_url(), data={
        "letter_type": "workload-transfer-icb", "recipient": "icb", "subject": "Work from the trust",
        "body": "Dear colleagues,\n\nThe cases.", "file_format": "docx",
    })
    assert response.status_code == 200
    assert 'filename="letter_RJ1_investigations_' in response.headers["Content-Disposition"]
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "letter.generated"))
    assert event.object_type == "trust" and event.details["report_count"] == 2
    assert event.details["recipient"] == "icb"


def test_lmc_officer_cannot_letter_another_lmcs_practices_reports(client, factory, lmc_officer):
    outside = factory.practice("QOP", 0)  # an ICB the LMC does not cover
    report = factory.report(outside, trust="R0A", received_on=TODAY - timedelta(days=10))
    assert client.get(f"/evidence/letters/report/{report.id}").status_code == 404
    page = client.get(_set_url(trust="R0A", letter_type="chasing-investigations", recipient="clinical-director"))
    html = page.get_data(as_text=True)
    assert "Choose a trust from the list" in html
    assert "Clinic letter asked the GP" not in html
    response = client.post(_set_url(trust="R0A"), data={
        "letter_type": "chasing-investigations", "recipient": "clinical-director", "subject": "S",
        "body": "Dear team,\n\nText.", "file_format": "docx",
    })
    assert response.mimetype == "text/html"  # no file


def test_set_with_no_cases_in_the_period_says_so(client, factory, lmc_officer):
    factory.report(factory.practice("QKK", 0), received_on=TODAY - timedelta(days=200))
    page = client.get(_set_url())
    assert "No cases from" in page.get_data(as_text=True)


def test_set_start_page_lists_trusts_with_cases_in_scope(client, factory, lmc_officer):
    factory.report(factory.practice("QKK", 0), trust="RJ1", received_on=RECENT)
    factory.report(factory.practice("QOP", 0), trust="R0A", received_on=RECENT)
    html = client.get("/evidence/letters/set").get_data(as_text=True)
    assert 'value="RJ1"' in html
    assert 'value="R0A"' not in html


def test_set_page_explains_a_bad_date(client, factory, lmc_officer):
    factory.report(factory.practice("QKK", 0), received_on=RECENT)
    html = client.get(_set_url(**{"from": "31/02/2026"})).get_data(as_text=True)
    assert "Start date must be a real date" in html
    assert "31/02/2026" in html


def test_practice_user_set_letter_covers_only_their_practice(client, factory, practice, practice_user):
    factory.report(practice, received_on=TODAY - timedelta(days=10), description="Ours")
    factory.report(factory.practice("QKK", 1), received_on=TODAY - timedelta(days=10), description="Theirs")
    body = _textarea(client.get(_set_url(letter_type="chasing-investigations", recipient="pals")).get_data(as_text=True))
    assert "Our practice logged one case between" in body
    assert "Ours" in body and "Theirs" not in body
    assert "Dear PALS team," in body


@pytest.mark.parametrize(("role", "sees_packs"), [("practice-user", False), ("practice-lead", True), ("lmc-officer", True)])
def test_evidence_page_offers_what_the_role_may_do(client, login_as, role, sees_packs):
    login_as(role)
    html = client.get("/evidence/").get_data(as_text=True)
    assert "Write a letter about a set of cases" in html
    assert ("Make an evidence pack" in html) is sees_packs
