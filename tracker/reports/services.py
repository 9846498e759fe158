"""Logging, editing and withdrawing reports.

``parse_report(raw)`` turns the raw strings of a form or a spreadsheet row into a
``ReportInput`` or a dict of error messages (field name -> what is wrong and how to fix
it), so that the quick form and the importer apply exactly the same rules. Every write
path runs the patient-identifier guard over every free-text field first; text that
fails it is never written anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tracker import audit, privacy, reference_cache, triage
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.organisations.models import Practice
from tracker.reports.models import (
    ActionTaken,
    Direction,
    PatientImpact,
    Report,
    Source,
    StaffRole,
    StaffTime,
)

DESCRIPTION_MAX = 1000
PROVIDER_NAME_MAX = 200
REASON_MAX = 500
MINUTES_MAX = 6000
EARLIEST_DATE = date(2020, 1, 1)

# Labels users see for each free-text field, used in identifier-guard messages.
FREE_TEXT_LABELS = {
    "description": "Description",
    "independent_provider": "Provider name",
    "reason": "Reason",
}

EDITABLE_FIELDS = (
    "received_on", "trust_id", "independent_provider", "specialty_code", "source", "direction",
    "category_slug", "description", "action_taken", "patient_impact",
)


class ReportError(ValueError):
    """Problems the user can fix: ``errors`` maps field names to messages."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class EditConflict(RuntimeError):
    """Someone else saved the report after this edit started."""


@dataclass
class ReportInput:
    received_on: date
    specialty_code: str
    source: Source
    direction: Direction
    category_slug: str
    description: str
    action_taken: ActionTaken
    patient_impact: PatientImpact
    trust_id: int | None = None
    independent_provider: str | None = None
    staff_minutes: dict[StaffRole, int] = field(default_factory=dict)


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")


def parse_date(text: str) -> date | None:
    text = (text or "").strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _choice(raw: Mapping[str, str], name: str, enum_cls, errors: dict, missing: str, default=None):
    value = (raw.get(name) or "").strip().lower()
    if not value:
        if default is not None:
            return default
        errors[name] = missing
        return None
    try:
        return enum_cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_cls)
        errors[name] = f"{missing} ('{value[:40]}' is not one of: {allowed})"
        return None


class ReferenceLookup:
    """The reference rows a parse needs, loaded once (an import parses thousands of rows)."""

    def __init__(self):
        # Kept per process for a minute (tracker/reference_cache.py): every logged case needs them.
        self.categories = reference_cache.category_slugs()
        self.specialties = reference_cache.specialty_codes()
        self._trusts: dict[str, int] | None = None

    def trust_id(self, code: str) -> int | None:
        if self._trusts is None:
            self._trusts = reference_cache.trust_ids_by_code()
        return self._trusts.get(code.strip().upper())


def parse_report(raw: Mapping[str, str | None], *, lookup: ReferenceLookup | None = None,
                 today: date | None = None) -> tuple[ReportInput | None, dict[str, str]]:
    """Check raw field values; return the parsed input, or None and the errors."""
    raw = {k: ("" if v is None else str(v)) for k, v in raw.items()}
    lookup = lookup or ReferenceLookup()
    today = today or date.today()
    errors: dict[str, str] = {}

    received_on = None
    if not raw.get("received_on", "").strip():
        errors["received_on"] = "Enter the date the request arrived"
    else:
        received_on = parse_date(raw["received_on"])
        if received_on is None:
            errors["received_on"] = "Date the request arrived must be a real date, like 21/11/2026"
        elif received_on > today:
            errors["received_on"] = "Date the request arrived must be today or in the past"
        elif received_on < EARLIEST_DATE:
            errors["received_on"] = "Date the request arrived must be on or after 1 January 2020"

    trust_code = raw.get("trust_code", "").strip()
    independent = " ".join(raw.get("independent_provider", "").split())
    trust_id = None
    if trust_code and independent:
        errors["trust_code"] = "Choose an NHS trust or name an independent provider, not both"
    elif trust_code:
        trust_id = lookup.trust_id(trust_code)
        if trust_id is None:
            errors["trust_code"] = f"No NHS trust has the ODS code '{trust_code[:10]}'. Choose the trust from the list"
    elif not independent:
        errors["trust_code"] = "Choose the hospital trust the request came from"
    elif len(independent) > PROVIDER_NAME_MAX:
        errors["independent_provider"] = f"Provider name must be {PROVIDER_NAME_MAX} characters or fewer"

    specialty = raw.get("specialty_code", "").strip()
    if not specialty:
        errors["specialty_code"] = "Choose the specialty"
    elif specialty not in lookup.specialties:
        errors["specialty_code"] = f"'{specialty[:20]}' is not a treatment function code we know. Choose the specialty from the list"

    category = raw.get("category_slug", "").strip().lower()
    if not category:
        errors["category_slug"] = "Choose the category that fits best"
    elif category not in lookup.categories:
        errors["category_slug"] = f"'{category[:40]}' is not a category. Choose one from the list"

    source = _choice(raw, "source", Source, errors, "Choose where the request came from")
    default_direction = Direction.DECLINED if category == "non-commissioned" else Direction.REQUEST
    direction = _choice(raw, "direction", Direction, errors, "Choose whether this was a request or work you declined",
                        default=default_direction)
    if category == "non-commissioned" and direction is Direction.REQUEST:
        errors["direction"] = "Non-commissioned work is work the practice declined: choose 'Work the practice declined'"
    action = _choice(raw, "action_taken", ActionTaken, errors, "Choose what the practice did")
    impact = _choice(raw, "patient_impact", PatientImpact, errors, "Choose the effect on the patient",
                     default=PatientImpact.NONE)

    description = raw.get("description", "").strip()
    if not description:
        errors["description"] = "Describe what the hospital asked for, without patient details"
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = f"Description must be {DESCRIPTION_MAX} characters or fewer (it has {len(description)})"

    minutes: dict[StaffRole, int] = {}
    for role in StaffRole:
        name = f"minutes_{role.value}"
        value = raw.get(name, "").strip()
        if not value:
            continue
        if not re.fullmatch(r"\d{1,5}", value):
            errors[name] = f"{role.label} time must be a whole number of minutes, like 15"
        elif not 0 <= int(value) <= MINUTES_MAX:
            errors[name] = f"{role.label} time must be between 0 and {MINUTES_MAX} minutes"
        elif int(value) > 0:
            minutes[role] = int(value)

    # The guard runs last so that its message is added to (never hides) the others.
    _guard({"description": description, "independent_provider": independent}, errors)

    if errors:
        return None, errors
    return ReportInput(
        received_on=received_on, specialty_code=specialty, source=source, direction=direction,
        category_slug=category, description=description, action_taken=action, patient_impact=impact,
        trust_id=trust_id, independent_provider=independent or None, staff_minutes=minutes,
    ), {}


def _guard(fields: Mapping[str, str], errors: dict[str, str]) -> None:
    try:
        privacy.ensure_no_identifiers(fields)
    except privacy.IdentifierFound as found:
        for name, message in found.messages(FREE_TEXT_LABELS).items():
            errors[name] = message


def _apply(report: Report, data: ReportInput) -> list[str]:
    """Copy the input onto the report; return the names of the fields that changed."""
    changed = []
    for name in EDITABLE_FIELDS:
        value = getattr(data, name)
        if getattr(report, name) != value:
            setattr(report, name, value)
            changed.append(name)
    current = {st.staff_role: st.minutes for st in report.staff_time}
    if current != data.staff_minutes:
        report.staff_time = [StaffTime(staff_role=role, minutes=m) for role, m in sorted(data.staff_minutes.items())]
        changed.append("staff_time")
    report.staff_minutes_total = sum(data.staff_minutes.values())
    if "description" in changed:
        for name, value in _suggested(data.description).items():
            setattr(report, name, value)
    return changed


def _suggested(description: str) -> dict:
    """The triage assistant's category for the description, kept beside the one chosen."""
    suggestion = triage.suggest(description)
    return {"suggested_category_slug": suggestion.slug, "suggestion_confidence": suggestion.confidence}


def find_by_submission(practice: Practice, token: str) -> Report | None:
    return db.session.scalar(
        select(Report).where(Report.submission_token == token, Report.practice_id == practice.id)
    )


def log_report(practice: Practice, user, data: ReportInput, submission_token: str | None = None) -> tuple[int, bool]:
    """Create a report; return its id and True. A repeated ``submission_token`` returns the
    first report's id and False, not a second report.

    Plain inserts, not the ORM's unit of work: a case is logged far more often than anything
    else is written, and on PostgreSQL its insert locks the month's summary row (the
    triggers) until the commit, so every statement between the two keeps other cases from
    the same ICB, month and trust waiting (docs/performance.md). The insert itself answers
    whether the token was used before (ON CONFLICT DO NOTHING), where a lookup first and a
    savepoint to recover from a lost race cost three more statements.
    """
    row = {name: getattr(data, name) for name in EDITABLE_FIELDS}
    row.update(_suggested(data.description), practice_id=practice.id, logged_by_id=user.id,
               submission_token=submission_token, staff_minutes_total=sum(data.staff_minutes.values()))
    report_id = db.session.scalar(_insert_unless_token_used(row))
    if report_id is None:
        existing = find_by_submission(practice, submission_token)
        if existing is not None:  # the same form saved before, or at the same moment by a second click
            return existing.id, False
        # Another practice's token (a form tampered with): this is a case of its own.
        row["submission_token"] = None
        report_id = db.session.scalar(_insert_unless_token_used(row))
    if data.staff_minutes:
        db.session.execute(insert(StaffTime), [
            {"report_id": report_id, "staff_role": role, "minutes": minutes}
            for role, minutes in sorted(data.staff_minutes.items())
        ])
    audit.record(
        "report.created", actor=user, object_type="report", object_id=report_id, practice_id=practice.id,
        category=data.category_slug, suggested=row["suggested_category_slug"],
    )
    return report_id, True


def _insert_unless_token_used(row: dict):
    """INSERT ... ON CONFLICT (submission_token) DO NOTHING RETURNING id, in either dialect."""
    dialect_insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    return (dialect_insert(Report).values(row)
            .on_conflict_do_nothing(index_elements=[Report.submission_token])
            .returning(Report.id))


def edit_report(report: Report, user, data: ReportInput, expected_version: int) -> list[str]:
    """Apply an edit made from ``expected_version``; refuse it if the report moved on since."""
    if report.version != expected_version:
        raise EditConflict()
    changed = _apply(report, data)
    if changed:
        db.session.flush()
        audit.record("report.edited", actor=user, object_type="report", object_id=report.id,
                     practice_id=report.practice_id, fields=changed)
    return changed


def withdraw_report(report: Report, user, reason: str) -> None:
    """Withdraw: kept and audited, but hidden from summaries and exports."""
    reason = " ".join((reason or "").split())
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "Say why the report is being withdrawn"
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"Reason must be {REASON_MAX} characters or fewer"
    _guard({"reason": reason}, errors)
    if errors:
        raise ReportError(errors)
    if report.is_withdrawn:
        return
    report.withdrawn_at = utcnow()
    report.withdrawn_by_id = user.id
    report.withdrawn_reason = reason
    db.session.flush()
    audit.record("report.withdrawn", actor=user, object_type="report", object_id=report.id,
                 practice_id=report.practice_id, fields=["withdrawn_at", "withdrawn_reason"])
