"""Kept benchmark databases are made again when a migration they were built with changes."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.load import LoadResult
from bench.run_all import PageTurns, edited_migrations, migration_hashes, page_ratio


def test_a_migration_changed_after_it_was_applied_forces_a_new_database():
    applied = {"0001_initial.py": "aaa", "0002_more.py": "bbb"}
    assert edited_migrations(applied, {"0001_initial.py": "aaa", "0002_more.py": "changed"}) == ["0002_more.py"]
    assert edited_migrations(applied, {"0001_initial.py": "aaa"}) == ["0002_more.py"]


def test_a_new_migration_is_only_applied():
    applied = {"0001_initial.py": "aaa"}
    assert edited_migrations(applied, {"0001_initial.py": "aaa", "0002_new.py": "ccc"}) == []


def test_every_migration_file_is_hashed():
    hashes = migration_hashes()
    assert any(name.startswith("0001_") for name in hashes)
    assert all(len(digest) == 64 for digest in hashes.values())


def _page_result(requests: int, failures: list[str]) -> LoadResult:
    return LoadResult("page", 16, 1.0, requests, Counter({200: requests - len(failures), 500: len(failures)}),
                      {"get": [0.01] * requests}, [], failures, Counter())


def test_page_ratios_judge_only_the_pages_with_a_target_and_show_every_pages_failures(capsys):
    page_ratio("sqlite.1m", "home", _page_result(300, []), [0.31, 0.29, 0.30])
    page_ratio("sqlite.1m", "trust_summary", _page_result(100, ["get: answered 500"]), [0.1])

    out = capsys.readouterr().out
    assert "sqlite.1m.pages.home.ratio_to_trivial 0.300 ratio  target >= 0.25 with 0 errors: met" in out
    assert "sqlite.1m.pages.home.ratio_turns 0.310 0.290 0.300 ratios  (each turn's, in order)" in out
    assert "sqlite.1m.pages.trust_summary.ratio_to_trivial 0.100 ratio  (no target)" in out
    assert "# trust_summary: get: answered 500" in out

    page_ratio("sqlite.1m", "reference", _page_result(800, []), [0.8])
    assert ("sqlite.1m.pages.reference.ratio_to_trivial 0.800 ratio  (no target: the issue's yardstick page,"
            " session, CSRF token and a tiny template)") in capsys.readouterr().out


def test_each_page_turn_is_judged_against_the_trivial_windows_either_side_of_it():
    """The machine slowing down through the run slows both; measured apart, it counted against the pages."""
    trivial_rps, page_rps, calls = iter([1000, 800, 600]), iter([290, 210]), []

    def window(name: str, speeds):
        def run():
            calls.append(name)
            return _page_result(next(speeds), [])
        return run

    turns = PageTurns(window("trivial", trivial_rps))
    merged, ratios = turns.measure(window("page", page_rps), turns=2)

    assert calls == ["trivial", "page", "trivial", "page", "trivial"]
    assert ratios == [pytest.approx(290 / 900), pytest.approx(210 / 700)]
    assert (merged.requests, merged.seconds) == (290 + 210, 2.0)
    assert turns.trivial_result().requests == 1000 + 800 + 600
