"""Triage assistant: a deterministic, explainable category suggester for logged work.

``suggest(text)`` normalises free text (lower case, abbreviations spelled out), adds up the
weights of the phrase rules in ``phrases.py`` per category, adds a small learned layer (see
``learning.py``; by default the one learned from the bundled tuning examples, ``learned={}``
for rules only), and returns the best category with a confidence and the phrases that drove it. Pure standard library: no Flask, no database, so the CLI, the importer and the report
form can all call it.

The suggestion is only a suggestion: the user picks the category. Storing the accepted category
beside the suggested one on each report gives confirmed (text, slug) pairs that
``learning.learn_weights`` can turn into weight adjustments later.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from tracker.triage.learning import STOPWORDS, LearnedWeights, builtin_weights, learned_contributions
from tracker.triage.phrases import RULES, Rule, normalise

__all__ = ["CATEGORY_SLUGS", "Suggestion", "normalise", "suggest"]

# The fixed taxonomy (shared/spec/categories.md). The order breaks ties: earlier wins.
CATEGORY_SLUGS: tuple[str, ...] = (
    "non-commissioned",
    "investigations",
    "fit-notes",
    "results-follow-up",
    "onward-referral",
    "prescribing",
    "communication",
    "advice-guidance",
    "referral-rejected",
    "pathway-gap",
    "other",
)
FALLBACK_SLUG = "other"

# Below this total, evidence is too thin to name a category: answer "other" with confidence 0.
MIN_SCORE = 1.5
# Weight of "none of these" in the confidence softmax; the same scale as rule weights.
NO_MATCH_SCORE = 0.0
# Softmax temperature, set by reasoning not fitting: one settling phrase (weight 3) alone gives
# about 0.8, so confidence near 1 needs several independent cues.
TEMPERATURE = 2.0
# Learned features are listed among the reasons only when they weigh this much, at most this many.
MIN_LEARNED_REASON = 0.3
MAX_LEARNED_REASONS = 3
# Very long inputs are cut: letters put the ask near the top, and it bounds the regex work.
MAX_CHARS = 5000

_ORDER = {slug: i for i, slug in enumerate(CATEGORY_SLUGS)}


@dataclass(frozen=True)
class Suggestion:
    slug: str
    confidence: float  # 0..1, two decimal places
    reasons: tuple[str, ...]  # matched phrases for `slug`, heaviest first
    scores: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}), hash=False)

    @property
    def explanation(self) -> str:
        if not self.reasons:
            return "No suggestion: no known phrase matched strongly enough."
        return "Suggested because: " + ", ".join(f"'{r}'" for r in self.reasons)


@dataclass(frozen=True)
class _Compiled:
    rule: Rule
    pattern: re.Pattern[str]
    requires: tuple[re.Pattern[str], ...]
    unless: re.Pattern[str] | None


def _compile(rule: Rule) -> _Compiled:
    if rule.slug not in _ORDER:
        raise ValueError(f"phrase rule for unknown category {rule.slug!r}: {rule.pattern}")
    return _Compiled(
        rule,
        re.compile(rule.pattern),
        tuple(re.compile(p) for p in rule.requires),
        re.compile(rule.unless) if rule.unless else None,
    )


_COMPILED: tuple[_Compiled, ...] = tuple(_compile(r) for r in RULES)


def _rule_matches(text: str) -> list[tuple[str, float, str]]:
    """(slug, weight, matched phrase) for every rule that fires, in rule order."""
    hits = []
    for c in _COMPILED:
        match = c.pattern.search(text)
        if match is None or not all(p.search(text) for p in c.requires):
            continue
        if c.unless is not None and c.unless.search(text):
            continue
        hits.append((c.rule.slug, c.rule.weight, match.group(0).strip(" .,:;'\"-")))
    return hits


def _confidence(top: float, others: list[float]) -> float:
    """Softmax share of the top score against the other positive scores and "no match"."""
    exps = [math.exp((s - top) / TEMPERATURE) for s in others if s > 0]
    share = 1.0 / (1.0 + sum(exps) + math.exp((NO_MATCH_SCORE - top) / TEMPERATURE))
    return round(share, 2)


def _reasons(
    slug: str,
    rule_hits: list[tuple[str, float, str]],
    contributions: list[tuple[str, str, float]],
) -> tuple[str, ...]:
    """Rule phrases for `slug` plus its heaviest learned features, heaviest first, no repeats."""
    ranked = [(w, i, p) for i, (s, w, p) in enumerate(rule_hits) if s == slug and w > 0 and p]
    rule_text = " | ".join(p for _, _, p in ranked)
    learned = [
        (w, len(rule_hits) + i, f)  # after the rule phrases when weights are equal
        for i, (f, s, w) in enumerate(contributions)
        # Stop-word pairs ("of the") and words already inside a rule phrase explain nothing.
        if s == slug and w >= MIN_LEARNED_REASON
        and not STOPWORDS.issuperset(f.split()) and f not in rule_text
    ]
    learned = sorted(learned, key=lambda r: (-r[0], r[1]))[:MAX_LEARNED_REASONS]
    ordered = sorted(ranked + learned, key=lambda r: (-r[0], r[1]))
    return tuple(dict.fromkeys(p for _, _, p in ordered))


def suggest(text: str, learned: LearnedWeights | None = None) -> Suggestion:
    """Suggest a category slug for free text; deterministic for the same text and weights.

    ``learned`` adds learned weights to the rule scores: ``None`` uses the built-in layer
    (learned from the tuning examples), ``{}`` uses the phrase rules alone, and the result of
    ``learning.learn_weights(confirmed_pairs)`` uses weights from confirmed reports.
    """
    normalised = normalise(text[:MAX_CHARS]) if isinstance(text, str) else ""
    rule_hits = _rule_matches(normalised)
    contributions = learned_contributions(
        normalised, builtin_weights() if learned is None else learned
    )
    scores = dict.fromkeys(CATEGORY_SLUGS, 0.0)
    for slug, weight, _ in rule_hits:
        scores[slug] += weight
    for _, slug, weight in contributions:
        if slug in scores:
            scores[slug] += weight

    visible = MappingProxyType({s: round(v, 2) for s, v in scores.items() if v})
    # Highest score wins; equal scores fall back to the fixed category order.
    best = min(CATEGORY_SLUGS, key=lambda s: (-scores[s], _ORDER[s]))
    # The learned layer re-ranks; alone it never names a category (stray words in noise would).
    if scores[best] < MIN_SCORE or not rule_hits:
        return Suggestion(FALLBACK_SLUG, 0.0, (), visible)
    others = [v for s, v in scores.items() if s != best]
    return Suggestion(
        best, _confidence(scores[best], others), _reasons(best, rule_hits, contributions), visible
    )
