"""User-facing messages and the exception service layers raise.

Nothing here ever receives the identifier text, so nothing here can repeat it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .kinds import Finding, IdentifierKind
from .scanner import scan_fields

_MAX_PLACES = 3  # past this a message lists a count, not every place


def _join(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c' (NHS.UK style: no Oxford comma)."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _places(group: list[Finding]) -> str:
    ranges = [f"{f.start + 1} to {f.end}" for f in group[:_MAX_PLACES]]
    extra = len(group) - _MAX_PLACES
    if extra > 0:
        ranges.append(f"{extra} more {'place' if extra == 1 else 'places'}")
    return "characters " + _join(ranges)


def message_for(field_label: str, findings: Iterable[Finding]) -> str:
    """A message for the person who typed the text, for example:

    'Description contains what looks like an NHS number (characters 14 to 25).
    Remove it: reports must not identify a patient.'
    """
    found = sorted(findings, key=lambda f: f.start)
    if not found:
        raise ValueError("message_for needs at least one finding")
    by_kind: dict[IdentifierKind, list[Finding]] = {}
    for finding in found:
        by_kind.setdefault(finding.kind, []).append(finding)
    parts = []
    for kind in IdentifierKind:  # fixed order, whatever order the text had
        group = by_kind.get(kind)
        if group:
            what = kind.label if len(group) == 1 else f"{len(group)} {kind.plural}"
            parts.append(f"{what} ({_places(group)})")
    label = field_label[:1].upper() + field_label[1:]
    pronoun = "it" if len(found) == 1 else "them"
    return (
        f"{label} contains what looks like {_join(parts)}. "
        f"Remove {pronoun}: reports must not identify a patient."
    )


def _default_label(field: str) -> str:
    return field.replace("_", " ").capitalize()


class IdentifierFound(Exception):
    """Raised when fields hold what looks like patient-identifiable data.

    Carries findings per field name (kinds and offsets only), so str(),
    repr() and tracebacks never contain the identifier itself."""

    def __init__(self, findings: Mapping[str, Iterable[Finding]]) -> None:
        self.findings: dict[str, tuple[Finding, ...]] = {
            field: tuple(found) for field, found in findings.items() if found
        }
        summary = "; ".join(
            f"{field}: " + ", ".join(f"{f.kind} at {f.location()}" for f in found)
            for field, found in self.findings.items()
        )
        super().__init__(f"patient identifier found in {summary or 'no fields'}")

    def __reduce__(self) -> tuple[type[IdentifierFound], tuple[dict[str, tuple[Finding, ...]]]]:
        # Rebuild from findings, not from the summary string, when pickled.
        return (type(self), (self.findings,))

    def messages(self, labels: Mapping[str, str] | None = None) -> dict[str, str]:
        """A user-facing message per field; labels maps field names to the
        labels users see (default: 'free_text' becomes 'Free text')."""
        labels = labels or {}
        return {
            field: message_for(labels.get(field) or _default_label(field), found)
            for field, found in self.findings.items()
        }


def ensure_no_identifiers(fields: Mapping[str, str | None]) -> None:
    """Scan fields and raise IdentifierFound if any holds an identifier."""
    found = scan_fields(fields)
    if found:
        raise IdentifierFound(found)
