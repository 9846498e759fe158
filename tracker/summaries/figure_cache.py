"""LMC figures kept until the data behind them changes: the summary page's rendered
figures, and a trust page's ``TrustSummary``.

An LMC's ranking of 200 trusts over two periods is a few large aggregates and a long
table to write out: tens of milliseconds where the page around it takes a few; a trust's
page counts its reports by specialty, source, action and impact too. Officers open the
same pages again and again (in a meeting, each with the same period), so they are kept
per process, keyed by:

- the scope: the LMC, its name, and which ICBs and listed practices it covers;
- the period and the page's own links (the period chooser's arguments);
- the clock of every ICB whose reports the figures count: a trigger moves an ICB's clock
  on every change to its rows of the monthly summary table, which every counted
  report's logging, edit, withdrawal, import or purge changes, and on an edit of the
  fields a trust's page counts by (specialty, source, action, impact). A change commits
  with its clock tick, so figures made before it are never served after it.

Names of trusts and categories come from reference data that the clock does not follow,
so an entry is also dropped after ``SUMMARY_CACHE_SECONDS`` (300 by default; 0 turns the
cache off, and tests run without it unless they turn it on).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app

from tracker.summaries.scope import SummaryScope

DEFAULT_SECONDS = 300
MAX_ENTRIES = 256

_lock = threading.Lock()
_entries: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()
T = TypeVar("T")


def seconds() -> float:
    app = current_app
    return float(app.config.get("SUMMARY_CACHE_SECONDS", 0 if app.testing else DEFAULT_SECONDS))


def data_key(scope: SummaryScope) -> tuple | None:
    """What the scope's figures depend on, clocks included (read with the scope's coverage,
    one small query); None: do not cache."""
    coverage = scope.coverage
    if coverage is None:
        return None  # a practice's own figures are small and cheap
    return (scope.kind.value, scope.organisation_id, scope.name, coverage)


def remembered(key: Hashable | None, make: Callable[[], T]) -> T:
    """What is kept under ``key`` if still fresh, else ``make()`` (kept for next time).

    Keep only immutable values (text, frozen dataclasses): threads share them.
    """
    lifetime = seconds()
    if key is None or lifetime <= 0:
        return make()
    now = time.monotonic()
    with _lock:
        found = _entries.get(key)
        if found is not None and now - found[0] < lifetime:
            _entries.move_to_end(key)
            return found[1]  # type: ignore[return-value]
    value = make()
    with _lock:
        _entries[key] = (now, value)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def clear() -> None:
    with _lock:
        _entries.clear()
