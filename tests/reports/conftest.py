"""Helpers for the quick form and practice view tests."""

from __future__ import annotations

from datetime import date

import lxml.html
import pytest
from sqlalchemy import func, select

from tracker.audit.models import AuditEvent
from tracker.reports.models import Report

TOKEN = "0123456789abcdef0123456789abcdef"


def case_form(**changes) -> dict[str, str]:
    """A valid post of the quick form, as a browser sends it; ``changes`` override fields."""
    today = date.today()
    form = {
        "received_on-day": str(today.day), "received_on-month": str(today.month),
        "received_on-year": str(today.year), "trust_code": "RJ1", "default_trust_code": "",
        "independent_provider": "", "specialty_code": "320", "source": "clinic-letter",
        "description": "Cardiology letter: GP to arrange echo before review",
        "category_slug": "investigations", "action_taken": "done-under-protest",
        "patient_impact": "none", "direction": "", "minutes_gp": "", "minutes_nurse": "",
        "minutes_pharmacist": "", "minutes_admin": "", "submission_token": TOKEN, "action": "save",
    }
    form.update(changes)
    return form


def page(response) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.text)


def error_summary(response) -> list[tuple[str, str]]:
    """(message, link) of each item of the NHS error summary."""
    return [(" ".join(a.text_content().split()), a.get("href"))
            for a in page(response).xpath("//*[contains(@class, 'nhsuk-error-summary__list')]//a")]


def count_reports(session) -> int:
    return session.scalar(select(func.count()).select_from(Report))


def count_audit(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.fixture
def practice_user(factory, login):
    return login(factory.user("practice-user", practice=factory.practice("QKK", 0)))
