"""The in-process timer behind the bench's ratios of a function to its SQL."""

from bench.measure import timed_medians


def test_runs_are_timed_in_turns_so_that_a_slow_spell_hits_both():
    calls: list[str] = []
    medians = timed_medians(lambda: calls.append("function"), lambda: calls.append("sql"), repeat=3)
    assert calls == ["function", "sql"] * 4  # one warm-up each, then three turns
    assert len(medians) == 2
