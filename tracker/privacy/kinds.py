"""Kinds of patient identifier, and where one was found (never what it was)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class IdentifierKind(StrEnum):
    """Patient identifiers the guard refuses. Definition order is the fixed
    order used wherever kinds are listed (messages, CLI output)."""

    NHS_NUMBER = "nhs-number"
    DATE_OF_BIRTH = "date-of-birth"
    POSTCODE = "postcode"
    EMAIL = "email"
    HOSPITAL_NUMBER = "hospital-number"

    @property
    def label(self) -> str:
        """Singular phrase for messages, for example 'an NHS number'."""
        return _LABELS[self][0]

    @property
    def plural(self) -> str:
        """Plural phrase for messages, for example 'NHS numbers'."""
        return _LABELS[self][1]

    @property
    def rank(self) -> int:
        """Position in the fixed order; also breaks ties between overlapping finds."""
        return _RANKS[self]


_LABELS: dict[IdentifierKind, tuple[str, str]] = {
    IdentifierKind.NHS_NUMBER: ("an NHS number", "NHS numbers"),
    IdentifierKind.DATE_OF_BIRTH: ("a date of birth", "dates of birth"),
    IdentifierKind.POSTCODE: ("a full postcode", "full postcodes"),
    IdentifierKind.EMAIL: ("an email address", "email addresses"),
    IdentifierKind.HOSPITAL_NUMBER: ("a hospital number", "hospital numbers"),
}
_RANKS: dict[IdentifierKind, int] = {kind: i for i, kind in enumerate(IdentifierKind)}


@dataclass(frozen=True, slots=True)
class Finding:
    """One suspected identifier: its kind and 0-based, end-exclusive character
    offsets. The matched text is deliberately not kept, so a Finding can be
    logged, shown or raised without leaking the identifier."""

    kind: IdentifierKind
    start: int
    end: int

    def location(self) -> str:
        """Where it is, for people: 1-based and inclusive, e.g. 'characters 14 to 25'."""
        return f"characters {self.start + 1} to {self.end}"

    def word_number(self, text: str) -> int:
        """1-based number of the word the finding starts in, counted in the
        text the caller already holds (nothing is quoted back)."""
        return len(text[: self.start].split()) + (
            0 if self.start and not text[self.start - 1].isspace() else 1
        )
