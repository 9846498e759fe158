"""LMC figures kept between requests are served only while the data behind them is unchanged.

Tests run without the cache; these turn it on and check that each kind of change to the
reports an LMC counts (a new case, an edit, a withdrawal, an edit of a field only the
trust page counts by) is on the next page, and that an unchanged page is served without
recounting.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from tracker.extensions import db
from tracker.reports import services
from tracker.reports.models import Report
from tracker.summaries import figure_cache

PERIOD = "period=custom&from=2026-01-01&to=2026-03-31"


@pytest.fixture
def cached(app, db_session):
    app.config["SUMMARY_CACHE_SECONDS"] = 300
    figure_cache.clear()
    if db_session.get_bind().dialect.name == "postgresql":
        # The clock ticks at commit, and tests never commit: tick at each statement instead.
        db_session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))
    yield
    app.config.pop("SUMMARY_CACHE_SECONDS")
    figure_cache.clear()


@pytest.fixture
def lmc_officer(factory, login):
    lmc = factory.lmc(icb_codes=("QKK",))
    return login(factory.user("lmc-officer", lmc=lmc))


@pytest.fixture
def practice_user(factory):
    return factory.user("practice-user", practice=factory.practice("QKK", 0))


def _log(user, **fields):
    raw = {"received_on": "2026-02-10", "trust_code": "RJ1", "specialty_code": "320", "source": "clinic-letter",
           "category_slug": "investigations", "description": "Cardiology letter: GP to arrange echo",
           "action_taken": "done-under-protest", "patient_impact": "none", **fields}
    data, errors = services.parse_report(raw)
    assert not errors, errors
    return db.session.get(Report, services.log_report(user.practice, user, data)[0])


def _edit(user, report, **fields):
    raw = {"received_on": report.received_on.isoformat(), "trust_code": "RJ1", "specialty_code": "320",
           "source": "clinic-letter", "category_slug": "investigations", "description": report.description,
           "action_taken": "done-under-protest", "patient_impact": "none", **fields}
    data, errors = services.parse_report(raw)
    assert not errors, errors
    services.edit_report(report, user, data, report.version)


def _ranking_count(page: str) -> str:
    """The RJ1 row's report count on the summary page."""
    start = page.index("/summaries/trusts/RJ1")
    cell = page[start:].split('aria-hidden="true">Reports </span>', 1)[1]
    return cell.split("</a>", 1)[0].rsplit(">", 1)[1]


class _Statements:
    def __init__(self, engine):
        self.engine, self.seen = engine, []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._keep)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._keep)

    def _keep(self, _conn, _cursor, statement, *_args):
        self.seen.append(statement)

    def reading_reports(self) -> int:
        return sum("report_month_summary " in s or "FROM report" in s for s in self.seen
                   if "report_month_summary_clock" not in s)


def test_an_unchanged_summary_page_is_served_without_counting_again(client, db_session, cached, lmc_officer,
                                                                     practice_user):
    _log(practice_user)
    db_session.flush()
    first = client.get(f"/summaries?{PERIOD}").text
    with _Statements(db_session.get_bind()) as statements:
        again = client.get(f"/summaries?{PERIOD}").text
    assert again == first.replace(_nonce(first), _nonce(again)).replace(_csrf(first), _csrf(again))
    assert statements.reading_reports() == 0


def _nonce(page: str) -> str:
    return page.split('nonce="', 1)[1].split('"', 1)[0]


def _csrf(page: str) -> str:
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("change", ["log", "edit-month", "edit-trust", "withdraw", "staff-time"])
def test_the_summary_page_shows_each_change_at_once(client, db_session, cached, lmc_officer, practice_user,
                                                    change):
    report = _log(practice_user)
    _log(practice_user)
    db_session.flush()
    assert _ranking_count(client.get(f"/summaries?{PERIOD}").text) == "2"
    expected = "1"
    if change == "log":
        _log(practice_user)
        expected = "3"
    elif change == "edit-month":
        _edit(practice_user, report, received_on="2025-06-01")
    elif change == "edit-trust":
        _edit(practice_user, report, trust_code="RJZ")
    elif change == "withdraw":
        services.withdraw_report(report, practice_user, "Logged twice")
    elif change == "staff-time":
        _edit(practice_user, report, minutes_gp="30")
        expected = "2"
    db_session.flush()
    page = client.get(f"/summaries?{PERIOD}").text
    assert _ranking_count(page) == expected
    if change == "staff-time":
        assert "0.5" in page  # half an hour of GP time now shows


def test_the_trust_page_follows_an_edit_of_a_field_only_it_counts_by(client, db_session, cached, lmc_officer,
                                                                      practice_user):
    report = _log(practice_user, specialty_code="320")
    db_session.flush()
    assert "Cardiology (320)" in client.get(f"/summaries/trusts/RJ1?{PERIOD}").text
    _edit(practice_user, report, specialty_code="330")
    db_session.flush()
    page = client.get(f"/summaries/trusts/RJ1?{PERIOD}").text
    assert "Dermatology (330)" in page and "Cardiology (320)" not in page


def test_another_lmc_or_period_gets_its_own_figures(client, db_session, cached, factory, login, practice_user):
    _log(practice_user)
    db_session.flush()
    login(factory.user("lmc-officer", lmc=factory.lmc(icb_codes=("QKK",))))
    assert _ranking_count(client.get(f"/summaries?{PERIOD}").text) == "1"
    login(factory.user("lmc-officer", lmc=factory.lmc(icb_codes=("QOP",))))
    assert "/summaries/trusts/RJ1" not in client.get(f"/summaries?{PERIOD}").text
    page = client.get("/summaries?period=custom&from=2025-01-01&to=2025-03-31").text
    assert "No reports about NHS trusts in this period." in page


def test_a_practice_listed_by_the_lmc_counts_at_once(client, db_session, cached, factory, login):
    lmc = factory.lmc(icb_codes=("QOP",))
    login(factory.user("lmc-officer", lmc=lmc))
    user = factory.user("practice-user", practice=factory.practice("QKK", 2))
    _log(user)
    db_session.flush()
    assert "/summaries/trusts/RJ1" not in client.get(f"/summaries?{PERIOD}").text
    lmc.practices = [user.practice]
    db_session.flush()
    assert _ranking_count(client.get(f"/summaries?{PERIOD}").text) == "1"


def test_entries_expire_after_their_lifetime(app, cached, monkeypatch):
    clock = iter([100.0, 100.0, 500.0, 500.0])
    monkeypatch.setattr(figure_cache.time, "monotonic", lambda: next(clock))
    made = []
    with app.app_context():
        assert figure_cache.remembered("k", lambda: made.append(1) or "first") == "first"
        assert figure_cache.remembered("k", lambda: made.append(1) or "second") == "first"
        assert figure_cache.remembered("k", lambda: made.append(1) or "third") == "third"
    assert len(made) == 2


def test_without_a_lifetime_nothing_is_kept(app):
    with app.app_context():
        assert figure_cache.seconds() == 0  # tests run without it
        assert figure_cache.remembered("k", lambda: "a") == "a"
        assert figure_cache.remembered("k", lambda: "b") == "b"
