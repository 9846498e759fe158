"""Evidence packs: PDF, XLSX and CSV read back against hand-counted fixtures."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from flask import render_template
from sqlalchemy import select

from tracker.audit.models import AuditEvent
from tracker.cells import safe_cell
from tracker.evidence.methodology import methodology
from tracker.evidence.pack import build_pack
from tracker.evidence.pack_files import CATEGORY_HEADER, CSV_HEADER, EXAMPLE_HEADER, MONTH_HEADER, SUMMARY_HEADER
from tracker.summaries.periods import Period
from tracker.summaries.scope import SummaryScope

PERIOD = "from=2025-11-01&to=2026-10-31"
STEM = "2025-11-01_to_2026-10-31_generated-" + date.today().isoformat()
INJECTION = '=HYPERLINK("http://example.com","click")'


@pytest.fixture
def world(factory):
    """Two practices of one LMC, reports with two trusts, and reports that must not count."""
    lmc = factory.lmc(icb_codes=("QKK",))
    first, second = factory.practice("QKK", 0), factory.practice("QKK", 1)
    factory.report(first, received_on=date(2026, 1, 10), description="Asked to arrange an echo", minutes={"gp": 30})
    factory.report(first, received_on=date(2026, 3, 5), description="Asked to arrange a Holter monitor")
    factory.report(first, received_on=date(2026, 3, 20), category_slug="fit-notes", specialty_code="110",
                   description="No fit note after hip replacement", minutes={"admin": 60})
    factory.report(second, received_on=date(2026, 2, 14), description=INJECTION)
    # None of these count:
    factory.report(second, received_on=date(2026, 2, 15), description="Logged twice", withdrawn=True)
    factory.report(second, received_on=date(2024, 6, 1), description="Before the period")
    factory.report(factory.practice("QOP", 0), received_on=date(2026, 2, 1), description="Another LMC's practice")
    # A second trust.
    factory.report(first, trust="RJZ", category_slug="prescribing", received_on=date(2026, 4, 2),
                   description="Three days of a new drug")
    return {"lmc": lmc, "first": first, "second": second}


@pytest.fixture
def officer(world, factory, login):
    return login(factory.user("lmc-officer", lmc=world["lmc"]))


def _rows(sheet) -> list[tuple]:
    return [row for row in sheet.iter_rows(values_only=True)]


def _table(sheet, header) -> list[dict]:
    """The rows under ``header`` (found wherever it starts) as dicts, up to the first blank row."""
    rows = _rows(sheet)
    start = next(i for i, row in enumerate(rows) if row[: len(header)] == header)
    result = []
    for row in rows[start + 1:]:
        if row[0] is None:
            break
        result.append(dict(zip(header, row)))
    return result


# --- the form ------------------------------------------------------------------------------


def test_pack_form_offers_the_trusts_in_scope_and_the_last_twelve_whole_months(client, officer):
    html = client.get("/evidence/pack").get_data(as_text=True)
    assert 'value="RJ1"' in html and 'value="RJZ"' in html
    assert 'value="R0A"' not in html
    today = date.today()
    first_of_month = today.replace(day=1)
    assert f'value="{first_of_month.replace(year=first_of_month.year - 1).isoformat()}"' in html


def test_pack_form_sends_the_choice_to_the_download(client, officer):
    response = client.get(f"/evidence/pack?trust=RJ1&{PERIOD}&format=xlsx")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/evidence/pack/xlsx?")
    assert "trust=RJ1" in response.headers["Location"]


def test_pack_form_explains_bad_input_and_keeps_it(client, officer):
    html = client.get("/evidence/pack?trust=RJ1&from=31/13/2025&to=2026-10-31").get_data(as_text=True)
    assert "The first date must be a real date" in html
    assert 'value="31/13/2025"' in html
    html = client.get(f"/evidence/pack?{PERIOD}&format=pdf").get_data(as_text=True)  # nothing ticked
    assert "Choose at least one trust" in html


# --- PDF -----------------------------------------------------------------------------------


def test_pdf_pack_is_a_pdf_named_by_trust_period_and_date(client, officer):
    response = client.get(f"/evidence/pack/pdf?trust=RJ1&{PERIOD}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="evidence-pack_RJ1_{STEM}.pdf"'
    assert response.data.startswith(b"%PDF")


def test_pack_for_several_trusts_is_named_multiple_trusts(client, officer):
    response = client.get(f"/evidence/pack/xlsx?trust=RJ1&trust=RJZ&{PERIOD}")
    assert response.headers["Content-Disposition"] == f'attachment; filename="evidence-pack_multiple-trusts_{STEM}.xlsx"'


def _pack_html(app, world, include_names=False) -> str:
    from tracker.extensions import db
    from tracker.organisations.models import Trust

    trust = db.session.scalar(select(Trust).where(Trust.ods_code == "RJ1"))
    with app.test_request_context():
        pack = build_pack(SummaryScope.for_lmc(world["lmc"]), [trust], Period(date(2025, 11, 1), date(2026, 10, 31)),
                          include_names=include_names)
        from tracker.evidence.pack_files import scope_line

        return render_template(
            "evidence/pdf/pack.html", pack=pack, scope_line=scope_line(pack),
            notes=methodology(pack.hourly_rates, scope_is_lmc=True, include_names=include_names), roles=[],
        )


def test_pdf_contents_cite_guidance_contract_year_examples_and_method(app, db_session, world):
    html = _pack_html(app, world)
    assert "1 November 2025 to 31 October 2026" in html
    assert "2 practices logged cases with this trust, of the" in html
    assert "Support in investigations" in html
    assert "NHS Standard Contract 2025/26: SC11" in html
    assert "Asked to arrange a Holter monitor" in html  # an example
    assert "Logged twice" not in html and "Before the period" not in html and "Another LMC" not in html
    assert world["first"].name not in html and world["second"].name not in html
    assert html.count("<svg") == 3  # the trust's months, then its two categories
    assert "GP £98, nurse £42, pharmacist £50 and admin staff £18 an hour" in html
    assert "withdrew" in html


def test_pdf_names_practices_only_when_asked(app, db_session, world):
    html = _pack_html(app, world, include_names=True)
    assert world["first"].name in html and world["second"].name in html


def test_examples_are_capped_per_category(app, db_session, world, factory):
    for day in range(1, 7):
        factory.report(world["first"], received_on=date(2026, 5, day), description=f"Extra case {day}")
    html = _pack_html(app, world)
    assert "Extra case 6" in html and "Extra case 4" in html
    assert "Extra case 3" not in html  # three most recent investigations only


# --- XLSX ----------------------------------------------------------------------------------


def _workbook(client, query=f"trust=RJ1&{PERIOD}"):
    response = client.get(f"/evidence/pack/xlsx?{query}")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.data))


def test_xlsx_has_the_five_sheets_with_their_headers(client, officer):
    book = _workbook(client)
    assert book.sheetnames == ["Summary", "By category", "By month", "By specialty", "Examples"]
    assert _rows(book["By category"])[0] == CATEGORY_HEADER
    assert _rows(book["By month"])[0] == MONTH_HEADER
    assert _rows(book["Examples"])[0] == EXAMPLE_HEADER


def test_xlsx_figures_match_the_hand_counts(client, officer):
    book = _workbook(client)
    summary = _table(book["Summary"], SUMMARY_HEADER)
    assert len(summary) == 1
    assert summary[0]["Trust code"] == "RJ1"
    assert summary[0]["Reports"] == 4
    assert summary[0]["Practices reporting"] == 2
    assert summary[0]["Staff hours"] == 1.5
    assert summary[0]["Estimated staff cost (£)"] == pytest.approx(30 / 60 * 98 + 60 / 60 * 18)
    assert summary[0]["Top category"] == "Asked to organise investigations"

    categories = {row["Category"]: row for row in _table(book["By category"], CATEGORY_HEADER)}
    assert categories["investigations"]["Reports"] == 3
    assert categories["fit-notes"]["Reports"] == 1
    assert categories["prescribing"]["Reports"] == 0  # that one is RJZ's
    assert categories["investigations"]["Guidance heading"] == "Support in investigations"
    assert categories["investigations"]["Contract references"] == "SC11"
    assert categories["investigations"]["Contract year"] == "2025/26"

    months = {row["Month"]: row["Reports"] for row in _table(book["By month"], MONTH_HEADER)}
    assert len(months) == 12
    assert months["2026-01"] == 1 and months["2026-02"] == 1 and months["2026-03"] == 2 and months["2025-11"] == 0

    specialties = {row["Specialty code"]: row["Reports"] for row in _table(book["By specialty"], ("Trust code", "Trust", "Specialty code", "Specialty", "Reports"))}
    assert specialties == {"320": 3, "110": 1}


def test_xlsx_totals_several_trusts(client, officer):
    summary = _table(_workbook(client, f"trust=RJ1&trust=RJZ&{PERIOD}")["Summary"], SUMMARY_HEADER)
    assert [row["Trust code"] for row in summary] == ["RJ1", "RJZ", "All"]
    assert summary[-1]["Reports"] == 5


def test_xlsx_cells_are_protected_from_formula_injection(client, officer):
    examples = _table(_workbook(client)["Examples"], EXAMPLE_HEADER)
    descriptions = [row["Description"] for row in examples]
    assert "'" + INJECTION in descriptions
    assert not any(d.startswith("=") for d in descriptions)


# --- CSV -----------------------------------------------------------------------------------


def _csv(client, query=f"trust=RJ1&{PERIOD}") -> list[dict]:
    response = client.get(f"/evidence/pack/csv?{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    reader = csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")))
    assert tuple(reader.fieldnames) == CSV_HEADER
    return list(reader)


def test_csv_has_one_row_per_report_in_scope_without_practice_names(client, officer, world):
    rows = _csv(client)
    assert len(rows) == 4  # withdrawn, earlier and other-LMC reports left out
    assert {row["trust_code"] for row in rows} == {"RJ1"}
    practices = {row["practice"] for row in rows}
    assert practices == {"Practice 1", "Practice 2"}
    text = "\n".join(",".join(row.values()) for row in rows)
    assert world["first"].name not in text and "Logged twice" not in text


def test_csv_names_practices_when_asked(client, officer, world):
    rows = _csv(client, f"trust=RJ1&{PERIOD}&names=yes")
    assert {row["practice"] for row in rows} == {world["first"].name, world["second"].name}


def test_csv_protects_against_formula_injection(client, officer):
    rows = _csv(client)
    assert "'" + INJECTION in [row["description"] for row in rows]


def test_safe_cell_prefixes_only_text_that_a_spreadsheet_would_run():
    for risky in ("=1+1", "+44 20", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(risky) == "'" + risky
    assert safe_cell("Echo requested") == "Echo requested"
    assert safe_cell(-2) == -2
    assert safe_cell(None) is None


# --- who may make a pack -------------------------------------------------------------------


def test_every_download_is_audited_with_codes_only(client, officer, db_session):
    for kind in ("pdf", "xlsx", "csv"):
        client.get(f"/evidence/pack/{kind}?trust=RJ1&{PERIOD}")
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "evidence_pack.downloaded")).all()
    assert [e.details["file_format"] for e in events] == ["pdf", "xlsx", "csv"]
    assert events[0].details["report_count"] == 4
    assert events[0].details["trust"] == "RJ1"
    assert events[0].details["include_names"] is False


def test_lmc_officer_cannot_make_a_pack_of_another_lmcs_trusts(client, officer, db_session):
    response = client.get(f"/evidence/pack/csv?trust=R0A&{PERIOD}")
    assert response.mimetype == "text/html"
    assert "Choose trusts from the list" in response.get_data(as_text=True)


def test_other_lmcs_officer_sees_none_of_these_reports(client, world, factory, login):
    other = factory.lmc(icb_codes=("QOP",))
    login(factory.user("lmc-officer", lmc=other))
    rows = _csv(client, f"trust=RJ1&{PERIOD}")
    assert [row["description"] for row in rows] == ["Another LMC's practice"]


def test_practice_lead_makes_a_pack_of_their_own_practice(client, world, factory, login):
    login(factory.user("practice-lead", practice=world["second"]))
    rows = _csv(client)
    assert [row["description"] for row in rows] == ["'" + INJECTION]


@pytest.mark.parametrize("role", ["practice-user", "admin"])
def test_roles_without_pack_permission_are_refused(client, login_as, role):
    login_as(role)
    assert client.get("/evidence/pack").status_code == 403
    assert client.get(f"/evidence/pack/pdf?trust=RJ1&{PERIOD}").status_code == 403
