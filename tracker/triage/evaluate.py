"""Measure the triage assistant against labelled examples.

Run ``python -m tracker.triage.evaluate`` for top-1 accuracy per category, with the confusions,
on the held-out set (the honest estimate) and the tuning set, each for the default configuration
(phrase rules + the layer learned from the tuning set) and for the phrase rules alone. The tuning
figures with the learned layer are flattered: it was learned from those very texts.
``--verbose`` lists each miss with its reasons; tune the rules against the tuning set only.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from tracker.triage import CATEGORY_SLUGS, suggest
from tracker.triage.examples import HELD_OUT, TUNING, Example, examples
from tracker.triage.learning import LearnedWeights


@dataclass(frozen=True)
class Confusion:
    text: str
    expected: str
    predicted: str
    confidence: float
    explanation: str


@dataclass(frozen=True)
class CategoryResult:
    slug: str
    total: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass(frozen=True)
class Report:
    total: int
    correct: int
    per_category: tuple[CategoryResult, ...]  # in CATEGORY_SLUGS order
    confusions: tuple[Confusion, ...]

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def evaluate(items: Iterable[Example], learned: LearnedWeights | None = None) -> Report:
    """Top-1 accuracy overall and per expected category, plus every misclassification.

    ``learned`` is passed to ``suggest``: None for the default configuration, {} for rules only.
    """
    totals = dict.fromkeys(CATEGORY_SLUGS, 0)
    hits = dict.fromkeys(CATEGORY_SLUGS, 0)
    confusions = []
    for ex in items:
        s = suggest(ex.text, learned=learned)
        totals[ex.slug] += 1
        if s.slug == ex.slug:
            hits[ex.slug] += 1
        else:
            confusions.append(Confusion(ex.text, ex.slug, s.slug, s.confidence, s.explanation))
    per_category = tuple(CategoryResult(s, totals[s], hits[s]) for s in CATEGORY_SLUGS)
    return Report(sum(totals.values()), sum(hits.values()), per_category, tuple(confusions))


def format_report(name: str, report: Report, verbose: bool = False) -> str:
    lines = [f"{name}: {report.correct}/{report.total} = {report.accuracy:.1%}"]
    for c in report.per_category:
        lines.append(f"  {c.slug:<18} {c.correct:>3}/{c.total:<3} {c.accuracy:6.1%}")
    for c in report.confusions:
        lines.append(f"  MISS {c.expected} -> {c.predicted} ({c.confidence:.2f}): {c.text}")
        if verbose:
            lines.append(f"       {c.explanation}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="show reasons for each miss")
    args = parser.parse_args(argv)

    runs = (
        ("held-out, rules + learned (default)", HELD_OUT, None),
        ("held-out, rules only", HELD_OUT, {}),
        ("tuning, rules + learned (flattered: learned from these)", TUNING, None),
        ("tuning, rules only", TUNING, {}),
    )
    for name, split, learned in runs:
        print(format_report(name, evaluate(examples(split), learned), args.verbose), end="\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
