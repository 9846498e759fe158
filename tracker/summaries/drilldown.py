"""The drill-down's GET parameters: read them into a ``ReportFilter`` or into error messages.

Parameters: ``trust`` (ODS code), ``independent`` (provider name), ``category`` (slug),
``month`` (YYYY-MM), ``specialty`` (treatment function code), ``source``, ``action``,
``impact``, ``role`` (enum values), and the period (``from``/``to`` or ``period``).
A month and a period together mean the days they share, so a part month on a summary
page drills down to the same reports it counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from tracker.categories.models import Category
from tracker.extensions import db
from tracker.organisations.models import Specialty, Trust
from tracker.reports.models import ActionTaken, PatientImpact, Source, StaffRole
from tracker.summaries.periods import Period, PeriodChoice, choose_period, month_label, month_range
from tracker.summaries.queries import ReportFilter

FILTER_NAMES = ("trust", "independent", "category", "month", "specialty", "source", "action", "impact", "role")

_ENUMS = {
    "source": (Source, "source", "Choose a source from the summary page"),
    "action": (ActionTaken, "action", "Choose an action from the summary page"),
    "impact": (PatientImpact, "impact", "Choose a patient impact from the summary page"),
    "role": (StaffRole, "staff_role", "Choose a staff role from the summary page"),
}


@dataclass
class Drilldown:
    """A parsed drill-down request: the filter (None when there are errors) and what it means."""

    choice: PeriodChoice
    filter: ReportFilter | None
    args: dict[str, str]  # the filter parameters as given, to build links again
    descriptions: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    trust: Trust | None = None

    @property
    def provider_slug(self) -> str:
        if self.trust is not None:
            return self.trust.ods_code
        if self.args.get("independent"):
            slug = "".join(ch if ch.isalnum() else "-" for ch in self.args["independent"].lower())
            return "-".join(part for part in slug.split("-") if part)[:40] or "independent"
        return "all-providers"


def parse_drilldown(args: Mapping[str, str], today: date | None = None) -> Drilldown:
    given = {name: (args.get(name) or "").strip()[:200] for name in FILTER_NAMES}
    given = {name: value for name, value in given.items() if value}
    choice = choose_period(args, today)
    errors = dict(choice.errors)
    filters: dict = {}
    descriptions: list[str] = []
    trust = None

    if "trust" in given and "independent" in given:
        errors["trust"] = "Choose a trust or an independent provider, not both"
    elif "trust" in given:
        trust = db.session.scalar(select(Trust).where(Trust.ods_code == given["trust"].upper()))
        if trust is None:
            errors["trust"] = "No NHS trust has that ODS code. Go back to the summary and choose a trust"
        else:
            filters["trust_id"] = trust.id
            descriptions.append(trust.name)
    elif "independent" in given:
        filters["independent"] = given["independent"]
        descriptions.append(f"{given['independent']} (independent provider)")

    if "category" in given:
        title = db.session.scalar(select(Category.title).where(Category.slug == given["category"]))
        if title is None:
            errors["category"] = "That category does not exist. Go back to the summary and choose a category"
        else:
            filters["category"] = given["category"]
            descriptions.append(title)

    if "specialty" in given:
        name = db.session.scalar(select(Specialty.name).where(Specialty.code == given["specialty"]))
        if name is None:
            errors["specialty"] = "That specialty code does not exist. Go back to the summary and choose a specialty"
        else:
            filters["specialty"] = given["specialty"]
            descriptions.append(name)

    for param, (enum_cls, attribute, message) in _ENUMS.items():
        if param in given:
            try:
                member = enum_cls(given[param])
            except ValueError:
                errors[param] = f"'{given[param][:40]}' is not recognised. {message}"
            else:
                filters[attribute] = member
                descriptions.append(f"with {member.label} time" if param == "role" else member.label)

    period = choice.period
    if "month" in given:
        bounds = month_range(given["month"])
        if bounds is None:
            errors["month"] = "The month must be a year and month, like 2026-03"
        elif period is not None:
            start, end = max(bounds[0], period.start), min(bounds[1], period.end)
            if start > end:
                errors["month"] = "That month is outside the chosen dates. Choose a month within them"
            else:
                period = Period(start, end)
                descriptions.append(month_label(given["month"]))

    if errors or period is None:
        return Drilldown(choice, None, given, descriptions, errors, trust)
    return Drilldown(choice, ReportFilter.for_period(period, **filters), given, descriptions, {}, trust)
