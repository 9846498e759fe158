"""The summary pages: who may see them, what scope they show, drill-down and CSV export."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from markupsafe import escape

PERIOD_ARGS = "period=custom&from=2026-01-01&to=2026-03-31"
PAGES = ["/summaries", "/summaries/trusts/RJ1", "/summaries/reports", "/summaries/reports.csv"]


def reports_shown(page_text: str) -> int:
    match = re.search(r"(\d+) reports?, newest first", page_text)
    assert match, "the drill-down says how many reports it lists"
    return int(match.group(1))


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role", ["practice-user", "admin"])
@pytest.mark.parametrize("path", PAGES)
def test_roles_without_a_summary_permission_get_403(client, login_as, role, path):
    login_as(role)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_lmc_officers_and_practice_leads_open_the_pages(client, login_as, path):
    login_as("lmc-officer")
    assert client.get(path).status_code == 200
    login_as("practice-lead")
    assert client.get(path).status_code == 200


def test_navigation_links_to_trust_summaries_for_an_lmc_officer(client, login_as):
    login_as("lmc-officer")
    assert 'href="/summaries"' in client.get("/home").text


def test_index_ranks_trusts_and_lists_independent_providers(client, login, factory, world):
    login(factory.user("lmc-officer", lmc=world.home_lmc))
    page = client.get(f"/summaries?{PERIOD_ARGS}").text
    assert page.index(escape(world.rj1.name)) < page.index(escape(world.rjz.name))
    assert "Independent providers" in page and "Spire Healthcare" in page
    assert "+2 (+100%)" in page  # RJ1: 4 against 2
    assert escape(world.practice_c.name) not in page


def test_trust_page_shows_headline_figures_and_change(client, login, factory, world, app):
    login(factory.user("lmc-officer", lmc=world.home_lmc))
    page = client.get(f"/summaries/trusts/RJ1?{PERIOD_ARGS}").text
    assert re.search(r'tracker-figure__value" href="[^"]+">4</a>', page)
    assert "+2 (+100%) on the previous period" in page
    assert "Support in investigations" in page  # the guidance heading beside the category
    rates = app.config["HOURLY_RATES"]
    cost = 45 / 60 * rates["gp"] + 60 / 60 * rates["nurse"] + 12 / 60 * rates["pharmacist"] + 30 / 60 * rates["admin"]
    assert f"£{cost:,.0f}" in page


def test_another_lmcs_trust_page_shows_only_its_own_practices(client, login, factory, world):
    login(factory.user("lmc-officer", lmc=world.away_lmc))
    page = client.get(f"/summaries/trusts/RJ1?{PERIOD_ARGS}").text
    assert re.search(r'tracker-figure__value" href="[^"]+">1</a>', page)
    drill = client.get(f"/summaries/reports?trust=RJ1&{PERIOD_ARGS}").text
    assert reports_shown(drill) == 1
    assert "Other LMC&#39;s report" in drill
    assert "Cardiology asked GP to arrange an echo" not in drill


def test_lmc_officer_drill_down_never_shows_another_lmcs_reports(client, login, factory, world):
    login(factory.user("lmc-officer", lmc=world.home_lmc))
    drill = client.get(f"/summaries/reports?{PERIOD_ARGS}&show_practices=1").text
    assert reports_shown(drill) == 7  # r1-r7
    assert "Other LMC&#39;s report" not in drill
    assert escape(world.practice_c.name) not in drill


def test_drill_down_hides_practice_names_until_asked(client, login, factory, world):
    login(factory.user("lmc-officer", lmc=world.home_lmc))
    hidden = client.get(f"/summaries/reports?trust=RJ1&{PERIOD_ARGS}").text
    assert reports_shown(hidden) == 4
    assert escape(world.practice_a.name) not in hidden and escape(world.practice_b.name) not in hidden
    assert "Practice 1" in hidden and "Practice 2" in hidden
    assert "Show practice names" in hidden
    shown = client.get(f"/summaries/reports?trust=RJ1&{PERIOD_ARGS}&show_practices=1").text
    assert escape(world.practice_a.name) in shown and escape(world.practice_b.name) in shown
    assert "Hide practice names" in shown


def test_drill_down_filters_by_category_month_and_more(client, login, factory, world):
    login(factory.user("lmc-officer", lmc=world.home_lmc))
    assert reports_shown(client.get(f"/summaries/reports?trust=RJ1&category=investigations&{PERIOD_ARGS}").text) == 2
    assert reports_shown(client.get(f"/summaries/reports?trust=RJ1&month=2026-01&{PERIOD_ARGS}").text) == 2
    assert reports_shown(client.get(f"/summaries/reports?trust=RJ1&specialty=330&{PERIOD_ARGS}").text) == 1
    assert reports_shown(client.get(f"/summaries/reports?trust=RJ1&source=clinic-letter&{PERIOD_ARGS}").text) == 2
    assert reports_shown(client.get(f"/summaries/reports?trust=RJ1&action=redirected&{PERIOD_ARGS}").text) == 1
    assert reports_shown(client.get(f"/summaries/reports?trust=RJ1&impact=delay&{PERIOD_ARGS}").text) == 1
    assert reports_shown(client.get(f"/summaries/reports?trust=RJ1&role=nurse&{PERIOD_ARGS}").text) == 1
    assert reports_shown(client.get(f"/summaries/reports?independent=Spire+Healthcare&{PERIOD_ARGS}").text) == 2


def test_every_number_on_the_trust_page_links_to_a_drill_down_that_agrees(client, login, factory, world):
    login(factory.user("lmc-officer", lmc=world.home_lmc))
    page = client.get(f"/summaries/trusts/RJ1?{PERIOD_ARGS}").text
    links = re.findall(r'<a href="(/summaries/reports\?[^"]+)">(\d+)</a>', page)
    assert len(links) > 15
    for href, number in links:
        if "role=" in href:
            continue  # staff-time links show hours and cost, not counts
        drill = client.get(href.replace("&amp;", "&")).text
        assert reports_shown(drill) == int(number), href


def test_bad_drill_down_parameters_explain_what_is_wrong(client, login_as):
    login_as("lmc-officer")
    response = client.get("/summaries/reports?month=2026-13&category=nope&trust=ZZZ")
    assert response.status_code == 200
    assert "The month must be a year and month, like 2026-03" in response.text
    assert "That category does not exist" in response.text
    assert "No NHS trust has that ODS code" in response.text
    assert "There is a problem" in response.text


def test_bad_custom_dates_keep_what_was_typed(client, login_as):
    login_as("lmc-officer")
    response = client.get("/summaries?period=custom&from=31/2/2026&to=")
    assert response.status_code == 200
    assert "The first date must be a real date, like 1/4/2026" in response.text
    assert 'value="31/2/2026"' in response.text


def test_unknown_trust_page_is_404(client, login_as):
    login_as("lmc-officer")
    assert client.get("/summaries/trusts/ZZZ99").status_code == 404


def test_practice_lead_sees_only_their_practice_without_a_practice_column(client, login, factory, world):
    login(factory.user("practice-lead", practice=world.practice_b))
    drill = client.get(f"/summaries/reports?trust=RJ1&{PERIOD_ARGS}").text
    assert reports_shown(drill) == 2
    assert "Show practice names" not in drill
    page = client.get(f"/summaries/trusts/RJ1?{PERIOD_ARGS}").text
    assert re.search(r'tracker-figure__value" href="[^"]+">2</a>', page)


def test_csv_export_hides_practice_names_unless_asked(client, login, factory, world):
    login(factory.user("lmc-officer", lmc=world.home_lmc))
    rows = read_csv(client.get(f"/summaries/reports.csv?trust=RJ1&{PERIOD_ARGS}"))
    header, body = rows[0], rows[1:]
    assert len(body) == 4
    practices = {row[header.index("Practice")] for row in body}
    assert practices == {"Practice 1", "Practice 2"}
    named = read_csv(client.get(f"/summaries/reports.csv?trust=RJ1&{PERIOD_ARGS}&show_practices=1"))
    assert {row[named[0].index("Practice")] for row in named[1:]} == {world.practice_a.name, world.practice_b.name}


def test_csv_export_is_an_attachment_named_by_trust_period_and_date(client, login, factory, world):
    login(factory.user("lmc-officer", lmc=world.home_lmc))
    response = client.get(f"/summaries/reports.csv?trust=RJ1&{PERIOD_ARGS}")
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="hospital-work-RJ1-2026-01-01-to-2026-03-31-downloaded-{date.today().isoformat()}.csv"' in disposition


def test_csv_export_protects_against_formula_injection(client, login, factory, world):
    login(factory.user("lmc-officer", lmc=world.home_lmc))
    for text in ("+1 for cardiology", "-2 weeks", "@SUM(A1)", "\tTabbed"):
        factory.report(world.practice_a, received_on=date(2026, 2, 1), description=text)
    rows = read_csv(client.get(f"/summaries/reports.csv?trust=RJ1&{PERIOD_ARGS}"))
    descriptions = {row[rows[0].index("Description")] for row in rows[1:]}
    assert "'=HYPERLINK(\"http://x\")" in descriptions
    assert {"'+1 for cardiology", "'-2 weeks", "'@SUM(A1)", "'\tTabbed"} <= descriptions
    assert not any(d.startswith(("=", "+", "-", "@", "\t", "\r")) for d in descriptions)


def test_charts_on_the_pages_are_well_formed_svg_with_title_and_desc(client, login, factory, world):
    login(factory.user("lmc-officer", lmc=world.home_lmc))
    for path in (f"/summaries?{PERIOD_ARGS}", f"/summaries/trusts/RJ1?{PERIOD_ARGS}"):
        page = client.get(path).text
        svgs = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg".*?</svg>', page, flags=re.S)
        assert svgs, path
        for svg in svgs:
            root = ET.fromstring(svg)
            assert root.get("role") == "img"
            assert root.find("{http://www.w3.org/2000/svg}title").text
            assert "Reports per month" in root.find("{http://www.w3.org/2000/svg}desc").text or \
                ": reports per month" in root.find("{http://www.w3.org/2000/svg}desc").text
        assert "Numbers behind this chart" in page


def test_summary_pages_have_no_inline_styles_or_scripts(client, login, factory, world):
    login(factory.user("lmc-officer", lmc=world.home_lmc))
    for path in (f"/summaries?{PERIOD_ARGS}", f"/summaries/trusts/RJ1?{PERIOD_ARGS}",
                 f"/summaries/reports?{PERIOD_ARGS}"):
        page = client.get(path).text
        assert " style=" not in page, path
        assert "<script>" not in page, path


def test_category_chart_is_chosen_by_get(client, login, factory, world):
    login(factory.user("lmc-officer", lmc=world.home_lmc))
    page = client.get(f"/summaries/trusts/RJ1?{PERIOD_ARGS}&chart=fit-notes").text
    assert "Fit note (Med3) not issued: reports per month" in page
    fallback = client.get(f"/summaries/trusts/RJ1?{PERIOD_ARGS}&chart=nonsense").text
    assert "Asked to organise investigations: reports per month" in fallback


def test_trust_page_leaves_a_place_for_feedback_status():
    from pathlib import Path

    template = Path(__file__).resolve().parents[2] / "templates" / "summaries" / "trust.html"
    assert '{% block feedback_status %}{% include "feedback/_trust_status.html" ignore missing %}' in template.read_text()


def test_the_ranking_shows_the_busiest_trusts_and_the_rest_on_request(client, login, factory, db_session):
    from sqlalchemy import select

    from tracker.organisations.models import Trust
    from tracker.summaries.views import TOP_TRUSTS

    practice = factory.practice("QKK", 0)
    lmc = factory.lmc(name="Busy LMC", icb_codes=("QKK",))
    trusts = db_session.scalars(select(Trust).where(Trust.open_clause()).order_by(Trust.ods_code).limit(TOP_TRUSTS + 2)).all()
    for count, trust in enumerate(trusts, start=1):  # 1 to 3 reports each; the last two trusts 5
        for day in range(count % 3 + 1 if count <= TOP_TRUSTS else 5):
            factory.report(practice, trust=trust, received_on=date(2026, 2, 1 + day))
    login(factory.user("lmc-officer", lmc=lmc))

    top = client.get(f"/summaries?{PERIOD_ARGS}").text
    ranked = re.findall(r'href="/summaries/trusts/([A-Z0-9]+)\?', top)
    assert len(ranked) == TOP_TRUSTS
    assert set(ranked[:2]) == {trusts[-2].ods_code, trusts[-1].ods_code}  # the busiest two, whatever their names
    assert f"Show all {TOP_TRUSTS + 2} trusts" in top

    everything = client.get(f"/summaries?trusts=all&{PERIOD_ARGS}").text
    assert len(re.findall(r'href="/summaries/trusts/([A-Z0-9]+)\?', everything)) == TOP_TRUSTS + 2
    assert f"Show the {TOP_TRUSTS} with most reports" in everything
    assert 'name="trusts" value="all"' in everything  # changing the period keeps every trust
