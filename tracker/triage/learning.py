"""Learned layer: small per-word weight adjustments from confirmed examples.

Where the data comes from: each report stores the category the assistant suggested and the
category the user finally chose. Those confirmed (text, slug) pairs can be passed to
``learn_weights`` (for instance nightly, by a CLI command) and the result handed to
``suggest(text, learned=...)``. The result is plain JSON-serialisable data, so it can be saved
and versioned beside the phrase rules.

``builtin_weights()`` is the layer learned from the bundled TUNING examples only; ``suggest``
uses it unless told otherwise. Held-out examples are never learned from, so the held-out
accuracy stays an honest estimate.

Method (deliberately simple and deterministic): a naive-Bayes-style smoothed log-odds for each
word unigram and bigram, per category, from document frequencies. Only features seen at least
``min_count`` times in a category and with positive log-odds are kept; each weight is scaled
and capped so that the learned layer nudges the phrase rules rather than replacing them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cache
from types import MappingProxyType

from tracker.triage.phrases import normalise

# feature (a word, or two words joined by a space) -> {slug: weight}
LearnedWeights = Mapping[str, Mapping[str, float]]

_TOKEN = re.compile(r"[a-z0-9]+")
# Words too common to carry meaning alone (bigrams keep them: "gp to" still counts).
STOPWORDS = frozenset(
    "a an the and or of to for in on at by with from is was are be been as it this that "
    "we us our i he she they his her their patient gp".split()
)


def features(normalised: str) -> set[str]:
    """Unigrams (minus stop words) and bigrams of an already normalised text."""
    tokens = _TOKEN.findall(normalised)
    grams = {t for t in tokens if t not in STOPWORDS and len(t) > 1}
    grams.update(f"{a} {b}" for a, b in zip(tokens, tokens[1:]))
    return grams


def learn_weights(
    examples: Iterable[tuple[str, str]],
    *,
    min_count: int = 2,
    scale: float = 0.5,
    cap: float = 1.5,
    smoothing: float = 1.0,
) -> dict[str, dict[str, float]]:
    """Derive per-feature, per-category weight adjustments from confirmed (text, slug) pairs."""
    docs_per_slug: Counter[str] = Counter()
    feature_slug: Counter[tuple[str, str]] = Counter()
    feature_total: Counter[str] = Counter()
    for text, slug in examples:
        docs_per_slug[slug] += 1
        for f in features(normalise(text)):
            feature_slug[f, slug] += 1
            feature_total[f] += 1

    total_docs = sum(docs_per_slug.values())
    weights: dict[str, dict[str, float]] = {}
    for (f, slug), n_in in sorted(feature_slug.items()):
        if n_in < min_count:
            continue
        n_out = feature_total[f] - n_in
        docs_in = docs_per_slug[slug]
        docs_out = total_docs - docs_in
        p_in = (n_in + smoothing) / (docs_in + 2 * smoothing)
        p_out = (n_out + smoothing) / (docs_out + 2 * smoothing)
        log_odds = math.log(p_in / p_out)
        if log_odds <= 0:
            continue
        weights.setdefault(f, {})[slug] = round(min(cap, scale * log_odds), 3)
    return weights


def learned_contributions(normalised: str, learned: LearnedWeights) -> list[tuple[str, str, float]]:
    """(feature, slug, weight) for every learned feature present in the text, in a fixed order."""
    return [
        (f, slug, weight)
        for f in sorted(features(normalised))  # sorted: float sums come out the same every time
        for slug, weight in sorted(learned.get(f, {}).items())
    ]


@cache
def builtin_weights() -> LearnedWeights:
    """The learned layer from the bundled tuning examples (read-only, computed once)."""
    from tracker.triage.examples import TUNING, examples  # late: examples are only data

    learned = learn_weights((e.text, e.slug) for e in examples(TUNING))
    return MappingProxyType({f: MappingProxyType(w) for f, w in learned.items()})
