"""The blank "Log a case" form is rendered once per distinct form (form_options.blank_form_fields):
what a user sees must still follow every case they log."""

from __future__ import annotations

import pytest

from tests.reports.conftest import case_form, page
from tracker import reference_cache
from tracker.reports import form_options


@pytest.fixture
def kept_reference_lists(app):
    """Reference snapshots kept (as in production), so that blank forms are kept too."""
    app.config["REFERENCE_CACHE_SECONDS"] = 60
    reference_cache.clear()
    form_options.clear_blank_forms()
    yield
    app.config.pop("REFERENCE_CACHE_SECONDS")
    reference_cache.clear()
    form_options.clear_blank_forms()


def _fields(response) -> str:
    """The form's fields, without this request's own tokens."""
    html = response.text
    return html[html.index('name="submission_token"'):html.index('class="nhsuk-button-group"')].split(">", 1)[1]


def _recent_trusts(response) -> list[str]:
    return page(response).xpath("//select[@name='trust_code']/optgroup[1]/option/@value")


def test_the_same_blank_form_is_kept_and_shown_again(client, practice_user, kept_reference_lists):
    first = client.get("/reports/new")
    again = client.get("/reports/new")

    assert _fields(first) == _fields(again)
    assert len(form_options._blank_forms) == 1


def test_a_logged_case_shows_in_the_next_blank_form(client, practice_user, kept_reference_lists):
    client.get("/reports/new")
    client.post("/reports/new", data=case_form(trust_code="RJZ", source="discharge-summary"))

    doc = page(client.get("/reports/new"))

    assert doc.xpath("//select[@name='trust_code']/optgroup[1]/option/@value") == ["RJZ"]
    assert doc.xpath("//select[@name='trust_code']//option[@selected]/@value") == ["RJZ"]
    assert doc.xpath("//input[@name='source'][@checked]/@value") == ["discharge-summary"]

    client.post("/reports/new", data=case_form(trust_code="RJ1", submission_token="1" * 32))
    assert _recent_trusts(client.get("/reports/new")) == ["RJ1", "RJZ"]


def test_forms_with_errors_or_typed_text_are_never_kept(client, practice_user, kept_reference_lists):
    response = client.post("/reports/new", data=case_form(description="", category_slug=""))

    assert response.status_code == 200
    assert not form_options._blank_forms
    retyped = client.post("/reports/new", data=case_form(trust_code="", description="Echo please, typed text"))
    assert "Echo please, typed text" in retyped.text
    assert not form_options._blank_forms
