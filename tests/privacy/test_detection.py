"""Positives and negatives for each kind, plus ordering and overlap rules."""

import pytest

from tracker.privacy import Finding, IdentifierKind, kinds_of, scan, scan_fields

K = IdentifierKind


def found(text: str) -> list[tuple[str, str]]:
    """(kind, matched text) pairs: test-only, the API never returns the text."""
    return [(f.kind.value, text[f.start : f.end]) for f in scan(text)]


# --- dates of birth ------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("DOB 12/03/1956", "12/03/1956"),
        ("dob: 12-03-56", "12-03-56"),
        ("D.O.B. 1.3.1956", "1.3.1956"),
        ("D.O.B 12/03/1956", "12/03/1956"),
        ("d.o.b 1956-03-12", "1956-03-12"),
        ("Date of birth 12 March 1956", "12 March 1956"),
        ("date of birth is the 12th of March, 1956", "12th of March, 1956"),
        ("born 12th Mar 1956", "12th Mar 1956"),
        ("Born on March 12, 1956 in Leeds", "March 12, 1956"),
        ("birthdate 12/03/1956", "12/03/1956"),
        ("birth date: 12-Mar-56", "12-Mar-56"),
        ("birthday 12/3/56", "12/3/56"),
        ("12/03/1956 (DOB)", "12/03/1956"),
        ("12 March 1956 is her date of birth", "12 March 1956"),
        ("Seen 12/03/2025 DOB 04/05/1956", "04/05/1956"),
        ("DOB 04/05/1956 seen 12/03/2025", "04/05/1956"),
        ("DOB:\n12/03/1956", "12/03/1956"),
        ("Baby born 12/03/2025, hospital asked GP to do the check", "12/03/2025"),
        ("gave birth 12/03/2025", "12/03/2025"),
        ("Date Of  Birth 1/2/1950", "1/2/1950"),
        ("D. O. B. 12/03/1956", "12/03/1956"),
    ],
)
def test_date_of_birth_found(text: str, date: str) -> None:
    assert found(text) == [("date-of-birth", date)]


@pytest.mark.parametrize(
    "text",
    [
        "seen on 12/03/2025",
        "review 3/4/25",
        "clinic 12 March 2025, follow up 2025-06-01",
        "age 54",
        "born at 32 weeks",
        "newborn check on 12/03/2025",
        "DOB unknown, seen 12/03/2025",
        "Seen 12/03/2025, DOB not recorded",
        "DOB not given. Seen 12/03/2025",
        "DOB requested from trust; letter dated 12/03/2025",
        "DOB 32/13/1956",  # not a date
        "a. seen 1/2/25 b. 12/03/2025 clinic",  # 'b.' is not a birth label
        "adobe form dated 12/03/2025",
        "seen by Dr Bob on 12/03/2025",  # 'bob' is not 'dob'
    ],
)
def test_clinical_dates_pass(text: str) -> None:
    assert scan(text) == []


# --- postcodes -----------------------------------------------------------------

@pytest.mark.parametrize(
    "postcode",
    ["SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A 1BB", "W1A 0AX",
     "OX3 9DU", "sw1a 1aa", "SW1A1AA", "dn55 1pt", "m11ae", "Ls1 4dy"],
)
def test_full_postcode_found(postcode: str) -> None:
    assert found(f"Lives at {postcode}, asked GP to visit") == [("postcode", postcode)]


@pytest.mark.parametrize(
    "text",
    [
        "patient lives in OX3",  # outward code alone
        "B12 1mg every 3 months",  # M cannot be in an inward code
        "B12 2nd dose due",  # lower-case ordinal
        "bay B6 2hr obs",  # lower-case unit
        "amlodipine 5mg od",
        "TFC 320",
        "QX1 1AA",  # Q is not a postcode area
        "T2 N1 M0 staging",
        "HbA1c 48 mmol/mol",
        "Ward 7B",
        "R0A and RTH",
    ],
)
def test_postcode_look_alikes_pass(text: str) -> None:
    assert scan(text) == []


# --- email addresses -----------------------------------------------------------

@pytest.mark.parametrize(
    "email",
    ["jane.doe@example.com", "j.o'brien+gp@mail.example.co.uk", "A_B-c@sub-domain.example.org"],
)
def test_email_found(email: str) -> None:
    assert found(f"Patient emailed us from {email}.") == [("email", email)]


@pytest.mark.parametrize("text", ["@cardiology team", "meet @ 14:30", "a@b", "x @ y.com"])
def test_email_look_alikes_pass(text: str) -> None:
    assert scan(text) == []


# --- hospital numbers ----------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("MRN: A1234567", "A1234567"),
        ("mrn 12345678", "12345678"),
        ("hosp no 1234567", "1234567"),
        ("Hosp. No. 1234567", "1234567"),
        ("hospital no: RTH123456", "RTH123456"),
        ("Hospital number is K123456", "K123456"),
        ("hospital # 0012345", "0012345"),
        ("unit number 00123456", "00123456"),
        ("Unit no. 123-4567", "123-4567"),
        ("PAS ID 1234567", "1234567"),
        ("patient ID: X99887", "X99887"),
        ("case note number 123456", "123456"),
        ("(MRN 7654321) seen in clinic", "7654321"),
    ],
)
def test_hospital_number_found(text: str, number: str) -> None:
    assert found(text) == [("hospital-number", number)]


@pytest.mark.parametrize(
    "text",
    [
        "MRN not provided",
        "hospital number unknown",
        "hosp no 12",  # too short to be a hospital number
        "RTH123456",  # unlabelled: trust prefixes alone are not enough
        "Unit 7B on level 2",
        "unit no longer takes referrals",
        "hospitalised 12345",
        "compass id 12345",  # 'pas' inside a word is not a label
    ],
)
def test_hospital_number_look_alikes_pass(text: str) -> None:
    assert scan(text) == []


# --- ordering, overlap, fields ---------------------------------------------------

def test_findings_sorted_and_kinds_in_fixed_order() -> None:
    text = "x@example.com, MRN A123456, SW1A 1AA, DOB 1/2/1950, 943 476 5919"
    findings = scan(text)
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    assert [f.kind for f in findings] == [K.EMAIL, K.HOSPITAL_NUMBER, K.POSTCODE, K.DATE_OF_BIRTH, K.NHS_NUMBER]
    assert kinds_of(findings) == list(IdentifierKind)


def test_overlap_prefers_nhs_number() -> None:
    # A hospital-number label in front of an NHS number: one finding, the specific kind.
    assert found("MRN 943-476-5919") == [("nhs-number", "943-476-5919")]
    assert found("NHS no 943 476 5919") == [("nhs-number", "943 476 5919")]


def test_no_duplicate_findings() -> None:
    findings = scan("NHS number: 9434765919 and again 9434765919")
    assert len(findings) == 2
    assert len(set(findings)) == 2


def test_scan_fields_reports_only_fields_with_findings() -> None:
    result = scan_fields(
        {"title": "Bloods pushed to GP", "description": "DOB 12/03/1956", "notes": None, "empty": ""}
    )
    assert list(result) == ["description"]
    assert result["description"] == [Finding(K.DATE_OF_BIRTH, 4, 14)]
    assert scan_fields({"a": "fine", "b": None}) == {}


def test_finding_holds_no_text() -> None:
    finding = scan("lives at SW1A 1AA")[0]
    assert "SW1A" not in repr(finding)
    assert finding.location() == "characters 10 to 17"
    assert finding.word_number("lives at SW1A 1AA") == 3
    assert finding.word_number("lives at:SW1A 1AA") == 2


def test_empty_text() -> None:
    assert scan("") == []
