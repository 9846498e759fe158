"""Kept benchmark databases are made again when a migration they were built with changes."""

from __future__ import annotations

from collections import Counter

from bench.load import LoadResult
from bench.run_all import edited_migrations, migration_hashes, page_ratio


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
    page_ratio("sqlite.1m", "home", _page_result(300, []), trivial_rps=1000)
    page_ratio("sqlite.1m", "trust_summary", _page_result(100, ["get: answered 500"]), trivial_rps=1000)

    out = capsys.readouterr().out
    assert "sqlite.1m.pages.home.ratio_to_trivial 0.300 ratio  target >= 0.25 with 0 errors: met" in out
    assert "sqlite.1m.pages.trust_summary.ratio_to_trivial 0.100 ratio  (no target)" in out
    assert "# trust_summary: get: answered 500" in out

    page_ratio("sqlite.1m", "reference", _page_result(800, []), trivial_rps=1000)
    assert ("sqlite.1m.pages.reference.ratio_to_trivial 0.800 ratio  (no target: the issue's yardstick page,"
            " session, CSRF token and a tiny template)") in capsys.readouterr().out
