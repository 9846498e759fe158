"""One detector per identifier kind. Each yields (start, end) spans only.

Speed matters (every save, every cell of large imports), so regexes are
compiled once, and most start with a plain character class: a check such as
'not after a digit' sits after the first character instead of before it,
which lets re skip quickly to candidate positions. Classes are ASCII on
purpose ('\\d' would also match other scripts' digits).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator

from .nhs_number import is_valid_nhs_number

Span = tuple[int, int]
_SP = r"[ \u00a0]"  # space or no-break space

# --- NHS numbers -------------------------------------------------------------
# Between groups: nothing, one or two spaces, or a dash (or hyphen, en dash)
# with an optional space either side. Bounded, so matching stays linear.
_SEP = rf"(?:{_SP}{{1,2}}|{_SP}?[-\u2010-\u2013]{_SP}?)?"
_TEN_DIGITS = rf"([0-9](?<![0-9]{{2}})[0-9]{{2}}){_SEP}([0-9]{{3}}){_SEP}([0-9]{{4}})(?![0-9])"
_NHS = re.compile(_TEN_DIGITS)
# 'NHS no: ...' marks the number as an NHS number even with a mistyped check digit.
_NHS_LABELLED = re.compile(
    rf"[Nn](?<![A-Za-z][Nn])(?i:hs{_SP}*(?:no\b\.?|num(?:ber)?\b\.?|#))"
    rf"{_SP}*[:#=-]?{_SP}*(?i:is{_SP}+)?{_TEN_DIGITS}"
)
# '+44 300 304 7777' is a phone number in international form, not an NHS number.
_INTL_PREFIX = re.compile(rf"(?:\+|00)44{_SP}?(?:\(0\){_SP}?)?$")


def find_nhs_numbers(text: str) -> Iterator[Span]:
    for m in _NHS.finditer(text):
        if is_valid_nhs_number(m[1] + m[2] + m[3]) and not _INTL_PREFIX.search(
            text, max(0, m.start() - 8), m.start()
        ):
            yield m.start(1), m.end(3)
    if "nhs" in text or "NHS" in text or "Nhs" in text:
        for m in _NHS_LABELLED.finditer(text):
            yield m.start(1), m.end(3)


# --- Dates of birth ------------------------------------------------------------
# A date counts only when a birth label sits next to it: clinical dates must pass.
_MONTH_NAME = (
    r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![A-Za-z])\.?"
)
_ORDINAL = r"(?i:st|nd|rd|th)?"
# Digit first, numbers range-checked in Python (_plausible):
#   12/03/1956, 12-03-56, 1.3.1956 (same separator twice); ISO 1956-03-12;
#   12 March 1956, 12th Mar 1956, 12th of March, 1956, 12-Mar-56.
_DATE_DIGIT_FIRST = re.compile(
    r"(?P<a>[0-9](?<![0-9]{2})[0-9]{0,3})(?:"
    r"(?P<sep>[/.-])(?P<b>[0-9]{1,2})(?P=sep)(?P<c>[0-9]{4}|[0-9]{1,2})"
    rf"|{_ORDINAL}(?:{_SP}+(?i:of))?[ \u00a0,-]*{_MONTH_NAME}[ \u00a0,-]*(?:[0-9]{{4}}|'?[0-9]{{2}})"
    r")(?![0-9])"
)
# Month first: March 12, 1956 and March 12th 1956. Same month names, first
# letter pulled out front for speed.
_DATE_MONTH_FIRST = re.compile(
    r"[ADFJMNOSadfjmnos](?<![A-Za-z][A-Za-z])(?i:"
    r"(?<=j)an(?:uary)?|(?<=f)eb(?:ruary)?|(?<=m)ar(?:ch)?|(?<=a)pr(?:il)?|(?<=m)ay"
    r"|(?<=j)une?|(?<=j)uly?|(?<=a)ug(?:ust)?|(?<=s)ep(?:t(?:ember)?)?|(?<=o)ct(?:ober)?"
    r"|(?<=n)ov(?:ember)?|(?<=d)ec(?:ember)?"
    rf")(?![A-Za-z])\.?{_SP}*(?P<a>[0-9]{{1,2}}){_ORDINAL},?{_SP}+[0-9]{{4}}(?![0-9])"
)


def _plausible(m: re.Match[str]) -> bool:
    a, b, c = m["a"], m["b"], m["c"]
    if b is None:  # a month name: a is the day
        return len(a) <= 2 and 1 <= int(a) <= 31
    if len(a) == 4:  # ISO: year, month, day
        return len(c) <= 2 and 1 <= int(b) <= 12 and 1 <= int(c) <= 31
    return len(a) <= 2 and len(c) != 1 and 1 <= int(a) <= 31 and 1 <= int(b) <= 12


def _dates(text: str) -> list[Span]:
    found = [m.span() for m in _DATE_DIGIT_FIRST.finditer(text) if _plausible(m)]
    found += [m.span() for m in _DATE_MONTH_FIRST.finditer(text) if 1 <= int(m["a"]) <= 31]
    return sorted(found)


# DOB, D.O.B., d.o.b, date of birth; birth, birth date, birthdate, birthday, born.
# 'b.' is deliberately not a label: it is also a list marker and part of 'b.d.'.
_DOB_LABEL = re.compile(
    r"[BbDd](?<![A-Za-z][BbDd])(?:"
    rf"(?<=[Dd])(?i:\.?{_SP}?o\.?{_SP}?b(?![a-z])\.?|ate{_SP}+of{_SP}+birth)"
    r"|(?<=[Bb])(?i:irth(?:[ \u00a0-]?date|day)?|orn)"
    r")(?![A-Za-z])"
)
_GAP_MAX_CHARS = 40
_GAP_MAX_WORDS = 3
_GAP_WORD = re.compile(r"[A-Za-z']+")
_SENTENCE_BREAK = re.compile(r"[.;!?](?:\s|$)|\n\s*\n")
# Words that show the nearby date is about something else ('DOB unknown, seen 12/03/2025').
_GAP_STOP_WORDS = frozenset(
    "seen review reviewed admitted admission discharged discharge referred referral"
    " letter clinic appointment appt attended dated unknown not no missing"
    " requested".split()
)


def _linked(gap: str, *, forward: bool) -> bool:
    """Whether the text between a label and a date keeps them together."""
    if len(gap) > _GAP_MAX_CHARS or _SENTENCE_BREAK.search(gap):
        return False
    if not forward and "," in gap:  # 'Seen 12/03/2025, DOB not recorded'
        return False
    words = _GAP_WORD.findall(gap)
    return len(words) <= _GAP_MAX_WORDS and not any(
        w.lower() in _GAP_STOP_WORDS for w in words
    )


def find_dates_of_birth(text: str) -> Iterator[Span]:
    labels = [m.span() for m in _DOB_LABEL.finditer(text)]
    if not labels:
        return
    dates = _dates(text)
    if not dates:
        return
    starts = [d[0] for d in dates]
    ends = [d[1] for d in dates]
    for label_start, label_end in labels:
        i = bisect_left(starts, label_end)  # first date after the label
        if i < len(dates) and _linked(text[label_end : starts[i]], forward=True):
            yield dates[i]
            continue
        j = bisect_right(ends, label_start) - 1  # last date before it
        if j >= 0 and _linked(text[ends[j] : label_start], forward=False):
            yield dates[j]


# --- Postcodes -----------------------------------------------------------------
# Anchored on the district digit (fast to find), then the letters before it
# must be a real UK postcode area, which rules out most look-alikes.
_POSTCODE = re.compile(
    rf"[0-9](?<=[A-Za-z][0-9])([A-Za-z0-9]?){_SP}{{0,2}}"
    r"[0-9]([ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2})(?![A-Za-z0-9])"
)
_AREAS = frozenset(
    "AB AL B BA BB BD BF BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW DA DD DE DG"
    " DH DL DN DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV"
    " JE KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE"
    " PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR"
    " TS TW UB W WA WC WD WF WN WR WS WV YO ZE".split()
)
_DISTRICT_LETTERS = frozenset("ABCDEFGHJKMNPRSTUVWXY")  # as in SW1A, W1D, EC1N
# In lower case these read as an ordinal or a unit ('B12 2nd dose', 'bay B6 2hr obs').
_LOWER_INWARD_WORDS = frozenset({"st", "nd", "rd", "th", "hr", "yr", "bd", "pd", "pw"})


def _area_start(text: str, digit_at: int) -> int | None:
    """Start of the 1-2 letter area before the district digit, if it stands alone."""
    for size in (2, 1):
        start = digit_at - size
        if start < 0 or not text[start:digit_at].isalpha() or not text[start:digit_at].isascii():
            continue
        if start and text[start - 1].isalnum():
            continue
        return start if text[start:digit_at].upper() in _AREAS else None
    return None


def find_postcodes(text: str) -> Iterator[Span]:
    for m in _POSTCODE.finditer(text):
        district_letter, letters = m[1], m[2]
        if district_letter.isalpha() and district_letter.upper() not in _DISTRICT_LETTERS:
            continue
        if letters.islower() and letters in _LOWER_INWARD_WORDS:
            continue
        start = _area_start(text, m.start())
        if start is not None:
            yield start, m.end()


# --- Email addresses -----------------------------------------------------------
# The lookbehind lets a match start only at the beginning of a token, which
# keeps long runs without '@' linear instead of quadratic.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+'-])[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
    r"(?![A-Za-z0-9-])"
)


def find_emails(text: str) -> Iterator[Span]:
    if "@" in text:
        for m in _EMAIL.finditer(text):
            yield m.span()


# --- Hospital numbers ----------------------------------------------------------
# Formats differ by trust, so only a label followed by a token of 4+
# characters with a digit in it counts ('MRN: A1234567', 'hosp no 1234567').
_NO = r"(?:no\b\.?|num(?:ber)?\b\.?|nbr\b\.?)"
_HOSPITAL = re.compile(
    r"[CcHhMmPpUu](?<![A-Za-z][CcHhMmPpUu])(?i:"
    rf"osp(?:ital)?\.?{_SP}*(?:{_NO}|id\b|#)"
    r"|rn\b"
    rf"|nit{_SP}*{_NO}"
    rf"|as{_SP}*(?:{_NO}|id\b)"
    rf"|atient{_SP}*id\b"
    rf"|ase{_SP}*notes?{_SP}*{_NO}"
    r")"
    rf"{_SP}*[:#=-]?{_SP}*(?i:is{_SP}+)?"
    r"((?=[A-Za-z/-]*[0-9])[A-Za-z0-9][A-Za-z0-9/-]{3,})"
)


def find_hospital_numbers(text: str) -> Iterator[Span]:
    for m in _HOSPITAL.finditer(text):
        yield m.span(1)
