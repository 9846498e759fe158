"""An administrator adds a user, who sets a password through the one-time link and signs in."""

import re

from tests.browser.conftest import check_accessibility, sign_in


def test_admin_creates_a_user_who_sets_a_password_and_signs_in(page, live_server):
    page.goto("/sign-in")
    check_accessibility(page)
    sign_in(page, "admin@example.nhs.uk")
    check_accessibility(page)

    page.get_by_role("link", name="Users").first.click()
    check_accessibility(page)
    page.get_by_role("button", name="Add a user").click()
    check_accessibility(page)

    # Submitting empty shows the error summary, focused, linking to the fields.
    page.get_by_role("button", name="Add user").click()
    summary = page.locator(".nhsuk-error-summary")
    summary.wait_for()
    assert "Enter the person's full name" in summary.inner_text()
    check_accessibility(page)

    page.get_by_label("Full name").fill("Jo Newstarter")
    page.get_by_label("Email address").fill("jo.newstarter@example.nhs.uk")
    page.get_by_label("Role").select_option("practice-user")
    page.get_by_label("Practice ODS code").fill(_demo_practice_code(page, live_server))
    page.get_by_role("button", name="Add user").click()
    link = page.locator("#password-link").inner_text().strip()
    assert re.search(r"/set-password/[\w-]+$", link)
    check_accessibility(page)

    # The new user, in a fresh browser context, sets a password and signs in.
    new_context = page.context.browser.new_context(base_url=live_server)
    newcomer = new_context.new_page()
    newcomer.goto(link)
    check_accessibility(newcomer)
    newcomer.get_by_label("Create a password").fill("three random words")
    newcomer.get_by_label("Type the password again").fill("three random words")
    newcomer.get_by_role("button", name="Save password").click()
    newcomer.wait_for_url("**/sign-in")
    sign_in(newcomer, "jo.newstarter@example.nhs.uk", "three random words")
    assert "Jo Newstarter" in newcomer.locator("header").inner_text()
    check_accessibility(newcomer)
    new_context.close()


def _demo_practice_code(page, live_server) -> str:
    """The demo practice user's practice, read from the admin's user list."""
    listing = page.context.new_page()
    listing.goto(f"{live_server}/admin/users?q=practice.user")
    listing.get_by_role("link", name="Priya Shah").click()
    code = listing.get_by_label("Practice ODS code").input_value()
    listing.close()
    return code
