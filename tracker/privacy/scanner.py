"""scan(): run every detector over a text and return tidy, non-overlapping findings."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping

from . import detectors
from .kinds import Finding, IdentifierKind

_Detector = Callable[[str], Iterator[detectors.Span]]

# Kinds needing a digit are skipped for texts without one (most prose cells).
_NEEDS_DIGIT: tuple[tuple[IdentifierKind, _Detector], ...] = (
    (IdentifierKind.NHS_NUMBER, detectors.find_nhs_numbers),
    (IdentifierKind.DATE_OF_BIRTH, detectors.find_dates_of_birth),
    (IdentifierKind.POSTCODE, detectors.find_postcodes),
    (IdentifierKind.HOSPITAL_NUMBER, detectors.find_hospital_numbers),
)
_DIGIT = re.compile(r"[0-9]")


def scan(text: str) -> list[Finding]:
    """Suspected patient identifiers in text, sorted by position.

    Overlapping finds are merged: the earliest, then longest, wins, and on an
    exact tie the kind earlier in IdentifierKind (more specific) wins."""
    if not text:
        return []
    raw: list[tuple[int, int, int, IdentifierKind]] = []
    if _DIGIT.search(text):
        for kind, detect in _NEEDS_DIGIT:
            raw.extend((start, -end, kind.rank, kind) for start, end in detect(text))
    raw.extend((start, -end, IdentifierKind.EMAIL.rank, IdentifierKind.EMAIL)
               for start, end in detectors.find_emails(text))
    if not raw:
        return []
    raw.sort()
    findings: list[Finding] = []
    reached = -1
    for start, neg_end, _, kind in raw:
        if start >= reached:
            findings.append(Finding(kind, start, -neg_end))
            reached = -neg_end
    return findings


def scan_fields(fields: Mapping[str, str | None]) -> dict[str, list[Finding]]:
    """Scan every field of a form or row. Only fields with findings appear in
    the result, so an empty dict means the whole record is clean. None and
    empty values are skipped."""
    result: dict[str, list[Finding]] = {}
    for name, value in fields.items():
        if value:
            found = scan(value)
            if found:
                result[name] = found
    return result


def kinds_of(findings: Iterable[Finding]) -> list[IdentifierKind]:
    """Distinct kinds among findings, in IdentifierKind's fixed order."""
    present = {f.kind for f in findings}
    return [kind for kind in IdentifierKind if kind in present]
