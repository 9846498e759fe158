"""The home page of practice roles: log a case, the practice's counts, its latest cases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.reports.conftest import page


@pytest.mark.parametrize("role", ["practice-user", "practice-lead"])
def test_practice_home_shows_log_a_case_counts_and_latest_five(client, factory, login, role):
    practice = factory.practice("QKK", 0)
    user = login(factory.user(role, practice=practice))
    month_start = date.today().replace(day=1)
    factory.report(practice, received_on=month_start - timedelta(days=1), description="Last month's case")
    reports = [factory.report(practice, received_on=month_start, description=f"This month's case {i}") for i in range(6)]
    factory.report(practice, withdrawn=True, description="Withdrawn case")
    factory.report(factory.practice("QOP", 0), description="Another practice's case")

    response = client.get("/home")

    doc = page(response)
    assert doc.xpath("//a[contains(@class, 'nhsuk-action-link')][@href='/reports/new']")
    counts = {" ".join(card.xpath(".//h2")[0].text_content().split()): card.xpath(".//*[@class='tracker-count']")[0].text_content()
              for card in doc.xpath("//div[contains(@class, 'nhsuk-card__content')][.//*[@class='tracker-count']]")}
    assert counts == {"Cases this month": "6", "Cases in all": "7"}
    latest = doc.xpath("//h2[text()='Latest cases']/following-sibling::table[1]//tbody//a/@href")
    assert latest == [f"/reports/{r.id}" for r in reversed(reports[1:])]
    assert "Withdrawn case" not in response.text and "Another practice's case" not in response.text
    assert user.practice.name in response.text


def test_practice_home_without_cases_says_so(client, login_as):
    login_as("practice-user")

    assert "Your practice has not logged any cases yet." in client.get("/home").text


@pytest.mark.parametrize("role", ["lmc-officer", "admin"])
def test_other_roles_home_is_unchanged(client, login_as, role):
    login_as(role)

    response = client.get("/home")

    assert response.status_code == 200
    assert "Latest cases" not in response.text
    assert "nhsuk-action-link" not in response.text
