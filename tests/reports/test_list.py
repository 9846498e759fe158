"""The practice's log: filters, sorting, pagination and counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.reports.conftest import error_summary, page
from tracker.reports.models import Status

TODAY = date.today()


def _case_ids(response) -> list[int]:
    """The case ids in the table, in order."""
    links = page(response).xpath("//table[contains(@class, 'tracker-reports')]//tbody//a/@href")
    return [int(href.rsplit("/", 1)[-1]) for href in links]


def _counts(response) -> str:
    return " ".join(page(response).xpath("//*[contains(@class, 'tracker-counts')]")[0].text_content().split())


@pytest.fixture
def practice(practice_user):
    return practice_user.practice


def test_list_shows_only_the_practices_own_cases(client, factory, practice):
    own = factory.report(practice)
    factory.report(factory.practice("QOP", 0))

    response = client.get("/reports")

    assert response.status_code == 200
    assert _case_ids(response) == [own.id]


def test_withdrawn_cases_are_hidden_unless_asked_for(client, factory, practice):
    kept = factory.report(practice)
    withdrawn = factory.report(practice, withdrawn=True)

    assert _case_ids(client.get("/reports")) == [kept.id]
    included = client.get("/reports?withdrawn=yes")
    assert set(_case_ids(included)) == {kept.id, withdrawn.id}
    assert "Withdrawn: 1" in _counts(included)


def test_filter_by_date_range(client, factory, practice):
    old = factory.report(practice, received_on=TODAY - timedelta(days=40))
    middle = factory.report(practice, received_on=TODAY - timedelta(days=20))
    factory.report(practice, received_on=TODAY)

    start, end = (TODAY - timedelta(days=30)).isoformat(), (TODAY - timedelta(days=10)).isoformat()
    assert _case_ids(client.get(f"/reports?from={start}&to={end}")) == [middle.id]
    assert _case_ids(client.get(f"/reports?to={end}")) == [middle.id, old.id]
    # UK style dates work too.
    uk = (TODAY - timedelta(days=30)).strftime("%d/%m/%Y")
    assert old.id not in _case_ids(client.get(f"/reports?from={uk}"))


def test_bad_filter_dates_explain_and_do_not_fail(client, factory, practice):
    factory.report(practice)

    response = client.get("/reports?from=31/02/2025&to=nonsense")

    assert response.status_code == 200
    assert ("Date from must be a real date, like 21/11/2025", "#filter-from") in error_summary(response)
    assert page(response).get_element_by_id("filter-to").value == "nonsense"


def test_date_to_before_date_from_explains(client, practice):
    response = client.get(f"/reports?from={TODAY.isoformat()}&to={(TODAY - timedelta(days=5)).isoformat()}")

    assert ("Date to must be the same as or after date from", "#filter-to") in error_summary(response)


def test_filter_by_provider_category_status_and_text(client, factory, practice):
    echo = factory.report(practice, trust="RJZ", category_slug="investigations", description="GP to arrange ECHO please")
    fit_note = factory.report(practice, trust="RJ1", category_slug="fit-notes", description="No fit note 50% of the time")
    private = factory.report(practice, trust=None, independent_provider="Parkway Independent Hospital",
                             description="Discharged without a fit note")
    fit_note.status = Status.RAISED
    factory.session.flush()

    assert _case_ids(client.get("/reports?provider=RJZ")) == [echo.id]
    assert _case_ids(client.get("/reports?provider=independent")) == [private.id]
    assert _case_ids(client.get("/reports?category=fit-notes")) == [fit_note.id]
    assert _case_ids(client.get("/reports?status=raised")) == [fit_note.id]
    assert _case_ids(client.get("/reports?q=echo")) == [echo.id]  # any case
    assert _case_ids(client.get("/reports?q=50%25")) == [fit_note.id]  # % is text, not a wildcard
    assert _case_ids(client.get("/reports?q=_")) == []
    assert _case_ids(client.get("/reports?category=not-a-category")) != []  # unknown filter ignored


def test_provider_filter_offers_the_trusts_in_the_log(client, factory, practice):
    factory.report(practice, trust="RJZ")

    options = page(client.get("/reports")).xpath("//select[@id='filter-provider']/option/@value")

    assert options == ["", "RJZ", "independent"]


def test_sort_by_category_provider_and_date(client, factory, practice):
    a = factory.report(practice, trust="RJZ", category_slug="prescribing", received_on=TODAY - timedelta(days=2))
    b = factory.report(practice, trust="RJ1", category_slug="fit-notes", received_on=TODAY)
    c = factory.report(practice, trust=None, independent_provider="Abbey Clinic", category_slug="other",
                       received_on=TODAY - timedelta(days=1))

    assert _case_ids(client.get("/reports")) == [b.id, c.id, a.id]  # newest first by default
    assert _case_ids(client.get("/reports?sort=received&order=asc")) == [a.id, c.id, b.id]
    # Category titles: Fit note..., Other, Prescribing...
    assert _case_ids(client.get("/reports?sort=category")) == [b.id, c.id, a.id]
    assert _case_ids(client.get("/reports?sort=category&order=desc")) == [a.id, c.id, b.id]
    # Providers: Abbey Clinic, Guy's and St Thomas', King's College
    assert _case_ids(client.get("/reports?sort=provider&order=asc")) == [c.id, b.id, a.id]
    assert _case_ids(client.get("/reports?sort=provider&order=desc")) == [a.id, b.id, c.id]
    assert _case_ids(client.get("/reports?sort=nonsense&order=sideways")) == [b.id, c.id, a.id]


def test_sorted_column_is_marked_for_screen_readers(client, factory, practice):
    factory.report(practice)

    doc = page(client.get("/reports?sort=provider&order=asc"))

    assert doc.xpath("//th[@aria-sort]/a/text()") == ["Provider"]
    assert doc.xpath("//th[@aria-sort]/@aria-sort") == ["ascending"]


def test_pages_of_25_with_counts_of_everything_that_matches(client, factory, practice):
    reports = [factory.report(practice, received_on=TODAY - timedelta(days=i)) for i in range(27)]
    reports[0].status = Status.RAISED
    reports[1].status = Status.CLOSED
    factory.session.flush()

    first = client.get("/reports")
    second = client.get("/reports?page=2")

    assert len(_case_ids(first)) == 25
    assert _case_ids(second) == [reports[25].id, reports[26].id]
    counts = _counts(first)
    assert counts.startswith("27 cases")
    assert "Logged: 25" in counts and "Raised with trust: 1" in counts and "Closed: 1" in counts
    doc = page(first)
    assert doc.xpath("//nav[contains(@class, 'nhsuk-pagination')]//a[@aria-current='page']/@href") == ["/reports"]
    assert "/reports?page=2" in doc.xpath("//nav[contains(@class, 'nhsuk-pagination')]//a/@href")


def test_page_links_keep_the_filters(client, factory, practice):
    for i in range(26):
        factory.report(practice, category_slug="fit-notes", received_on=TODAY - timedelta(days=i))

    doc = page(client.get("/reports?category=fit-notes&sort=provider&order=asc"))

    links = doc.xpath("//nav[contains(@class, 'nhsuk-pagination')]//a/@href")
    assert any("page=2" in link and "category=fit-notes" in link and "sort=provider" in link for link in links)


def test_page_beyond_the_end_shows_the_last_page(client, factory, practice):
    report = factory.report(practice)

    for query in ("page=99", "page=-1", "page=abc", "page=" + "0" * 5000 + "2", "page=" + "9" * 5000):
        assert _case_ids(client.get(f"/reports?{query}")) == [report.id]


def test_empty_log_says_so(client, practice):
    response = client.get("/reports")

    assert "Your practice has not logged any cases yet." in response.text


@pytest.mark.parametrize("role", ["lmc-officer", "admin"])
def test_list_is_for_practice_roles_only(client, login_as, role):
    login_as(role)

    assert client.get("/reports").status_code == 403
