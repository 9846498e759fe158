"""A practice user logs a case in a real browser, by keyboard: the type-ahead pickers, the triage
assistant and the practice's log, each page checked with axe-core.
"""

from __future__ import annotations

from tests.browser.conftest import check_accessibility, sign_in


def test_practice_user_logs_a_case_with_the_keyboard(page, live_server):
    sign_in(page, "practice.user@example.nhs.uk")
    page.get_by_role("link", name="Log a case").first.click()
    page.wait_for_url("**/reports/new")
    check_accessibility(page)

    trust = page.get_by_role("combobox", name="Hospital trust")
    trust.fill("")
    trust.type("kings coll")
    listbox = page.locator("#trust_code-listbox")
    listbox.wait_for()
    assert "King's College Hospital NHS Foundation Trust" in listbox.inner_text()
    check_accessibility(page)  # with the listbox open
    trust.press("Enter")  # chooses the highlighted option, does not submit the form
    assert page.url.endswith("/reports/new")
    assert page.locator("select[name='trust_code']").input_value() == "RJZ"
    assert trust.input_value() == "King's College Hospital NHS Foundation Trust"

    specialty = page.get_by_role("combobox", name="Specialty")
    specialty.type("320")
    specialty.press("ArrowDown")
    specialty.press("Enter")
    assert page.locator("select[name='specialty_code']").input_value() == "320"

    page.get_by_label("Discharge summary").check()
    page.get_by_label("What did the hospital ask the practice to do?").fill(
        "Discharge summary: GP to arrange echo and repeat bloods before cardiology review")
    accept = page.get_by_role("button", name="Use this category")
    accept.wait_for()
    assert "Suggested: Asked to organise investigations." in page.locator("#category-suggestion").inner_text()
    accept.press("Enter")
    assert page.locator("input[name='category_slug']:checked").get_attribute("value") == "investigations"
    assert "This category is selected" in page.locator("#category-suggestion").inner_text()

    page.get_by_label("Done under protest").check()
    page.get_by_label("GP", exact=True).fill("10")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/logged")
    assert "Case logged" in page.locator("h1").inner_text()
    check_accessibility(page)

    page.get_by_role("link", name="View case").click()
    details = page.locator("main").inner_text()
    assert "King's College Hospital NHS Foundation Trust" in details and "GP: 10 minutes" in details
    check_accessibility(page)

    page.goto("/reports?sort=provider&order=asc")
    check_accessibility(page)


def test_identifier_warning_shows_while_typing(page, live_server):
    sign_in(page, "practice.user@example.nhs.uk")
    page.goto("/reports/new")

    page.get_by_label("What did the hospital ask the practice to do?").fill("GP to arrange echo, NHS no 943 476 5919")

    warning = page.locator(".tracker-suggestion__warning")
    warning.wait_for()
    assert "looks like an NHS number" in warning.inner_text()
    assert "943" not in warning.inner_text()
