"""Demo reports: realistic, deterministic, checked by the same rules as the form."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select

from tracker import demo
from tracker.organisations.models import Practice, Trust
from tracker.reports.models import Report

TODAY = date(2026, 3, 16)


def _fingerprint(session) -> list[tuple]:
    rows = session.execute(
        select(Report.received_on, Report.practice_id, Report.trust_id, Report.category_slug,
               Report.description, Report.staff_minutes_total).order_by(Report.id)
    ).all()
    return [tuple(r) for r in rows]


def test_demo_reports_are_realistic_and_spread_out(app, db_session):
    practices = demo.demo_practices()

    made = demo.load_demo_reports(practices, today=TODAY)

    assert made == db_session.scalar(select(func.count()).select_from(Report))
    assert 1400 <= made <= 1500
    reports = db_session.scalars(select(Report)).all()
    by_practice = Counter(r.practice_id for r in reports)
    assert set(by_practice) == {p.id for ps in practices.values() for p in ps}  # 9 practices, 3 ICBs
    assert min(r.received_on for r in reports) >= date(2024, 3, 1)
    assert max(r.received_on for r in reports) <= TODAY
    assert len({(r.received_on.year, r.received_on.month) for r in reports}) >= 24
    practice_icb = {p.id: p.icb_code for ps in practices.values() for p in ps}
    trust_icb = dict(db_session.execute(select(Trust.id, Trust.icb_code)).all())
    with_trust = [r for r in reports if r.trust_id is not None]
    assert all(trust_icb[r.trust_id] == practice_icb[r.practice_id] for r in with_trust)
    assert len(with_trust) < len(reports)  # a few independent providers
    assert len({r.category_slug for r in reports}) == 11
    assert len({r.specialty_code for r in reports}) > 15
    assert len({r.source for r in reports}) == 7
    assert len({r.action_taken for r in reports}) == 4 and len({r.patient_impact for r in reports}) == 4
    assert 0 < sum(r.is_withdrawn for r in reports) < made * 0.05
    assert sum(r.staff_minutes_total > 0 for r in reports) > made / 2
    assert all(r.suggested_category_slug for r in reports)


def test_demo_reports_are_deterministic_and_made_only_once(app, db_session):
    practices = demo.demo_practices()
    with db_session.begin_nested() as first:
        demo.load_demo_reports(practices, today=TODAY, count=60)
        once = _fingerprint(db_session)
        first.rollback()
    demo.load_demo_reports(practices, today=TODAY, count=60)

    assert _fingerprint(db_session) == once
    assert demo.load_demo_reports(practices, today=TODAY) == 0
    assert db_session.scalar(select(func.count()).select_from(Report)) == len(once)
    assert db_session.scalar(select(func.count()).select_from(Practice)) > 9
