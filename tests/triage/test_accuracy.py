"""Accuracy on the labelled examples, and the shape of the example data itself."""

from __future__ import annotations

import re
from collections import Counter

from tracker.triage import CATEGORY_SLUGS
from tracker.triage.evaluate import evaluate
from tracker.triage.examples import EXAMPLES, HELD_OUT, TUNING, examples


def test_held_out_top1_accuracy_is_at_least_90_percent() -> None:
    report = evaluate(examples(HELD_OUT))
    assert report.accuracy >= 0.90, [(c.expected, c.predicted, c.text) for c in report.confusions]


def test_tuning_accuracy_with_rules_alone() -> None:
    # The rules were tuned on these; a drop here means a rule edit broke something.
    assert evaluate(examples(TUNING), learned={}).accuracy >= 0.95


def test_enough_examples_in_both_sets_for_every_category() -> None:
    assert len(EXAMPLES) >= 150
    counts = Counter((e.slug, e.split) for e in EXAMPLES)
    for slug in CATEGORY_SLUGS:
        assert counts[slug, TUNING] >= 8, slug
        assert counts[slug, HELD_OUT] >= 4, slug
        assert counts[slug, TUNING] + counts[slug, HELD_OUT] >= 12, slug
    assert {e.slug for e in EXAMPLES} == set(CATEGORY_SLUGS)


def test_split_is_about_one_third_held_out() -> None:
    held_out = len(examples(HELD_OUT)) / len(EXAMPLES)
    assert 0.25 <= held_out <= 0.40


def test_examples_are_unique() -> None:
    texts = [e.text.lower() for e in EXAMPLES]
    assert len(texts) == len(set(texts))


def test_examples_hold_no_obvious_identifiers() -> None:
    nhs_number = re.compile(r"\b\d{3}\s?\d{3}\s?\d{4}\b")
    date = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")
    postcode = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
    email = re.compile(r"\S+@\S+")
    title_name = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr)\.? [A-Z]")
    for e in EXAMPLES:
        for pattern in (nhs_number, date, postcode, email, title_name):
            assert not pattern.search(e.text), e.text


def test_report_counts_add_up() -> None:
    report = evaluate(EXAMPLES)
    assert report.total == len(EXAMPLES) == sum(c.total for c in report.per_category)
    assert report.correct == sum(c.correct for c in report.per_category)
    assert len(report.confusions) == report.total - report.correct
