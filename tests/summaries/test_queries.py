"""Aggregates against the hand-computed figures in conftest.py (SQLite and PostgreSQL)."""

from datetime import date

import pytest

from tracker.reports.models import ActionTaken, StaffRole
from tracker.summaries import queries
from tracker.summaries.queries import Dimension, ReportFilter

from .conftest import PERIOD, RATES


def rj1(world, **filters):
    return ReportFilter.for_period(PERIOD, trust_id=world.rj1.id, **filters)


def as_dict(counts):
    return {c.key: c.count for c in counts}


def test_counts_by_category_with_titles_and_guidance_headings(world):
    counts = queries.counts_by(world.home, rj1(world), Dimension.CATEGORY)
    assert len(counts) == 11
    assert [(c.key, c.count) for c in counts[:3]] == [
        ("investigations", 2), ("fit-notes", 1), ("results-follow-up", 1),
    ]
    assert counts[0].label == "Asked to organise investigations"
    assert counts[0].detail == "Support in investigations"
    assert sum(c.count for c in counts) == 4


def test_counts_by_month_fill_empty_months(world):
    assert [(m.month, m.count) for m in queries.monthly_counts(world.home, rj1(world))] == [
        ("2026-01", 2), ("2026-02", 1), ("2026-03", 1),
    ]
    longer = ReportFilter(date(2025, 11, 1), date(2026, 3, 31), trust_id=world.rj1.id)
    assert [m.count for m in queries.monthly_counts(world.home, longer)] == [0, 1, 2, 1, 1]


def test_counts_by_specialty_source_action_and_impact(world):
    f = rj1(world)
    assert as_dict(queries.counts_by(world.home, f, Dimension.SPECIALTY)) == {"320": 2, "100": 1, "330": 1}
    assert queries.counts_by(world.home, f, Dimension.SPECIALTY)[0].label == "Cardiology (320)"
    assert as_dict(queries.counts_by(world.home, f, Dimension.SOURCE)) == {
        "clinic-letter": 2, "discharge-summary": 1, "ed-letter": 0, "ag-reply": 0, "ers-rejection": 0,
        "phone-email": 0, "patient-told": 1,
    }
    assert as_dict(queries.counts_by(world.home, f, Dimension.ACTION)) == {
        "declined-returned": 1, "done-under-protest": 2, "redirected": 1, "done-commissioned": 0,
    }
    assert as_dict(queries.counts_by(world.home, f, Dimension.IMPACT)) == {
        "none": 2, "delay": 1, "risk-of-harm": 1, "harm": 0,
    }


def test_staff_time_and_cost_by_role(world):
    roles = {r.role: r for r in queries.staff_time_by_role(world.home, rj1(world), RATES)}
    assert {role: r.minutes for role, r in roles.items()} == {
        StaffRole.GP: 45, StaffRole.NURSE: 60, StaffRole.PHARMACIST: 12, StaffRole.ADMIN: 30,
    }
    assert roles[StaffRole.GP].reports == 2
    assert roles[StaffRole.GP].cost == pytest.approx(73.5)
    assert roles[StaffRole.NURSE].cost == pytest.approx(42.0)
    assert roles[StaffRole.PHARMACIST].cost == pytest.approx(10.0)
    assert roles[StaffRole.ADMIN].cost == pytest.approx(9.0)


def test_headline_and_change_on_the_previous_period(world):
    comparison = queries.headline_with_change(world.home, rj1(world), RATES)
    assert comparison.previous_period.start == date(2025, 10, 1)
    assert comparison.previous_period.end == date(2025, 12, 31)
    assert comparison.current.reports == 4
    assert comparison.current.staff.minutes == 147
    assert comparison.current.staff.cost == pytest.approx(134.5)
    assert comparison.previous.reports == 2
    assert comparison.previous.staff.cost == pytest.approx(20 / 60 * 98)
    assert comparison.reports_change.difference == 2
    assert comparison.reports_change.percent == pytest.approx(100.0)


def test_change_from_nothing_has_no_percentage():
    change = queries.Change(3, 0)
    assert change.difference == 3 and change.percent is None


def test_withdrawn_reports_never_count(world):
    gp_only = rj1(world, staff_role=StaffRole.GP)
    assert queries.count_reports(world.home, gp_only) == 2  # r1, r2; not the withdrawn r8
    assert queries.minutes_by_role(world.home, rj1(world))[StaffRole.GP] == 45
    rows = list(queries.iter_report_rows(world.home, rj1(world)))
    assert world.reports[8].id not in {row.id for row in rows}


def test_lmc_scope_never_counts_another_lmcs_practices(world):
    assert queries.count_reports(world.home, rj1(world)) == 4
    assert queries.count_reports(world.away, rj1(world)) == 1
    away = queries.headline(world.away, rj1(world), RATES)
    assert away.staff.minutes == 45
    rows = list(queries.iter_report_rows(world.away, rj1(world), show_practice_names=True))
    assert [row.practice_label for row in rows] == [world.practice_c.name]


def test_practice_scope_counts_only_the_practice(world):
    scope = world.practice_b_scope
    assert queries.count_reports(scope, rj1(world)) == 2
    assert as_dict(queries.counts_by(scope, rj1(world), Dimension.ACTION))["redirected"] == 1
    ranking = queries.provider_ranking(scope, PERIOD, RATES)
    assert [(r.provider.ods_code, r.reports) for r in ranking.trusts] == [("RJ1", 2)]
    # Practice B spelt the name in lower case; its own spelling is shown.
    assert [(r.provider.name, r.reports) for r in ranking.independent] == [("spire healthcare", 1)]


def test_provider_ranking_with_change_top_category_and_independent_providers(world):
    ranking = queries.provider_ranking(world.home, PERIOD, RATES)
    assert [(r.provider.ods_code, r.reports, r.previous_reports) for r in ranking.trusts] == [
        ("RJ1", 4, 2), ("RJZ", 1, 0),
    ]
    first = ranking.trusts[0]
    assert first.provider.name == world.rj1.name
    assert first.staff.minutes == 147 and first.staff.cost == pytest.approx(134.5)
    assert first.change.difference == 2 and first.change.percent == pytest.approx(100)
    assert (first.top_category.key, first.top_category.count) == ("investigations", 2)
    # "Spire Healthcare" and "spire healthcare" are one independent provider.
    assert len(ranking.independent) == 1
    spire = ranking.independent[0]
    assert (spire.provider.name, spire.provider.ods_code, spire.reports) == ("Spire Healthcare", None, 2)
    assert spire.staff.cost == pytest.approx(6 / 60 * 98)


def test_independent_provider_filter_matches_any_case(world):
    f = ReportFilter.for_period(PERIOD, independent="SPIRE HEALTHCARE")
    assert queries.count_reports(world.home, f) == 2


def test_trust_summary_gathers_every_figure(world):
    summary = queries.trust_summary(world.home, world.rj1, PERIOD, RATES)
    assert summary.headline.current.reports == 4
    assert [m.count for m in summary.by_month] == [2, 1, 1]
    assert [m.count for m in summary.months_by_category["investigations"]] == [1, 1, 0]
    assert sum(c.count for c in summary.by_action) == 4
    assert sum(r.minutes for r in summary.staff_by_role) == 147
    other = queries.trust_summary(world.away, world.rj1, PERIOD, RATES)
    assert other.headline.current.reports == 1


def test_filters_narrow_the_drill_down(world):
    f = rj1(world, category="investigations", action=ActionTaken.REDIRECTED)
    page = queries.report_page(world.home, f)
    assert [row.id for row in page.rows] == [world.reports[3].id]
    march = ReportFilter(date(2026, 3, 1), date(2026, 3, 31), trust_id=world.rj1.id)
    assert [row.id for row in queries.report_page(world.home, march).rows] == [world.reports[4].id]


def test_drill_down_hides_practice_names_behind_stable_pseudonyms(world):
    page = queries.report_page(world.home, rj1(world))
    assert page.total == 4
    labels = {row.id: row.practice_label for row in page.rows}
    a_first = world.practice_a.id < world.practice_b.id
    assert labels[world.reports[1].id] == labels[world.reports[2].id] == ("Practice 1" if a_first else "Practice 2")
    assert labels[world.reports[3].id] == ("Practice 2" if a_first else "Practice 1")
    names = {row.practice_label for row in queries.report_page(world.home, rj1(world), show_practice_names=True).rows}
    assert names == {world.practice_a.name, world.practice_b.name}


def test_drill_down_pages_newest_first(world):
    first = queries.report_page(world.home, rj1(world), page=1, page_size=3)
    second = queries.report_page(world.home, rj1(world), page=2, page_size=3)
    assert first.pages == 2 and first.has_next and not second.has_next
    assert [r.received_on for r in first.rows] == [date(2026, 3, 31), date(2026, 2, 5), date(2026, 1, 20)]
    assert [r.received_on for r in second.rows] == [date(2026, 1, 10)]
