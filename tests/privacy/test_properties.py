"""Property tests: scan() is total, and its findings are well formed."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.privacy import (
    IdentifierKind,
    format_nhs_number,
    generate_nhs_number,
    message_for,
    scan,
)

# Characters the detectors care about, so random text often gets close to a match.
_NEAR_MISS = st.text(
    alphabet=st.sampled_from(list("0123456789 -/.:@#+()abdhmnorsADHMNORSW\u00a0\n,'")),
    max_size=120,
)
_ANY_TEXT = st.one_of(st.text(max_size=300), _NEAR_MISS)
_WORDS = st.text(alphabet=st.sampled_from(list("abcdefghij klmnopqrst ")), max_size=40)


def _check_well_formed(text: str) -> None:
    findings = scan(text)
    previous_end = 0
    for finding in findings:
        assert isinstance(finding.kind, IdentifierKind)
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.start >= previous_end  # sorted, no overlaps
        previous_end = finding.end


@settings(max_examples=300, deadline=None)
@given(_ANY_TEXT)
def test_scan_never_raises_and_offsets_are_within_text(text: str) -> None:
    _check_well_formed(text)


@settings(max_examples=200, deadline=None)
@given(
    before=_WORDS,
    after=_WORDS,
    seed=st.integers(min_value=0, max_value=2**32),
    style=st.sampled_from(["plain", "spaced", "dashed"]),
)
def test_embedded_nhs_number_always_found_and_never_quoted(
    before: str, after: str, seed: int, style: str
) -> None:
    written = format_nhs_number(generate_nhs_number(random.Random(seed)), style)  # type: ignore[arg-type]
    text = f"{before} {written} {after}"
    findings = scan(text)
    start = len(before) + 1
    assert [(f.kind, f.start, f.end) for f in findings] == [
        (IdentifierKind.NHS_NUMBER, start, start + len(written))
    ]
    assert written not in message_for("Description", findings)


def test_long_adversarial_inputs_are_handled() -> None:
    # Quadratic regex behaviour would make these hang; each should be quick.
    for text in (
        "a" * 100_000 + "@",
        "a." * 50_000 + "@x",
        "1" * 100_000,
        "1 " * 50_000,
        "DOB " * 20_000 + "12/03/1956",
        "MRN " * 20_000,
        "SW1A " * 20_000,
    ):
        _check_well_formed(text)
