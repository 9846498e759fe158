"""User-facing messages and IdentifierFound never repeat the identifier."""

import pickle
import random

import pytest

from tracker.privacy import (
    Finding,
    IdentifierFound,
    IdentifierKind,
    ensure_no_identifiers,
    format_nhs_number,
    generate_nhs_number,
    message_for,
    scan,
    scan_fields,
)

K = IdentifierKind

IDENTIFIABLE = {
    "NHS number": "Hospital asked GP to chase 943 476 5919 bloods",
    "date of birth": "Patient DOB 12/03/1956 seen in clinic",
    "postcode": "Lives at SW1A 1AA, asked for home visit",
    "email": "Daughter emailed jane.doe@example.com about it",
    "hospital number": "Letter quoted MRN: A1234567 only",
}


def _identifier_texts(text: str) -> list[str]:
    return [text[f.start : f.end] for f in scan(text)]


def test_example_message() -> None:
    text = "Patient's NHS 943 476 5919 seen"
    assert message_for("Description", scan(text)) == (
        "Description contains what looks like an NHS number (characters 15 to 26). "
        "Remove it: reports must not identify a patient."
    )


def test_message_names_every_kind_in_fixed_order() -> None:
    text = "x@example.com, SW1A 1AA, M1 1AE, 943 476 5919"
    message = message_for("notes", scan(text))
    assert message == (
        "Notes contains what looks like an NHS number (characters 34 to 45), "
        "2 full postcodes (characters 16 to 23 and 26 to 31) "
        "and an email address (characters 1 to 13). "
        "Remove them: reports must not identify a patient."
    )


def test_message_caps_long_lists_of_places() -> None:
    rng = random.Random(7)
    text = " ".join(format_nhs_number(generate_nhs_number(rng)) for _ in range(6))
    message = message_for("Description", scan(text))
    assert "6 NHS numbers" in message
    assert "and 3 more places" in message


@pytest.mark.parametrize("kind_name", list(IDENTIFIABLE))
def test_messages_never_contain_the_identifier(kind_name: str) -> None:
    text = IDENTIFIABLE[kind_name]
    findings = scan(text)
    assert findings, kind_name
    message = message_for("Description", findings)
    assert kind_name in message
    for identifier in _identifier_texts(text):
        assert identifier not in message
        assert identifier.replace(" ", "") not in message.replace(" ", "")


def test_message_needs_findings() -> None:
    with pytest.raises(ValueError):
        message_for("Description", [])


def test_identifier_found_never_contains_the_identifier() -> None:
    fields = {"description": IDENTIFIABLE["NHS number"], "notes": IDENTIFIABLE["email"], "title": "fine"}
    with pytest.raises(IdentifierFound) as caught:
        ensure_no_identifiers(fields)
    error = caught.value
    assert set(error.findings) == {"description", "notes"}
    rendered = [str(error), repr(error), *error.messages().values()]
    for text in fields.values():
        for identifier in _identifier_texts(text):
            assert all(identifier not in r for r in rendered)
    assert "description" in str(error) and "nhs-number" in str(error)


def test_identifier_found_messages_use_labels() -> None:
    error = IdentifierFound(scan_fields({"free_text": "DOB 12/03/1956", "other": "ok"}))
    assert error.messages() == {
        "free_text": "Free text contains what looks like a date of birth (characters 5 to 14). "
        "Remove it: reports must not identify a patient."
    }
    assert error.messages({"free_text": "What happened"})["free_text"].startswith("What happened contains")


def test_identifier_found_pickles() -> None:
    error = IdentifierFound({"description": [Finding(K.POSTCODE, 3, 11)], "empty": []})
    copy = pickle.loads(pickle.dumps(error))
    assert copy.findings == {"description": (Finding(K.POSTCODE, 3, 11),)}
    assert str(copy) == str(error)


def test_clean_fields_do_not_raise() -> None:
    ensure_no_identifiers({"description": "Seen 12/03/2025, amlodipine 5mg od", "notes": None})


def test_kind_labels() -> None:
    assert [k.value for k in IdentifierKind] == [
        "nhs-number", "date-of-birth", "postcode", "email", "hospital-number",
    ]
    assert K.NHS_NUMBER.label == "an NHS number"
    assert K.DATE_OF_BIRTH.label == "a date of birth"
    assert K.POSTCODE.label == "a full postcode"
    assert K.EMAIL.label == "an email address"
    assert K.HOSPITAL_NUMBER.label == "a hospital number"
    assert K.EMAIL == "email"  # StrEnum: compares and formats as its value
