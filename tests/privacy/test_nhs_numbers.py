"""NHS numbers: check digit, generator, and detection in every written form."""

import random

import pytest

from tracker.privacy import (
    IdentifierKind,
    format_nhs_number,
    generate_nhs_number,
    is_valid_nhs_number,
    scan,
)
from tracker.privacy.nhs_number import check_digit

SEED = 20250312
COUNT = 300


def _generated(prefix: str = "") -> list[str]:
    rng = random.Random(SEED)
    return [generate_nhs_number(rng, prefix) for _ in range(COUNT)]


def _wrong_check_digit(number: str) -> str:
    return number[:9] + str((int(number[9]) + 1) % 10)


def _variants(number: str) -> list[str]:
    return [
        format_nhs_number(number, "plain"),
        format_nhs_number(number, "spaced"),
        format_nhs_number(number, "dashed"),
        f"{number[:3]} {number[3:6]}-{number[6:]}",
        f"{number[:3]}  {number[3:6]}  {number[6:]}",
        f"{number[:3]} - {number[3:6]} - {number[6:]}",
        f"{number[:3]}\u00a0{number[3:6]}\u00a0{number[6:]}",
        f"{number[:3]} {number[3:]}",
        f"{number[:6]} {number[6:]}",
    ]


# --- the check digit -----------------------------------------------------------

@pytest.mark.parametrize("number", ["9434765919", "4010232137", "9990000026", "4505577104"])
def test_known_valid_numbers(number: str) -> None:
    assert is_valid_nhs_number(number)


@pytest.mark.parametrize(
    "number",
    [
        "9434765918",  # wrong check digit
        "1234567890",  # remainder gives 10: no valid check digit exists
        "943476591",  # 9 digits
        "94347659190",  # 11 digits
        "943 476 5919",  # separators are for scan(), not for this function
        "943476591a",
        "",
        "９４３４７６５９１９",  # full-width digits are not ASCII digits
    ],
)
def test_invalid_numbers(number: str) -> None:
    assert not is_valid_nhs_number(number)


def test_remainder_zero_gives_check_digit_zero() -> None:
    # 11 - (sum mod 11) == 11 maps to 0.
    assert check_digit("000000000") == 0
    assert is_valid_nhs_number("0000000000")


def test_exactly_one_check_digit_per_body() -> None:
    rng = random.Random(SEED)
    for _ in range(200):
        body = "".join(rng.choice("0123456789") for _ in range(9))
        valid = [d for d in "0123456789" if is_valid_nhs_number(body + d)]
        assert len(valid) == (0 if check_digit(body) is None else 1)


def test_generator_is_seeded_and_valid() -> None:
    numbers = _generated()
    assert numbers == _generated()  # same seed, same numbers
    assert len(set(numbers)) > COUNT * 0.95
    assert all(len(n) == 10 and is_valid_nhs_number(n) for n in numbers)


def test_generator_prefix() -> None:
    rng = random.Random(SEED)
    numbers = [generate_nhs_number(rng, "999") for _ in range(50)]
    assert all(n.startswith("999") and is_valid_nhs_number(n) for n in numbers)
    with pytest.raises(ValueError):
        generate_nhs_number(rng, "12345678901")


# --- detection in text -----------------------------------------------------------

@pytest.mark.parametrize("prefix", ["", "999", "4", "6", "7"])
def test_generated_numbers_blocked_in_every_format(prefix: str) -> None:
    for number in _generated(prefix):
        for written in _variants(number):
            text = f"Hospital asked GP to chase bloods for {written} urgently."
            findings = scan(text)
            assert [f.kind for f in findings] == [IdentifierKind.NHS_NUMBER], written
            start = text.index(written)
            assert (findings[0].start, findings[0].end) == (start, start + len(written))


def test_number_alone_and_at_edges() -> None:
    for number in _generated()[:50]:
        assert len(scan(number)) == 1
        assert len(scan(f"({format_nhs_number(number)})")) == 1
        assert len(scan(f"NHS:{number}.")) == 1


def test_invalid_check_digits_not_blocked() -> None:
    for number in _generated():
        wrong = _wrong_check_digit(number)
        for written in _variants(wrong):
            assert scan(f"Call the trust on {written} about the clinic.") == [], written


def test_labelled_number_blocked_even_with_wrong_check_digit() -> None:
    # A mistyped NHS number is still nearly someone's NHS number.
    wrong = _wrong_check_digit("9434765919")
    for label in ("NHS no", "NHS No.", "nhs number:", "NHS#", "NHS number is"):
        findings = scan(f"{label} {format_nhs_number(wrong)} seen in clinic")
        assert [f.kind for f in findings] == [IdentifierKind.NHS_NUMBER], label


def test_not_inside_longer_digit_runs() -> None:
    assert scan("ref 19434765919") == []
    assert scan("ref 94347659190") == []
    assert scan("ref 1 9434765919 0".replace(" ", "")) == []


def test_international_phone_form_not_treated_as_nhs_number() -> None:
    number = "9434765919"
    spaced = format_nhs_number(number)
    assert scan(f"call +44 {spaced}") == []
    assert scan(f"call +44 (0) {spaced}") == []
    assert len(scan(f"call {spaced}")) == 1


@pytest.mark.parametrize(
    "text",
    [
        "0300 304 7777",
        "01865 741166",
        "020 7188 7188",
        "01865741166",
        "UBRN 0001 2345 6789",
        "UBRN 000123456789",
        "NHS 111",
    ],
)
def test_phone_numbers_and_ubrns_not_nhs_numbers(text: str) -> None:
    assert scan(text) == []
