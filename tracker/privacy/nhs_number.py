"""NHS number check digit (Modulus 11), plus a generator for tests and demos."""

from __future__ import annotations

import random
from typing import Literal

_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
_DIGITS = "0123456789"

NhsNumberStyle = Literal["plain", "spaced", "dashed"]


def check_digit(first_nine: str) -> int | None:
    """The check digit for nine ASCII digits, or None when none exists (11 - r == 10)."""
    total = sum(int(d) * w for d, w in zip(first_nine, _WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def is_valid_nhs_number(digits: str) -> bool:
    """True when digits is exactly 10 ASCII digits whose last is the Modulus 11
    check digit of the first nine. Separators are not accepted here."""
    if len(digits) != 10 or not (digits.isascii() and digits.isdigit()):
        return False
    return check_digit(digits[:9]) == int(digits[9])


def generate_nhs_number(rng: random.Random, prefix: str = "") -> str:
    """A random 10-digit number with a valid check digit, starting with prefix.

    For tests: pass a seeded random.Random so runs repeat. These are made-up
    numbers that merely pass the check; they are not looked up anywhere."""
    if len(prefix) > 9 or not (prefix.isascii() and (prefix.isdigit() or not prefix)):
        raise ValueError("prefix must be at most 9 ASCII digits")
    while True:  # about 1 in 11 bodies has no check digit; just draw again
        body = prefix + "".join(rng.choice(_DIGITS) for _ in range(9 - len(prefix)))
        check = check_digit(body)
        if check is not None:
            return f"{body}{check}"


def format_nhs_number(digits: str, style: NhsNumberStyle = "spaced") -> str:
    """Write 10 digits as '9434765919', '943 476 5919' or '943-476-5919'."""
    if style == "plain":
        return digits
    sep = " " if style == "spaced" else "-"
    return f"{digits[:3]}{sep}{digits[3:6]}{sep}{digits[6:]}"
