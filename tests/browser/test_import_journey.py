"""A practice lead imports the practice's existing log from a spreadsheet."""

from datetime import date, timedelta

from tests.browser.conftest import check_accessibility, sign_in

HEADER = "date_received,provider,specialty_code,source,category,description,action_taken,minutes_admin\n"


def _csv(good: bool) -> bytes:
    day = (date.today() - timedelta(days=10)).strftime("%d/%m/%Y")
    rows = [
        f"{day},RJ1,320,clinic-letter,investigations,Cardiology letter: GP to arrange echo before review,done-under-protest,10",
        f"{day},RJ1,654,discharge-summary,onward-referral,Discharge summary asks GP to refer to dietetics,redirected,5",
    ]
    if not good:
        rows.append(f"{day},RJ1,999,fax,investigations,GP to chase bloods,done-under-protest,5")
    return (HEADER + "\n".join(rows) + "\n").encode()


def test_practice_lead_imports_a_spreadsheet(page):
    sign_in(page, "practice.lead@example.nhs.uk")
    page.get_by_role("link", name="Import").first.click()
    page.get_by_role("heading", level=1, name="Import your log from a spreadsheet").wait_for()
    check_accessibility(page)

    # A file with a bad row: the dry run lists it and imports nothing.
    page.get_by_label("Upload your spreadsheet").set_input_files(
        {"name": "our-log.csv", "mimeType": "text/csv", "buffer": _csv(good=False)}
    )
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("heading", level=1, name="Your file has problems").wait_for()
    problems = page.get_by_role("table", name="Problems by row")
    assert problems.locator("tbody tr").first.locator("td").first.inner_text() == "4"
    assert "specialty_code" in problems.inner_text()
    check_accessibility(page)

    # The corrected file checks clean and imports both rows.
    page.get_by_role("button", name="Upload a corrected file").first.click()
    page.get_by_label("Upload your spreadsheet").set_input_files(
        {"name": "our-log.csv", "mimeType": "text/csv", "buffer": _csv(good=True)}
    )
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("heading", level=1, name="Check your import").wait_for()
    check_accessibility(page)
    page.get_by_role("button", name="Import 2 reports").click()
    page.get_by_role("heading", level=1, name="Reports imported").wait_for()
    check_accessibility(page)
