"""Load NHS trusts, ICBs and GP practices from the ODS CSV files.

Idempotent: a second run updates what changed and never duplicates. Every row is
checked before anything is written, so a malformed file leaves the database as it was
and the error names the file, the line and the field.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import insert, select, update

from tracker.extensions import db
from tracker.organisations.models import ICB, Practice, Region, Trust

ODS_FIELDS = 27

# NHS England regions: the ODS files carry only the codes.
REGIONS = {
    "Y56": "London",
    "Y58": "South West",
    "Y59": "South East",
    "Y60": "Midlands",
    "Y61": "East of England",
    "Y62": "North West",
    "Y63": "North East and Yorkshire",
}

# Old ICBs that split on 1 April 2026 are placed by sub-ICB location. Inferred from
# public descriptions (see data/ods/README.md); D4U1Y (Frimley) cannot be placed.
SPLIT_ICB_BY_SUB_ICB = {
    "06K": "S1Y5D",
    "06N": "S1Y5D",
    "07H": "D7T5G",
    "06T": "D7T5G",
    "06L": "T6Y0W",
    "07K": "T6Y0W",
}


class OdsImportError(ValueError):
    """A malformed file. The message says which file, line and field, and how to fix it."""

    def __init__(self, path: Path, line: int | None, field_name: str | None, problem: str):
        where = path.name + (f", line {line}" if line else "") + (f", field '{field_name}'" if field_name else "")
        super().__init__(f"{where}: {problem}")


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    closed: int = 0
    unchanged: int = 0


@dataclass
class ImportSummary:
    icbs: ImportCounts = field(default_factory=ImportCounts)
    trusts: ImportCounts = field(default_factory=ImportCounts)
    practices: ImportCounts = field(default_factory=ImportCounts)
    practices_without_icb: int = 0

    def lines(self) -> list[str]:
        out = []
        for label, counts in (("ICBs", self.icbs), ("Trusts", self.trusts), ("GP practices", self.practices)):
            out.append(
                f"{label}: {counts.created} created, {counts.updated} updated, "
                f"{counts.closed} closed, {counts.unchanged} unchanged"
            )
        if self.practices_without_icb:
            out.append(
                f"{self.practices_without_icb} practices have no 2026 ICB in the ODS files "
                "(old Frimley ICB): an administrator sets it."
            )
        return out


def _read_ods_rows(path: Path):
    """Yield (line number, 27 fields) from a headerless ODS file."""
    if not path.exists():
        raise OdsImportError(path, None, None, "file not found: put the ODS file in the folder given")
    with path.open(newline="", encoding="utf-8") as handle:
        try:
            for number, row in enumerate(csv.reader(handle, strict=True), start=1):
                if not row:
                    continue
                if len(row) != ODS_FIELDS:
                    raise OdsImportError(
                        path, number, None,
                        f"has {len(row)} fields, an ODS row has {ODS_FIELDS}: check the file is an unmodified ODS download",
                    )
                yield number, row
        except (csv.Error, UnicodeDecodeError) as exc:
            raise OdsImportError(path, None, None, f"is not a readable CSV file ({exc})") from exc


def _parse_date(path: Path, line: int, field_name: str, value: str) -> date | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        raise OdsImportError(path, line, field_name, f"'{value}' is not a date in the form YYYYMMDD") from None


def _require(path: Path, line: int, field_name: str, value: str, max_length: int) -> str:
    value = value.strip()
    if not value:
        raise OdsImportError(path, line, field_name, "is empty: every row needs one")
    if len(value) > max_length:
        raise OdsImportError(path, line, field_name, f"is longer than {max_length} characters")
    return value


def _read_headed_csv(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    if not path.exists():
        raise OdsImportError(path, None, None, "file not found: put the file in the folder given")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [name for name in required if name not in (reader.fieldnames or [])]
        if missing:
            raise OdsImportError(path, 1, missing[0], "column is missing from the header row")
        return [(number, row) for number, row in enumerate(reader, start=2)]


def title_case(name: str) -> str:
    """ODS names are upper case; show them as people write them ("NHS", "ICB" kept)."""
    # Initialisms that stay in capitals (PMS and APMS are GP contract types in practice names).
    keep_upper = {"NHS", "ICB", "UK", "GP", "GPS", "PCN", "ENT", "HIV", "II", "III", "PMS", "APMS", "GMS", "LLP", "CIC", "MC"}
    words = []
    for word in name.split():
        bare = word.strip("(),")
        if bare in keep_upper:
            words.append(word)
        elif bare.lower() in {"and", "of", "the", "for", "upon", "on", "in", "at"} and words:
            words.append(word.lower())
        else:
            words.append("-".join(part.capitalize() for part in word.split("-")).replace("'S", "'s"))
    return " ".join(words)


def _load_icbs(folder: Path, summary: ImportSummary) -> dict[str, str]:
    rows = _read_headed_csv(
        folder / "icb_2026_derived.csv", ("icb_ods_code", "icb_name", "nhse_region_code")
    )
    regions = {r.code: r for r in db.session.scalars(select(Region))}
    for code, name in REGIONS.items():
        if code not in regions:
            db.session.add(Region(code=code, name=name))
    existing = {icb.code: icb for icb in db.session.scalars(select(ICB))}
    path = folder / "icb_2026_derived.csv"
    for line, row in rows:
        code = _require(path, line, "icb_ods_code", row["icb_ods_code"], 5)
        name = _require(path, line, "icb_name", row["icb_name"], 160)
        region = _require(path, line, "nhse_region_code", row["nhse_region_code"], 3)
        if region not in REGIONS:
            raise OdsImportError(path, line, "nhse_region_code", f"'{region}' is not an NHS England region code")
        icb = existing.get(code)
        if icb is None:
            db.session.add(ICB(code=code, name=name, region_code=region))
            summary.icbs.created += 1
        elif (icb.name, icb.region_code) != (name, region):
            icb.name, icb.region_code = name, region
            summary.icbs.updated += 1
        else:
            summary.icbs.unchanged += 1
    db.session.flush()
    return {code: code for code in db.session.scalars(select(ICB.code))}


def _load_trusts(folder: Path, icb_codes: dict[str, str], summary: ImportSummary, today: date) -> None:
    path = folder / "etr.csv"
    wanted: dict[str, dict] = {}
    for line, row in _read_ods_rows(path):
        if row[23] == "W" or not row[2]:  # Welsh trusts have no NHS England region
            continue
        code = _require(path, line, "Organisation code", row[0], 5)
        wanted[code] = {
            "ods_code": code,
            "name": title_case(_require(path, line, "Name", row[1], 200)),
            "region_code": row[2] if row[2] in REGIONS else None,
            "icb_code": icb_codes.get(row[3]),
            "open_date": _parse_date(path, line, "Open date", row[10]),
            "close_date": _parse_date(path, line, "Close date", row[11]),
        }
    existing = {t.ods_code: t for t in db.session.scalars(select(Trust))}
    new_rows = []
    for code, values in wanted.items():
        trust = existing.get(code)
        if trust is None:
            new_rows.append(values)
            summary.trusts.created += 1
            continue
        changed = {k: v for k, v in values.items() if getattr(trust, k) != v}
        if not changed:
            summary.trusts.unchanged += 1
            continue
        if "close_date" in changed and values["close_date"] and values["close_date"] <= today and trust.is_open(today):
            summary.trusts.closed += 1
        else:
            summary.trusts.updated += 1
        for key, value in changed.items():
            setattr(trust, key, value)
    if new_rows:
        db.session.execute(insert(Trust), new_rows)


def _practice_icb(old_icb: str, sub_icb: str, succession: dict[str, list[str]], icb_codes) -> str | None:
    successors = succession.get(old_icb)
    if successors is None:
        return icb_codes.get(old_icb)
    if len(successors) == 1:
        return successors[0]
    return SPLIT_ICB_BY_SUB_ICB.get(sub_icb)


def _load_practices(folder: Path, icb_codes: dict[str, str], summary: ImportSummary) -> None:
    succession_path = folder / "icb_succession_2026.csv"
    succession: dict[str, list[str]] = {}
    for line, row in _read_headed_csv(
        succession_path, ("predecessor_icb_ods_code", "successor_icb_ods_code")
    ):
        old = _require(succession_path, line, "predecessor_icb_ods_code", row["predecessor_icb_ods_code"], 5)
        new = _require(succession_path, line, "successor_icb_ods_code", row["successor_icb_ods_code"], 5)
        succession.setdefault(old, []).append(new)

    path = folder / "epraccur.csv"
    wanted: dict[str, dict] = {}
    for line, row in _read_ods_rows(path):
        # Active GP practices in England: status A, prescribing setting 4, not Wales.
        if row[12] != "A" or row[25] != "4" or row[2] in ("W00", ""):
            continue
        code = _require(path, line, "Organisation code", row[0], 6)
        sub_icb = row[14].strip()
        icb = _practice_icb(row[3], sub_icb, succession, icb_codes)
        if icb is None:
            summary.practices_without_icb += 1
        wanted[code] = {
            "ods_code": code,
            "name": title_case(_require(path, line, "Name", row[1], 200)),
            "icb_code": icb,
            "sub_icb_code": sub_icb or None,
            "is_active": True,
        }

    existing = {p.ods_code: p for p in db.session.scalars(select(Practice))}
    new_rows = []
    for code, values in wanted.items():
        practice = existing.get(code)
        if practice is None:
            new_rows.append(values)
            summary.practices.created += 1
            continue
        # An administrator may have placed a practice the files cannot place: keep it.
        if values["icb_code"] is None:
            values["icb_code"] = practice.icb_code
        changed = {k: v for k, v in values.items() if getattr(practice, k) != v}
        if changed:
            for key, value in changed.items():
                setattr(practice, key, value)
            summary.practices.updated += 1
        else:
            summary.practices.unchanged += 1
    gone = [p.id for code, p in existing.items() if code not in wanted and p.is_active]
    if gone:
        db.session.execute(update(Practice).where(Practice.id.in_(gone)).values(is_active=False))
        summary.practices.closed = len(gone)
    if new_rows:
        db.session.execute(insert(Practice), new_rows)


def import_ods(folder: Path | str, today: date | None = None) -> ImportSummary:
    """Load (or refresh) ICBs, trusts and practices from ``folder``. The caller commits."""
    folder = Path(folder)
    if not folder.is_dir():
        raise OdsImportError(folder, None, None, "is not a folder: give the folder that holds etr.csv and epraccur.csv")
    today = today or date.today()
    summary = ImportSummary()
    icb_codes = _load_icbs(folder, summary)
    _load_trusts(folder, icb_codes, summary, today)
    _load_practices(folder, icb_codes, summary)
    db.session.flush()
    return summary
