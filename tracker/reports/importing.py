"""Spreadsheet import: check a practice's existing log row by row, then apply it all at once.

``check_upload(job, filename, data)`` is the dry run. It reads the file
(``import_reading``), runs the patient-identifier guard over every cell before anything
else, turns each row into the raw fields ``parse_report`` takes (accepting friendly
spellings: trust names, category titles, labels, Excel dates) and lets ``parse_report``
apply exactly the rules of the quick form. The job keeps errors (row, column, message:
never a cell that failed the guard) and, only when no cell failed the guard, the parsed
rows.

``apply_job(job, user)`` inserts every row of a checked job with no errors, in chunks
of multi-row inserts inside the caller's one transaction: all or nothing. It writes one
audit event for the whole import. Imported reports carry no triage suggestion: the
suggestion records what the form showed the user, and an import showed none (it would
also cost about a third of a millisecond a row, half the time budget of a large file).

Large files run in a background thread (``run_in_background``) that commits progress
as it goes; nothing here commits otherwise.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import from_excel
from sqlalchemy import insert, select, update

from tracker import audit, privacy
from tracker.categories.models import Category
from tracker.database import writing_work
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.organisations.models import Specialty, Trust
from tracker.reports.import_reading import ImportFileError, Table, is_formula, read_table
from tracker.reports.models import (
    ActionTaken,
    Direction,
    ImportJob,
    ImportStatus,
    PatientImpact,
    Report,
    Source,
    StaffRole,
    StaffTime,
    Status,
)
from tracker.reports.services import ReferenceLookup, parse_date, parse_report

log = logging.getLogger("tracker.import")

CHUNK_ROWS = 2_000  # rows between progress updates, and rows per multi-row insert
MAX_LISTED_ERRORS = 1_000  # past this the job keeps a count, not every message
BACKGROUND_MIN_ROWS = 2_000  # larger files are checked and applied in a background thread
STALE_AFTER = timedelta(hours=1)  # a job still running after this was cut short
SCAN_CACHE_MAX_CHARS = 100  # longer cells (descriptions) are rarely repeated: not worth keeping

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Column:
    name: str
    field: str  # the parse_report field it feeds
    required: bool
    guidance: str


COLUMNS: tuple[Column, ...] = (
    Column("date_received", "received_on", True,
           "The date the request arrived, like 21/11/2026 (day/month/year), 2026-11-21 or an Excel date."),
    Column("provider", "trust_code", True,
           "The NHS trust's ODS code, like RJ1, or its full name. Leave empty for a non-NHS provider."),
    Column("independent_provider", "independent_provider", False,
           "The name of a non-NHS provider, only when provider is empty."),
    Column("specialty_code", "specialty_code", True,
           "The treatment function code, like 320 for cardiology, or the specialty's name."),
    Column("source", "source", True, "Where the request came from, like clinic-letter."),
    Column("direction", "direction", False,
           "request or declined. Leave empty for request (declined for non-commissioned work)."),
    Column("category", "category_slug", True,
           "The category, like investigations, or its title, like Asked to organise investigations."),
    Column("description", "description", True,
           "What the hospital asked for, up to 1,000 characters. No names, NHS numbers, dates of birth, "
           "postcodes or email addresses."),
    Column("action_taken", "action_taken", True, "What the practice did, like declined-returned."),
    Column("patient_impact", "patient_impact", False, "none, delay, risk-of-harm or harm. Leave empty for none."),
    Column("minutes_gp", "minutes_gp", False, "Whole minutes of GP time, like 10."),
    Column("minutes_nurse", "minutes_nurse", False, "Whole minutes of nurse time."),
    Column("minutes_pharmacist", "minutes_pharmacist", False, "Whole minutes of pharmacist time."),
    Column("minutes_admin", "minutes_admin", False, "Whole minutes of admin staff time."),
)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
_COLUMN_FOR_FIELD = {c.field: c.name for c in COLUMNS}
_HEADINGS_LIST = ", ".join(COLUMN_NAMES)

# How a checked row is kept on the job: a list in this order (a third the size of a dict).
ROW_FIELDS: tuple[str, ...] = (
    "received_on", "trust_id", "independent_provider", "specialty_code", "source", "direction",
    "category_slug", "description", "action_taken", "patient_impact",
    "minutes_gp", "minutes_nurse", "minutes_pharmacist", "minutes_admin",
)
_AT = {name: i for i, name in enumerate(ROW_FIELDS)}


def _key(text: str) -> str:
    """Text as compared for friendly matches: case, spacing, hyphens and underscores ignored."""
    return " ".join(text.replace("_", " ").replace("-", " ").split()).casefold()


def heading_key(text: str) -> str:
    return _key(text).replace(" ", "_")


def _choices(enum_cls) -> dict[str, str]:
    """Each member by its value and by its label."""
    found: dict[str, str] = {}
    for member in enum_cls:
        found[_key(member.value)] = member.value
        found[_key(member.label)] = member.value
    return found


SOURCES = _choices(Source)
DIRECTIONS = _choices(Direction)
ACTIONS = _choices(ActionTaken)
IMPACTS = _choices(PatientImpact)


class ImportLookup:
    """Everything a row check looks up, loaded once for the whole file."""

    def __init__(self):
        self.reference = ReferenceLookup()
        self.trusts_by_code: dict[str, str] = {}
        trusts_by_name: dict[str, str | None] = {}
        for code, name in db.session.execute(select(Trust.ods_code, Trust.name)):
            self.trusts_by_code[code.upper()] = code
            key = _key(name)
            trusts_by_name[key] = None if key in trusts_by_name else code  # None: two trusts share it
        self.trusts_by_name = trusts_by_name
        self.categories: dict[str, str] = {}
        for slug, title in db.session.execute(select(Category.slug, Category.title)):
            self.categories[_key(slug)] = slug
            self.categories.setdefault(_key(title), slug)
        self.specialties: dict[str, str] = {}
        for code, name in db.session.execute(select(Specialty.code, Specialty.name)):
            self.specialties[code] = code
            self.specialties.setdefault(_key(name), code)
            self.specialties[_key(f"{name} ({code})")] = code


# --- One row ---------------------------------------------------------------------------

_EXCEL_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")
_DATE_WITH_TIME = re.compile(r"(\S+)[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?")
_MORE_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%d-%b-%Y", "%d-%b-%y", "%d %b %y", "%Y/%m/%d")


@lru_cache(maxsize=4096)  # a log has a few hundred distinct dates, each written many times
def normalise_date(text: str) -> str | None:
    """ISO text for a date written any unambiguous way we know, else None."""
    text = text.strip()
    if _EXCEL_SERIAL.fullmatch(text):  # an Excel date that lost its date format
        serial = float(text)
        return from_excel(serial).date().isoformat() if 36526 <= serial <= 73051 else None
    with_time = _DATE_WITH_TIME.fullmatch(text)
    if with_time:
        text = with_time.group(1)
    parsed = parse_date(text)
    if parsed is None:
        for fmt in _MORE_DATE_FORMATS:
            try:
                parsed = datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
    return parsed.isoformat() if parsed else None


def _quote(text: str, limit: int = 40) -> str:
    """A short quote of a cell that passed the identifier guard, for messages."""
    text = " ".join(text.split())
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"


def _one_of(choices: Iterable[str]) -> str:
    return ", ".join(dict.fromkeys(choices))


_MINUTE_COLUMNS = tuple(f"minutes_{role.value}" for role in StaffRole)
_ROLES = tuple(StaffRole)
_NOT_BOTH = "Fill in provider for an NHS trust or independent_provider for a non-NHS provider, not both"
_NO_PROVIDER = ("Enter the NHS trust's ODS code or name in provider, or a non-NHS provider's name in "
                "independent_provider")
_NON_COMMISSIONED_REQUEST = ("Non-commissioned work is always work the practice declined: put declined in "
                             "direction, or leave it empty")

_FREE_TEXT_COLUMNS = frozenset({"description", "independent_provider"})

Resolved = tuple[str, str | None]  # (value for parse_report, or "" with an error message)


class RowChecker:
    """Turns the cells of one row (column name -> text) into a stored row, or errors by column.

    Coded cells (dates, providers, categories...) repeat thousands of times in a log, so
    each distinct text is resolved once and remembered.
    """

    def __init__(self, lookup: ImportLookup, today: date | None = None):
        self.lookup = lookup
        self.today = today or date.today()
        self._resolved: dict[tuple[str, str], Resolved] = {}
        self._resolvers = {
            "date_received": self._date,
            "provider": self._provider,
            "specialty_code": self._specialty,
            "category": self._category,
            "source": lambda text: _coded(text, "source", SOURCES, "where the request came from"),
            "direction": lambda text: _coded(text, "direction", DIRECTIONS),
            "action_taken": lambda text: _coded(text, "action_taken", ACTIONS, "what the practice did"),
            "patient_impact": lambda text: _coded(text, "patient_impact", IMPACTS),
        }

    def _resolve(self, column: str, text: str, errors: dict[str, str]) -> str:
        key = (column, text)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = self._resolvers[column](text)
        value, error = found
        if error:
            errors[column] = error
        return value

    def check(self, cells: Mapping[str, str]) -> tuple[list | None, dict[str, str]]:
        def cell(name: str) -> str:
            return str(cells.get(name) or "").strip()

        errors: dict[str, str] = {}
        provider, independent = cell("provider"), cell("independent_provider")
        raw = {name: cell(name) for name in _MINUTE_COLUMNS}
        raw["description"] = cell("description")
        raw["independent_provider"] = independent
        raw["received_on"] = self._resolve("date_received", cell("date_received"), errors)
        if provider and independent:
            errors["provider"] = _NOT_BOTH
            raw["trust_code"] = ""
        elif provider or not independent:
            raw["trust_code"] = self._resolve("provider", provider, errors)
        raw["specialty_code"] = self._resolve("specialty_code", cell("specialty_code"), errors)
        raw["category_slug"] = self._resolve("category", cell("category"), errors)
        for column in ("source", "direction", "action_taken", "patient_impact"):
            raw[column] = self._resolve(column, cell(column), errors)
        if raw["category_slug"] == "non-commissioned" and raw["direction"] == Direction.REQUEST.value:
            errors["direction"] = _NON_COMMISSIONED_REQUEST

        parsed, field_errors = parse_report(raw, lookup=self.lookup.reference, today=self.today)
        for field_name, message in field_errors.items():
            errors.setdefault(_COLUMN_FOR_FIELD.get(field_name, field_name), message)
        if errors or parsed is None:
            return None, errors

        minutes = parsed.staff_minutes
        return [
            parsed.received_on.isoformat(), parsed.trust_id, parsed.independent_provider,
            parsed.specialty_code, parsed.source.value, parsed.direction.value, parsed.category_slug,
            parsed.description, parsed.action_taken.value, parsed.patient_impact.value,
            *(minutes.get(role) for role in _ROLES),
        ], {}

    def _date(self, text: str) -> Resolved:
        if not text:
            return "", "Enter the date the request arrived, like 21/11/2026"
        iso = normalise_date(text)
        if iso is None:
            return "", (f"{_quote(text)} is not a date we can read. Check the day and month, and write it "
                        "as day/month/year, like 21/11/2026, or as 2026-11-21")
        return iso, None

    def _provider(self, text: str) -> Resolved:
        if not text:
            return "", _NO_PROVIDER
        code = self.lookup.trusts_by_code.get(text.upper())
        if code is None:
            key = _key(text)
            if key in self.lookup.trusts_by_name and self.lookup.trusts_by_name[key] is None:
                return "", f"More than one NHS trust is called {_quote(text)}. Use its ODS code"
            code = self.lookup.trusts_by_name.get(key)
        if code is None:
            return "", (
                f"No NHS trust has the ODS code or name {_quote(text)}. Use the trust's ODS code, like RJ1, "
                "or its full name as in the template's list of trusts. For a non-NHS provider, leave provider "
                "empty and put the name in independent_provider"
            )
        return code, None

    def _specialty(self, text: str) -> Resolved:
        if not text:
            return "", "Enter the specialty's treatment function code, like 320 for cardiology"
        code = self.lookup.specialties.get(text) or self.lookup.specialties.get(_key(text))
        if code is None:
            return "", (f"{_quote(text, 20)} is not a treatment function code we know. "
                        "Use a code from the template's list, like 320 for cardiology")
        return code, None

    def _category(self, text: str) -> Resolved:
        if not text:
            return "", "Enter the category, like investigations. The template lists them all"
        slug = self.lookup.categories.get(_key(text))
        if slug is None:
            return "", (f"{_quote(text)} is not a category. Use one from the template's list, "
                        "like investigations or fit-notes, or its title")
        return slug, None


def _coded(text: str, column: str, choices: Mapping[str, str], missing: str | None = None) -> Resolved:
    """A value of a coded column by its value or label; empty is allowed when nothing is missing."""
    if not text:
        return "", (f"Enter {missing}, like {next(iter(choices.values()))}" if missing else None)
    value = choices.get(_key(text))
    if value is None:
        return "", f"{_quote(text)} is not allowed in {column}. Use one of: {_one_of(choices.values())}"
    return value, None


# --- The whole file -------------------------------------------------------------------

@dataclass
class CheckResult:
    total_rows: int
    rows: list[list] | None  # None when any cell failed the identifier guard
    errors: list[dict]
    error_rows: int


def _guard_message(label: str, findings, offsets: bool) -> str:
    if offsets:
        return privacy.message_for(f"the {label} cell", findings)
    kinds = [kind.label for kind in privacy.kinds_of(findings)]
    what = kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} and {kinds[-1]}"
    return f"The {label} cell contains what looks like {what}. Remove it: reports must not identify a patient."


def _error(row: int | None, column: str | None, message: str) -> dict:
    return {"row": row, "column": column, "message": message}


class _Columns:
    """What each column of the file is: one of ours, or a column to refuse (named safely)."""

    def __init__(self, headings: list[str]):
        self.names: list[str | None] = []  # our column name, or None
        self.labels: list[str] = []  # how messages name the column
        self.errors: list[dict] = []
        self.unsafe_heading = False
        seen: dict[str, int] = {}
        unknown: list[str] = []
        for index, heading in enumerate(headings):
            letter = get_column_letter(index + 1)
            if heading and privacy.scan(heading):
                self.unsafe_heading = True
                self.errors.append(_error(None, f"column {letter}", _guard_message(
                    f"column {letter} heading", privacy.scan(heading), offsets=False)))
                self.names.append(None)
                self.labels.append(f"column {letter}")
                continue
            key = heading_key(heading)
            name = key if key in COLUMN_NAMES else None
            if name and name in seen:
                self.errors.append(_error(None, name, (
                    f"The file has two {name} columns ({get_column_letter(seen[name] + 1)} and {letter}). "
                    "Delete one of them")))
                name = None
            if name:
                seen[name] = index
            elif heading and key not in COLUMN_NAMES:
                unknown.append(f"{_quote(heading)} (column {letter})")
            self.names.append(name)
            self.labels.append(name or (_quote(heading).strip("'") if heading else f"column {letter}"))
        if unknown:
            self.errors.append(_error(None, None, (
                f"The file has columns the import does not take: {', '.join(unknown)}. Delete them, "
                f"or rename them to headings from the template: {_HEADINGS_LIST}")))
        missing = [c.name for c in COLUMNS if c.required and c.name not in seen]
        if missing:
            self.errors.append(_error(None, None, (
                f"The file is missing {'a column' if len(missing) == 1 else 'columns'}: {', '.join(missing)}. "
                f"The first row must hold the headings from the template: {_HEADINGS_LIST}")))
        self.headings = headings
        # What the guard scans before each cell: a column we do not take is read with its
        # heading, so that dates under a heading like 'DOB' are seen as dates of birth.
        self.scan_prefixes = [
            f"{heading}: " if name is None and heading and not self.unsafe_heading else ""
            for name, heading in zip(self.names, headings, strict=True)
        ]

    def label(self, index: int) -> str:
        return self.labels[index] if index < len(self.labels) else f"column {get_column_letter(index + 1)}"

    def position(self, label: str) -> int:
        """Where a column is in the file, so that a row's problems read left to right."""
        if label in self.labels:
            return self.labels.index(label)
        try:
            return column_index_from_string(label.removeprefix("column ")) - 1
        except ValueError:
            return len(self.labels)


def check_table(table: Table, lookup: ImportLookup, *, today: date | None = None,
                progress: Progress | None = None) -> CheckResult:
    columns = _Columns(table.headings)
    file_errors = list(columns.errors)
    can_parse = not file_errors
    checker = RowChecker(lookup, today)
    row_errors: list[dict] = []
    error_rows: set[int] = set()
    rows: list[list] = []
    guard_failed = columns.unsafe_heading
    unheaded_with_values: set[int] = set()
    scanned: dict[str, list] = {}  # coded cells repeat a lot: scan each distinct text once

    names, prefixes, width = columns.names, columns.scan_prefixes, len(columns.names)
    for done, (number, cells) in enumerate(table.rows, start=1):
        problems: dict[str, str] = {}
        failed: set[int] = set()
        # 1. The identifier guard over every cell, whatever its column, before anything else.
        for index, cell in enumerate(cells):
            if not cell:
                continue
            text = prefixes[index] + cell if index < width else cell
            findings = scanned.get(text)
            if findings is None:
                findings = privacy.scan(text)
                if len(text) <= SCAN_CACHE_MAX_CHARS:
                    scanned[text] = findings
            if findings:
                failed.add(index)
                ours = index < width and names[index] is not None
                problems.setdefault(columns.label(index), _guard_message(columns.label(index), findings, ours))
        guard_failed = guard_failed or bool(failed)
        # 2. Cells the import cannot use: formulas, values under no heading. A cell that failed
        # the guard is never looked at again (so never quoted): a free-text one stands in as
        # a placeholder, so that the row's other cells still get checked in this same pass.
        values: dict[str, str] = {}
        for index, cell in enumerate(cells):
            name = names[index] if index < width else None
            if index in failed:
                if name in _FREE_TEXT_COLUMNS:
                    values[name] = "(removed)"
            elif is_formula(cell):
                problems.setdefault(columns.label(index), (
                    "This cell holds a formula. Replace formulas with their values: copy the cells, "
                    "then use Paste Special and choose Values"))
            elif name:
                values[name] = cell
            elif cell.strip() and not (index < width and table.headings[index]):
                unheaded_with_values.add(index)
        # 3. The same rules as the quick form (a guard message stays the one for its column).
        if can_parse:
            parsed, errors = checker.check(values)
            for column, message in errors.items():
                problems.setdefault(column, message)
            if parsed is not None and not problems:
                rows.append(parsed)
        if problems:
            error_rows.add(number)
            if len(row_errors) < MAX_LISTED_ERRORS:
                row_errors.extend(_error(number, column, problems[column])
                                  for column in sorted(problems, key=columns.position))
        if progress and done % CHUNK_ROWS == 0:
            progress(done)

    for index in sorted(unheaded_with_values):
        letter = get_column_letter(index + 1)
        file_errors.append(_error(None, f"column {letter}", (
            f"Column {letter} has values but no heading. Give it a heading from the template, or delete it")))
    if len(row_errors) >= MAX_LISTED_ERRORS:
        row_errors = row_errors[:MAX_LISTED_ERRORS]
        listed = len({e["row"] for e in row_errors})
        if len(error_rows) > listed:
            file_errors.append(_error(None, None, (
                f"{len(error_rows):,} rows have problems; the first {listed:,} are listed. "
                "Fix those, check the other rows the same way and upload the file again")))
    return CheckResult(
        total_rows=len(table.rows),
        rows=None if guard_failed else rows,
        errors=file_errors + row_errors,
        error_rows=len(error_rows),
    )


def safe_filename(filename: str) -> str:
    """The upload's name as kept on the job: no folders, no control characters (PostgreSQL
    cannot store a NUL), short, and never an identifier."""
    printable = "".join(ch for ch in filename or "" if ch.isprintable())
    name = re.split(r"[\\/]", printable)[-1].strip()[:100]
    if not name or privacy.scan(name):
        return "spreadsheet." + ("xlsx" if name.lower().endswith(".xlsx") else "csv")
    return name


def check_upload(job: ImportJob, filename: str, data: bytes, *, progress: Progress | None = None,
                 today: date | None = None) -> None:
    """The dry run: fill in the job's counts, errors and (when safe) rows, and mark it checked."""
    try:
        table = read_table(filename, data)
    except ImportFileError as problem:
        _finish_check(job, total=0, rows=None, errors=[_error(None, None, str(problem))])
        return
    job.total_rows = len(table.rows)
    if progress:
        progress(0)
    result = check_table(table, ImportLookup(), today=today, progress=progress)
    _finish_check(job, total=result.total_rows, rows=result.rows, errors=result.errors)


def _finish_check(job: ImportJob, *, total: int, rows: list | None, errors: list[dict]) -> None:
    job.total_rows = total
    job.processed_rows = total
    job.rows = rows
    job.errors = errors
    job.status = ImportStatus.CHECKED
    job.finished_at = utcnow()
    db.session.flush()


# --- What the page shows ------------------------------------------------------------------

def can_apply(job: ImportJob) -> bool:
    return job.status is ImportStatus.CHECKED and not job.errors and bool(job.rows)


def is_stale(job: ImportJob, now: datetime | None = None) -> bool:
    """Still 'running' long after any file would have finished: the worker was stopped."""
    running = job.status in (ImportStatus.CHECKING, ImportStatus.APPLYING)
    return running and (now or utcnow()) - job.created_at > STALE_AFTER


def rows_ready(job: ImportJob) -> int:
    """Rows that passed every check (whether or not the file as a whole can be imported)."""
    if job.rows is not None:
        return len(job.rows)
    return max(job.total_rows - rows_with_errors(job), 0)


def rows_with_errors(job: ImportJob) -> int:
    if job.rows is not None:
        return job.total_rows - len(job.rows)
    return len({e["row"] for e in job.errors if e.get("row") is not None})


def summary(rows: list[list]) -> dict[str, list[tuple[str, int]]]:
    """What the rows would create, counted by category and by provider."""
    by_category = Counter(row[_AT["category_slug"]] for row in rows)
    by_trust = Counter(row[_AT["trust_id"]] for row in rows if row[_AT["trust_id"]] is not None)
    by_independent = Counter(row[_AT["independent_provider"]] for row in rows if row[_AT["trust_id"]] is None)
    titles = dict(db.session.execute(select(Category.slug, Category.title)).all())
    positions = dict(db.session.execute(select(Category.slug, Category.position)).all())
    names = dict(db.session.execute(select(Trust.id, Trust.name).where(Trust.id.in_(list(by_trust)))).all()) \
        if by_trust else {}
    providers = [(names.get(trust_id, "Unknown trust"), n) for trust_id, n in by_trust.items()]
    providers += [(f"{name} (independent)", n) for name, n in by_independent.items()]
    return {
        "by_category": [(titles.get(slug, slug), n) for slug, n in
                        sorted(by_category.items(), key=lambda item: positions.get(item[0], 99))],
        "by_provider": sorted(providers, key=lambda item: (-item[1], item[0])),
    }


# --- Applying -------------------------------------------------------------------------------

class ImportNotReady(RuntimeError):
    """The job is not a checked job without errors (or someone already applied it)."""


def claim_for_apply(job: ImportJob) -> bool:
    """Move a checked job with no errors to 'applying'. False when it cannot be applied now,
    for example because a second press of the button arrived after the first."""
    if not can_apply(job):
        return False
    claimed = db.session.execute(
        update(ImportJob.__table__)
        .where(ImportJob.__table__.c.id == job.id, ImportJob.__table__.c.status == ImportStatus.CHECKED.value)
        .values(status=ImportStatus.APPLYING.value, processed_rows=0)
    ).rowcount == 1
    db.session.expire(job, ["status", "processed_rows"])
    return claimed


def apply_job(job: ImportJob, user, *, progress: Progress | None = None) -> int:
    """Insert every row of a claimed job in the current transaction; return how many."""
    if job.status is not ImportStatus.APPLYING or not job.rows:
        raise ImportNotReady()
    created = insert_rows(job.rows, job_id=job.id, practice_id=job.practice_id, user_id=user.id,
                          progress=progress)
    job.created_count = created
    job.processed_rows = created
    job.status = ImportStatus.APPLIED
    job.rows = None  # the reports hold the data now
    job.finished_at = utcnow()
    audit.record("reports.imported", actor=user, object_type="import_job", object_id=job.id,
                 practice_id=job.practice_id, count=created)
    db.session.flush()
    return created


def insert_rows(rows: list[list], *, job_id: int, practice_id: int, user_id: int,
                progress: Progress | None = None) -> int:
    """Multi-row inserts of reports and their staff time, no ORM objects: ~100,000 rows in seconds.

    Each report gets the submission token 'import-<job>-<row>': the database then refuses
    to import a row of a job twice, and the token ties the ids that come back (in no
    promised order) to the rows that need staff time.
    """
    if db.session.get_bind().dialect.name == "postgresql":  # COPY: several times faster (bulk_copy.py)
        from tracker.reports.bulk_copy import copy_rows

        return copy_rows(rows, job_id=job_id, practice_id=practice_id, user_id=user_id, chunk_rows=CHUNK_ROWS,
                         progress=progress)
    from tracker.reports.bulk_sqlite import summary_triggers_suspended
    from tracker.summaries.rollup import add_to_month_summary

    with summary_triggers_suspended(db.session.connection()):
        created, first_id = _insert_chunks(rows, job_id=job_id, practice_id=practice_id, user_id=user_id,
                                           progress=progress)
        if first_id is not None:  # one writer at a time: every report from first_id on is this job's
            add_to_month_summary([Report.id >= first_id, Report.practice_id == practice_id,
                                  Report.submission_token.like(f"import-{job_id}-%")])
    return created


def _insert_chunks(rows: list[list], *, job_id: int, practice_id: int, user_id: int,
                   progress: Progress | None) -> tuple[int, int | None]:
    """SQLite: multi-row inserts; returns how many reports, and the first report's id."""
    report_table, staff_table = Report.__table__, StaffTime.__table__
    insert_reports = insert(report_table).returning(report_table.c.id, report_table.c.submission_token)
    now = utcnow()
    roles = [role.value for role in StaffRole]
    created = 0
    first_id: int | None = None
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start:start + CHUNK_ROWS]
        tokens = [f"import-{job_id}-{start + offset}" for offset in range(len(chunk))]
        params: list[dict] = []
        staff_by_token: dict[str, list[tuple[str, int]]] = {}
        for row, token in zip(chunk, tokens, strict=True):
            (received_on, trust_id, independent, specialty, source, direction, category, description,
             action, impact, *minutes) = row
            params.append({
                "practice_id": practice_id, "logged_by_id": user_id,
                "received_on": date.fromisoformat(received_on), "trust_id": trust_id,
                "independent_provider": independent, "specialty_code": specialty, "source": source,
                "direction": direction, "category_slug": category, "description": description,
                "action_taken": action, "patient_impact": impact, "status": Status.LOGGED.value,
                "staff_minutes_total": sum(m or 0 for m in minutes), "submission_token": token,
                "created_at": now, "updated_at": now, "version": 1,
            })
            staff_by_token[token] = [(role, m) for role, m in zip(roles, minutes, strict=True) if m]
        ids = {token: report_id for report_id, token in db.session.execute(insert_reports, params)}
        if ids:
            lowest = min(ids.values())
            first_id = lowest if first_id is None else min(first_id, lowest)
        staff = [
            {"report_id": ids[token], "staff_role": role, "minutes": m}
            for token, spent in staff_by_token.items()
            for role, m in spent
        ]
        if staff:
            db.session.execute(insert(staff_table), staff)
        created += len(chunk)
        if progress:
            progress(created)
    return created, first_id


# --- Running large files in the background ------------------------------------------------

def run_job(work: Callable[[ImportJob], None], job_id: int) -> None:
    """Run ``work(job)`` and commit. Any failure rolls back and marks the job failed, with a
    message to upload the file again; the log names the kind of error only, never a value
    from the file (an exception's text can quote a cell)."""
    try:
        work(db.session.get(ImportJob, job_id))
        db.session.commit()
    except Exception as error:  # noqa: BLE001  (the job must not stay 'running')
        db.session.rollback()
        log.error("import job %s failed: %s", job_id, type(error).__name__)
        mark_failed(job_id)
        db.session.commit()


def run_in_background(app, work: Callable[[ImportJob], None], job_id: int) -> threading.Thread:
    """``run_job`` in a thread with its own app context and database session."""

    def target():
        with app.app_context(), writing_work():
            try:
                run_job(work, job_id)
            finally:
                db.session.remove()

    thread = threading.Thread(target=target, name=f"import-job-{job_id}", daemon=True)
    thread.start()
    return thread


def mark_failed(job_id: int) -> None:
    job = db.session.get(ImportJob, job_id)
    if job is None:
        return
    job.status = ImportStatus.FAILED
    job.rows = None
    job.finished_at = utcnow()
    job.errors = [_error(None, None, (
        "The import stopped because of a problem on our side. Nothing was imported. "
        "Upload the file again; if it happens again, contact the service desk"))]


def committing_progress(job: ImportJob) -> Progress:
    """Progress for a background check: each update is committed so the job page can show it."""

    def report(processed: int) -> None:
        job.processed_rows = processed
        db.session.commit()

    return report


def publishing_progress(job_id: int) -> Progress | None:
    """Progress for a background apply, written on a separate connection so that it shows
    while the inserts are still one uncommitted transaction. SQLite allows one writer at a
    time, so there the page shows the import as under way without a count."""
    if db.engine.dialect.name == "sqlite":
        return None
    table = ImportJob.__table__

    def report(processed: int) -> None:
        with db.engine.begin() as connection:
            connection.execute(update(table).where(table.c.id == job_id).values(processed_rows=processed))

    return report
