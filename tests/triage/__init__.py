"""Triage assistant tests (a package so module names such as test_cli stay unique)."""
