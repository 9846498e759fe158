"""An LMC officer opens a trust summary and downloads the evidence pack for it."""

from tests.browser.conftest import check_accessibility, sign_in


def test_lmc_officer_opens_a_trust_summary_and_downloads_the_pack(page, tmp_path):
    sign_in(page, "lmc.officer@example.nhs.uk")
    check_accessibility(page)

    page.get_by_role("link", name="Trust summaries").first.click()
    page.wait_for_url("**/summaries**")
    check_accessibility(page)

    # The busiest trust comes first in the ranking.
    ranking = page.get_by_role("table", name="NHS trusts, most reports first")
    first_trust = ranking.locator("tbody th a").first
    trust_name = first_trust.inner_text()
    first_trust.click()
    page.get_by_role("heading", level=1, name=trust_name).wait_for()
    assert page.locator("svg[role=img] title").count() >= 1  # the SPC chart, with a text alternative
    check_accessibility(page)

    page.get_by_role("link", name="Make an evidence pack for this trust and period").click()
    check_accessibility(page)
    assert page.get_by_label(trust_name).is_checked()
    page.get_by_label("PDF").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the pack").click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.name.startswith("evidence-pack_") and saved.suffix == ".pdf"
    assert saved.read_bytes().startswith(b"%PDF")
