"""What a realistic national log looks like: the mixes the generator draws from.

Pure data and small helpers, no database. The numbers are judgement, not measurement: they
are shaped like what LMCs report seeing (investigations and results left to the practice
are the commonest asks, fit notes come mostly from surgery, orthopaedics and ED,
prescribing problems mostly from discharge summaries), so that summaries, charts and
indexes are exercised by data with the right skew rather than by a uniform spread.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from itertools import accumulate
from random import Random
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """A fixed weighted choice, drawn with one ``random()`` and a binary search."""

    __slots__ = ("items", "cumulative", "total")

    def __init__(self, weights: dict[T, float] | Sequence[tuple[T, float]]):
        pairs = list(weights.items()) if isinstance(weights, dict) else list(weights)
        pairs = [(item, weight) for item, weight in pairs if weight > 0]
        if not pairs:
            raise ValueError("a weighted choice needs at least one positive weight")
        self.items: tuple[T, ...] = tuple(item for item, _ in pairs)
        self.cumulative = list(accumulate(weight for _, weight in pairs))
        self.total = self.cumulative[-1]

    def draw(self, rng: Random) -> T:
        index = bisect_right(self.cumulative, rng.random() * self.total)
        return self.items[min(index, len(self.items) - 1)]


# --- Categories -------------------------------------------------------------------------

# Share of all reports by category (sums to 100). Non-commissioned work is drawn per
# practice instead (see ``DECLINE_PROPENSITY``): some practices decline far more than others.
CATEGORY_MIX: dict[str, float] = {
    "investigations": 22,
    "results-follow-up": 18,
    "prescribing": 12,
    "communication": 10,
    "fit-notes": 8,
    "onward-referral": 8,
    "non-commissioned": 7,
    "advice-guidance": 5,
    "referral-rejected": 5,
    "other": 3,
    "pathway-gap": 2,
}
# A practice's share of non-commissioned reports is the national share times a lognormal
# factor with this spread, capped: practices taking local action decline much more.
DECLINE_PROPENSITY_SIGMA = 0.8
DECLINE_SHARE_CAP = 0.45

# Share of reports in each category that the practice declined rather than did.
DECLINED_SHARE: dict[str, float] = {
    "investigations": 0.15,
    "results-follow-up": 0.08,
    "prescribing": 0.12,
    "onward-referral": 0.10,
    "pathway-gap": 0.20,
}
DEFAULT_DECLINED_SHARE = 0.03

ACTION_BY_DIRECTION: dict[str, Weighted[str]] = {
    "declined": Weighted({"declined-returned": 70, "redirected": 30}),
    "request": Weighted(
        {"done-under-protest": 55, "redirected": 25, "declined-returned": 12, "done-commissioned": 8}
    ),
}
PATIENT_IMPACT = Weighted({"none": 55, "delay": 35, "risk-of-harm": 9, "harm": 1})

# --- Where the work came from -----------------------------------------------------------

SOURCE_BY_CATEGORY: dict[str, Weighted[str]] = {
    "prescribing": Weighted({"discharge-summary": 60, "clinic-letter": 30, "ed-letter": 5, "phone-email": 5}),
    "fit-notes": Weighted({"discharge-summary": 45, "patient-told": 30, "ed-letter": 15, "clinic-letter": 10}),
    "results-follow-up": Weighted({"clinic-letter": 40, "patient-told": 30, "discharge-summary": 20, "phone-email": 10}),
    "advice-guidance": Weighted({"ag-reply": 90, "phone-email": 10}),
    "referral-rejected": Weighted({"ers-rejection": 80, "clinic-letter": 15, "phone-email": 5}),
    "communication": Weighted({"clinic-letter": 45, "discharge-summary": 35, "ed-letter": 10, "phone-email": 10}),
}
DEFAULT_SOURCE = Weighted(
    {"clinic-letter": 60, "discharge-summary": 20, "ed-letter": 8, "patient-told": 6, "phone-email": 6}
)

# Specialties by NHS Treatment Function Code. Fit notes and prescribing have their own mix;
# a mental health trust's work is mental health work.
GENERAL_SPECIALTIES = Weighted({
    "320": 10, "110": 9, "301": 8, "330": 6, "340": 6, "300": 6, "100": 5, "101": 5, "120": 5,
    "400": 5, "410": 5, "502": 5, "302": 4, "303": 4, "180": 4, "130": 3, "420": 3, "710": 3,
    "361": 2, "430": 2, "800": 2, "307": 2, "326": 2, "107": 1, "370": 1, "812": 1, "103": 1,
    "104": 1, "328": 1, "650": 1,
})
SPECIALTIES_BY_CATEGORY: dict[str, Weighted[str]] = {
    "fit-notes": Weighted({"110": 30, "100": 25, "180": 20, "502": 8, "104": 5, "101": 5, "300": 4, "120": 3}),
    "prescribing": Weighted({
        "300": 20, "326": 15, "320": 12, "430": 10, "710": 8, "410": 6, "302": 5, "400": 5,
        "303": 4, "361": 4, "330": 4, "110": 4, "100": 3,
    }),
}
MENTAL_HEALTH_SPECIALTIES = Weighted({"710": 70, "711": 15, "715": 10, "700": 5})

# Cues in a description that name its specialty or source: the generated report then agrees
# with its own text most of the time.
SPECIALTY_CUES: tuple[tuple[str, str], ...] = (
    (r"cardio|echo\b|\bmi\b|24 ?hr tape|holter", "320"),
    (r"dermatol|derm\b|skin", "330"),
    (r"gastro|hepatol|colonoscop|coeliac|calprotectin|\bfit test", "301"),
    (r"ortho|fracture|\bt&o\b|hip|knee", "110"),
    (r"resp|spirometry|lung", "340"),
    (r"neuro|\bmri head|nerve conduction", "400"),
    (r"rheum|methotrexate", "410"),
    (r"urolog|\bpsa\b|turp|catheter", "101"),
    (r"\bent\b|audiology|microsuction", "120"),
    (r"gynae|pessary|pelvic", "502"),
    (r"endocrin|synacthen|thyroid|testosterone", "302"),
    (r"haem|venesection|myeloma|anticoag|warfarin", "303"),
    (r"renal|nephro", "361"),
    (r"vascular|carotid|abpi|leg ulcer", "107"),
    (r"\bed\b|\ba&e\b|emergency", "180"),
    (r"paed|child", "420"),
    (r"ophthalm|\beye", "130"),
    (r"breast", "103"),
    (r"colorectal|polypectomy", "104"),
    (r"adhd|mental health|psychiat|\bcmht\b", "710"),
    (r"oncol|tumour", "370"),
    (r"diabet|hba1c", "307"),
    (r"stroke", "328"),
    (r"\bamu\b|acute med", "326"),
    (r"surg|post-op|post op|hernia|appendic", "100"),
)
SOURCE_CUES: tuple[tuple[str, str], ...] = (
    (r"\ba&g\b|advice and guidance|advice & guidance", "ag-reply"),
    (r"e-rs|\bers\b|rejected|returned|proforma", "ers-rejection"),
    (r"\bed letter|\ba&e\b|\bed\b", "ed-letter"),
    (r"discharge|\btto\b|\btta\b|ward", "discharge-summary"),
    (r"patient told|pt told|told (?:the )?(?:pt|patient)|patient rang|pt rang", "patient-told"),
    (r"phoned|rang us|email", "phone-email"),
    (r"letter|clinic|\bopa\b", "clinic-letter"),
)
CUE_TRUST = 0.85  # how often a description's cue decides the specialty or source

INDEPENDENT_PROVIDERS = Weighted({
    "Spire Healthcare": 25,
    "Nuffield Health": 20,
    "Circle Health Group": 18,
    "Ramsay Health Care UK": 15,
    "Practice Plus Group": 10,
    "InHealth": 7,
    "Care UK": 5,
})

# --- Providers ---------------------------------------------------------------------------

OWN_ICB_SHARE = 0.85  # of NHS trust reports: a trust in the practice's own ICB
REGION_SHARE = 0.12  # a trust elsewhere in the region; the rest anywhere in England
INDEPENDENT_SHARE = 0.04  # of all reports: an independent provider, not an NHS trust

_MENTAL_HEALTH_WORDS = (
    "mental health", "partnership", "maudsley", "tavistock", "psychiatr", "combined healthcare",
    "pennine care", "oxleas", "tees, esk", "cumbria, northumberland", "priory", "south west yorkshire",
)
_SPECIALIST_WORDS = (
    "children", "orthopaedic", "christie", "marsden", "moorfields", "clatterbridge", "papworth",
    "heart", "women", "cancer", "walton", "liverpool women", "great ormond",
)


def is_mental_health_trust(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in _MENTAL_HEALTH_WORDS)


def trust_weight(name: str) -> float:
    """How much work a trust sends to practices, by its kind (acute trusts send the most)."""
    lowered = name.lower()
    if "ambulance" in lowered:
        return 0.3
    if "online" in lowered:
        return 0.2
    if is_mental_health_trust(name) or "community" in lowered or "health and care" in lowered:
        return 1.5
    if any(word in lowered for word in _SPECIALIST_WORDS):
        return 2.0
    return 10.0


# --- Practices ---------------------------------------------------------------------------

PRACTICE_VOLUME_SIGMA = 0.7  # lognormal spread of how much each practice logs

# --- Time --------------------------------------------------------------------------------

WEEKDAY_FACTOR = (1.25, 1.1, 1.05, 1.0, 0.9, 0.06, 0.03)  # Monday first
GROWTH_FROM = 0.45  # daily volume at the start relative to the end (adoption grows)
WINTER_PEAK = 0.12  # +12 % in mid January, -12 % in mid July
AUGUST_FACTOR = 0.9


def day_weights(first: date, last: date) -> list[float]:
    """A relative volume for every day from ``first`` to ``last`` inclusive."""
    days = (last - first).days
    weights = []
    for offset in range(days + 1):
        day = first + timedelta(days=offset)
        weight = WEEKDAY_FACTOR[day.weekday()]
        weight *= 1 + WINTER_PEAK * math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365.25)
        if day.month == 8:
            weight *= AUGUST_FACTOR
        if (day.month, day.day) in {(12, 25), (12, 26), (1, 1)}:
            weight *= 0.05
        weight *= GROWTH_FROM + (1 - GROWTH_FROM) * (offset / max(days, 1))
        weights.append(weight)
    return weights


# Days from the date a request arrived to the day it was logged.
LOGGING_LAG_DAYS = Weighted({0: 70, 1: 18, 2: 5, 3: 3, 4: 2, 7: 2})
WORKING_DAY_SECONDS = (8 * 3600, 18 * 3600 + 1800)

# --- Staff time --------------------------------------------------------------------------

STAFF_TIME_SHARE = 0.85  # reports with any staff time recorded
# (role, chance the role spent time, minutes to choose from). Pharmacists mainly on prescribing.
STAFF_ROLES: tuple[tuple[str, float, tuple[int, ...]], ...] = (
    ("gp", 0.6, (5, 5, 10, 10, 10, 15, 15, 20, 30)),
    ("nurse", 0.15, (10, 10, 15, 20, 30)),
    ("pharmacist", 0.05, (10, 15, 20, 30)),
    ("admin", 0.7, (5, 5, 5, 10, 10, 15, 20)),
)
PHARMACIST_SHARE_ON_PRESCRIBING = 0.6

# --- Lifecycle ---------------------------------------------------------------------------

WITHDRAWN_SHARE = 0.02
WITHDRAW_REASONS = (
    "Logged twice by mistake",
    "Logged against the wrong trust",
    "Not hospital work after all",
    "Entered by mistake",
)
# A (LMC, trust, month) group older than RAISE_AFTER_DAYS is raised with the trust with this
# chance; then each report of the group is included with REPORT_IN_RAISE_SHARE.
RAISE_GROUP_SHARE = 0.3
REPORT_IN_RAISE_SHARE = 0.6
RAISE_AFTER_DAYS = 45
RAISE_OUTCOME = Weighted({"raised": 35, "responded": 45, "closed": 20})
CONTACTS = Weighted({"clinical-director": 45, "contracts-team": 30, "icb": 15, "pals": 10})
REPLY_OUTCOMES = Weighted({"accepted": 25, "partly-accepted": 35, "disputed": 20, "no-action": 20})
REPLY_SUMMARIES = (
    "The trust will remind clinic teams to arrange the tests they request.",
    "The medical director has written to consultants about fit notes on discharge.",
    "The trust says the requests follow local pathways and will review them with the ICB.",
    "Acknowledged; the trust will discuss at its next interface group.",
    "The trust agreed to supply 14 days of new medicines on discharge.",
)


# --- Descriptions ------------------------------------------------------------------------


@dataclass(frozen=True)
class DescriptionTemplate:
    """An example text and what it says about the report around it."""

    text: str
    slug: str
    specialty_code: str | None
    source: str | None
    suggested_slug: str
    suggestion_confidence: float


def _first_cue(text: str, cues: tuple[tuple[str, str], ...]) -> str | None:
    lowered = text.lower()
    for pattern, value in cues:
        if re.search(pattern, lowered):
            return value
    return None


@cache
def description_templates() -> dict[str, list[DescriptionTemplate]]:
    """The triage examples by category, each with the cues and the suggestion it carries.

    Cached: the suggestions are worked out once per process. Treat the result as read-only.
    """
    from tracker.triage import suggest
    from tracker.triage.examples import EXAMPLES

    templates: dict[str, list[DescriptionTemplate]] = {}
    for example in EXAMPLES:
        suggestion = suggest(example.text)
        templates.setdefault(example.slug, []).append(
            DescriptionTemplate(
                text=example.text,
                slug=example.slug,
                specialty_code=_first_cue(example.text, SPECIALTY_CUES),
                source=_first_cue(example.text, SOURCE_CUES),
                suggested_slug=suggestion.slug,
                suggestion_confidence=round(suggestion.confidence, 2),
            )
        )
    return templates
