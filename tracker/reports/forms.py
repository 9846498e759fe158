"""The quick form's values: read from a request, made from a report, or defaulted.

The rules live in ``services.parse_report`` (shared with the spreadsheet import). This module
only turns form posts into the raw strings ``parse_report`` reads, keeps every value the user
typed for the page to show back, and orders the errors for the NHS.UK error summary.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from tracker.reports.models import Direction, Report, StaffRole

DATE_PARTS = ("day", "month", "year")

# Where each field's error links to, in the order the fields appear on the page. Radios are
# labelled by their first item, whose id is the field name; the date by its day box.
FIELD_ANCHORS: dict[str, str] = {
    "received_on": "received_on-day",
    "trust_code": "trust_code",
    "independent_provider": "independent_provider",
    "specialty_code": "specialty_code",
    "source": "source",
    "description": "description",
    "category_slug": "category_slug",
    "action_taken": "action_taken",
    "patient_impact": "patient_impact",
    "direction": "direction",
    **{f"minutes_{role.value}": f"minutes_{role.value}" for role in StaffRole},
}

TEXT_FIELDS = (
    "trust_code", "independent_provider", "specialty_code", "source", "description", "category_slug",
    "action_taken", "patient_impact", "direction", *(f"minutes_{role.value}" for role in StaffRole),
)

_TOKEN = re.compile(r"[0-9a-f]{32}")


@dataclass
class ReportForm:
    """What the form shows: the values (as typed) and an error message per field."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    def error_summary(self) -> list[dict[str, str]]:
        ordered = sorted(self.errors.items(), key=lambda item: list(FIELD_ANCHORS).index(item[0])
                         if item[0] in FIELD_ANCHORS else len(FIELD_ANCHORS))
        return [{"text": message, "href": f"#{FIELD_ANCHORS.get(name, 'maincontent')}"} for name, message in ordered]

    @property
    def provider_details_open(self) -> bool:
        return bool(self.value("independent_provider") or "independent_provider" in self.errors)

    @property
    def direction_details_open(self) -> bool:
        return bool(self.value("direction") or "direction" in self.errors)

    @property
    def date_error_parts(self) -> set[str]:
        """Which date boxes to mark: the missing ones, or all three for any other problem."""
        if "received_on" not in self.errors:
            return set()
        missing = {part for part in DATE_PARTS if not self.value(f"received_on-{part}")}
        return missing or set(DATE_PARTS)


def new_submission_token() -> str:
    return uuid.uuid4().hex


def submission_token(form: Mapping[str, str]) -> str | None:
    """The form's token if it is one we could have issued; anything else counts as none."""
    token = (form.get("submission_token") or "").strip().lower().replace("-", "")
    return token if _TOKEN.fullmatch(token) else None


def default_form(today: date, trust_code: str = "", source: str = "") -> ReportForm:
    """A fresh form: today's date, the user's last provider and source, no patient impact."""
    return ReportForm(values={
        "received_on-day": str(today.day), "received_on-month": str(today.month),
        "received_on-year": str(today.year), "trust_code": trust_code, "default_trust_code": trust_code,
        "source": source, "patient_impact": "none", "direction": "",
    })


def form_from_report(report: Report) -> ReportForm:
    values = {
        "received_on-day": str(report.received_on.day), "received_on-month": str(report.received_on.month),
        "received_on-year": str(report.received_on.year),
        "trust_code": report.trust.ods_code if report.trust else "",
        "default_trust_code": report.trust.ods_code if report.trust else "",
        "independent_provider": report.independent_provider or "",
        "specialty_code": report.specialty_code, "source": report.source.value,
        "description": report.description, "category_slug": report.category_slug,
        "action_taken": report.action_taken.value, "patient_impact": report.patient_impact.value,
        # Left to follow the category unless it differs from what the category implies.
        "direction": "" if report.direction is _implied_direction(report.category_slug) else report.direction.value,
    }
    for staff_time in report.staff_time:
        values[f"minutes_{staff_time.staff_role.value}"] = str(staff_time.minutes)
    return ReportForm(values=values)


def _implied_direction(category_slug: str) -> Direction:
    return Direction.DECLINED if category_slug == "non-commissioned" else Direction.REQUEST


def read_form(form: Mapping[str, str]) -> tuple[ReportForm, dict[str, str], dict[str, str]]:
    """Read a post of the quick form.

    Returns the form to show back (every value as typed), the raw values for
    ``parse_report``, and errors that only the form can know about (a date with a part missing).
    """
    values = {name: (form.get(name) or "") for name in TEXT_FIELDS}
    values["default_trust_code"] = form.get("default_trust_code") or ""
    for part in DATE_PARTS:
        values[f"received_on-{part}"] = (form.get(f"received_on-{part}") or "").strip()
    raw = {name: values[name] for name in TEXT_FIELDS}

    # A trust the form chose for the user (their last one) does not count as a choice when
    # they name an independent provider instead: they should not have to clear it by hand.
    if raw["independent_provider"].strip() and raw["trust_code"] == values["default_trust_code"]:
        raw["trust_code"] = ""
        values["trust_code"] = ""

    raw["received_on"], date_error = _compose_date(values)
    errors = {"received_on": date_error} if date_error else {}
    return ReportForm(values=values), raw, errors


def _compose_date(values: Mapping[str, str]) -> tuple[str, str | None]:
    day, month, year = (values[f"received_on-{part}"] for part in DATE_PARTS)
    if not (day or month or year):
        return "", None
    missing = [name for name, value in zip(DATE_PARTS, (day, month, year)) if not value]
    if missing:
        return "", f"Date the request arrived must include a {' and '.join(missing)}"
    if not re.fullmatch(r"\d{4}", year):
        return "", f"Year must include 4 numbers, like {date.today().year}"
    return f"{day}/{month}/{year}", None
