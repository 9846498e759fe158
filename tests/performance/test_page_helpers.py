"""The helpers that make pages fast give the same HTML as what they replace."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import render_template_string, url_for
from jinja2 import Undefined
from markupsafe import Markup

from tracker import reference_cache
from tracker.reports.form_options import picker_options
from tracker.summaries import formatting
from tracker.summaries.periods import Period, choose_period
from tracker.summaries.queries import Change
from tracker.summaries.views import _drill, _trust_link

COMPONENT_CALLS = [
    ("radios", {"name": "source", "value": "ed-letter", "classes": "nhsuk-radios--small",
                "fieldset": {"legend": {"text": "Where?", "size": "s"}},
                "items": [{"value": "clinic-letter", "text": "Clinic <letter>"}, {"value": "ed-letter", "text": "ED"}],
                "errorMessage": {"text": "Choose one"}}),
    ("dateInput", {"id": "received_on", "fieldset": {"legend": {"text": "Date", "size": "s"}},
                   "items": [{"id": "d", "name": "d", "label": "Day", "width": 2, "value": "21"}]}),
    ("footer", {"navigation": {"items": [{"text": "Data protection", "href": "/data-protection"}]},
                "meta": "Meta & text", "copyright": "© x"}),
    ("card", {"href": "/x", "heading": "Log a case", "headingClasses": "nhsuk-heading-s", "clickable": True}),
    ("panel", {"titleText": "Case logged", "html": Markup("Case number<br><strong>7</strong>")}),
]


@pytest.mark.parametrize("name, params", COMPONENT_CALLS, ids=[c[0] for c in COMPONENT_CALLS])
def test_nhs_renders_exactly_what_the_macro_renders(app, name, params):
    folder = {"dateInput": "date-input"}.get(name, name)
    with app.test_request_context():
        by_macro = render_template_string(
            f'{{% from "nhsuk/components/{folder}/macro.jinja" import {name} %}}{{{{ {name}(params) }}}}', params=params)
        first = render_template_string(f'{{{{ nhs("{name}", params) }}}}', params=params)
        again = render_template_string(f'{{{{ nhs("{name}", params) }}}}', params=params)
    assert first == by_macro == again


def test_nhs_tells_undefined_from_empty_and_refuses_objects(app):
    cache = app.extensions["nhs_components"]
    with app.test_request_context():
        with_hint = cache.render("input", {"id": "a", "name": "a", "label": {"text": "A"}, "hint": {"text": "H"}})
        without = cache.render("input", {"id": "a", "name": "a", "label": {"text": "A"},
                                         "hint": Undefined(name="undefined")})
        assert "nhsuk-hint" in with_hint and "nhsuk-hint" not in without
        with pytest.raises(TypeError):
            cache.render("input", {"id": object()})


def test_the_header_carries_this_requests_csrf_token(client, login_as):
    login_as("practice-user")
    page = client.get("/home").text
    assert "__CSRF_TOKEN__" not in page
    assert 'name="csrf_token" value="' in page.split("nhsuk-header__account-form", 1)[1][:400]


@pytest.mark.parametrize("value", [0, 1, 999, 1000, 1234567, 12.6])
def test_figures_are_formatted_as_the_macros_format_them(app, value):
    with app.test_request_context():
        macros = render_template_string(
            '{% from "summaries/_macros.html" import num, money, hours %}{{ num(v) }}|{{ money(v) }}|{{ hours(v) }}',
            v=value)
    assert macros == f"{formatting.fmt_num(value)}|{formatting.fmt_money(value)}|{formatting.fmt_hours(value)}"


@pytest.mark.parametrize("current, previous", [(5, 5), (6, 3), (3, 6), (4, 0), (0, 4), (1500, 1000)])
def test_changes_are_written_as_the_macro_writes_them(app, current, previous):
    change = Change(current, previous)
    with app.test_request_context():
        macro = render_template_string('{% from "summaries/_macros.html" import change %}{{ change(c) }}', c=change)
    assert macro == str(formatting.fmt_change(change))


@pytest.mark.parametrize("filters", [
    {}, {"category": "fit-notes"}, {"independent": "St John's & Co (Ltd) / Clinic"},
    {"independent": "Ramsay Santé"}, {"source": "ed-letter", "role": "gp"},
])
def test_drill_down_links_are_the_urls_url_for_builds(app, filters):
    period = Period(date(2026, 1, 1), date(2026, 3, 31))
    with app.test_request_context():
        drill = _drill(period, trust="RJ1")
        built = drill(**filters)
        expected = url_for("summaries.reports", **{"from": "2026-01-01", "to": "2026-03-31"}, trust="RJ1", **filters)
        assert built == expected == drill(**filters)
        assert dict(parse_qsl(urlsplit(built).query))["trust"] == "RJ1"


def test_trust_links_are_the_urls_url_for_builds(app):
    with app.test_request_context():
        for args in ({"period": "6m"}, {"from": "1/1/2026", "to": "31/3/2026"}):
            choice = choose_period(args)
            assert _trust_link(choice)("RJ1") == url_for("summaries.trust", ods_code="RJ1", **choice.query_args())


def test_picker_marks_only_the_first_chosen_option(app):
    recent = [reference_cache.TrustChoice(2, "RJZ", "King's")]
    everything = [reference_cache.TrustChoice(1, "RJ1", "Guy's & St Thomas'"), reference_cache.TrustChoice(2, "RJZ", "King's")]
    html = str(picker_options(recent, everything, "ods_code", "name", "RJZ", "Recent", "All", "Choose a trust"))
    assert html.count(" selected") == 1
    assert html.index(" selected") < html.index('label="All"')
    assert "Guy&#39;s &amp; St Thomas&#39;" in html
    assert str(picker_options([], everything, "ods_code", "name", "", "Recent", "All", "Choose")).count("optgroup label") == 1


def test_reference_lists_are_kept_for_their_lifetime_and_cleared_on_demand(app, db_session):
    from tracker.organisations.models import Trust

    app.config["REFERENCE_CACHE_SECONDS"] = 60
    reference_cache.clear()
    try:
        with app.app_context():
            first = reference_cache.open_trusts()
            assert reference_cache.open_trusts() is first  # kept
            assert all(isinstance(t, reference_cache.TrustChoice) for t in first)
            trust = db_session.get(Trust, first[0].id)
            trust.name = "Renamed Trust"
            db_session.flush()
            assert reference_cache.open_trusts()[0].name != "Renamed Trust"
            reference_cache.clear()
            assert "Renamed Trust" in {t.name for t in reference_cache.open_trusts()}
    finally:
        app.config.pop("REFERENCE_CACHE_SECONDS")
        reference_cache.clear()


def test_plain_reads_see_changes_not_yet_flushed_as_the_orm_would(db_session, factory):
    """read_rows goes round the ORM's statement path, but not round its autoflush."""
    from tracker.reports.models import Report
    from tracker.reports.queries import practice_home

    report = factory.report(received_on=date.today())
    counts, latest = practice_home(report.practice_id)
    assert (counts.total, [case.id for case in latest]) == (1, [report.id])

    db_session.get(Report, report.id).description = "Changed, not yet flushed"
    db_session.add(Report(**{column: getattr(report, column) for column in (
        "practice_id", "logged_by_id", "received_on", "trust_id", "specialty_code", "source", "direction",
        "category_slug", "action_taken", "patient_impact", "staff_minutes_total")}, description="Added, not yet flushed"))
    counts, latest = practice_home(report.practice_id)
    assert counts.total == 2
    assert {case.description for case in latest} == {"Changed, not yet flushed", "Added, not yet flushed"}
