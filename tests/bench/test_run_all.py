"""Kept benchmark databases are made again when a migration they were built with changes."""

from __future__ import annotations

from bench.run_all import edited_migrations, migration_hashes


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
