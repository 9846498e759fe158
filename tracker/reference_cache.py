"""Reference lists read once a minute per process: open trusts, specialties, categories.

The quick form shows all 200-odd open trusts and 60-odd specialties on every request, and
they change a few times a year (an ODS refresh, ``load-reference``). Reading and building
them each time was most of the form's database work. Each list is kept per process for
``REFERENCE_CACHE_SECONDS`` (60 by default; 0, no caching, under tests unless a test turns
it on), as plain frozen snapshots that are safe to share between threads and requests.

A change shows in every process within that time; ``clear()`` drops everything at once
(tests, and commands that change reference data in this process).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import current_app
from sqlalchemy import select

from tracker.categories.models import Category
from tracker.extensions import db
from tracker.organisations.models import Specialty, Trust

DEFAULT_SECONDS = 60
T = TypeVar("T")

_lock = threading.Lock()
_kept: dict[str, tuple[float, object]] = {}


@dataclass(frozen=True)
class TrustChoice:
    id: int
    ods_code: str
    name: str


@dataclass(frozen=True)
class SpecialtyChoice:
    code: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"


@dataclass(frozen=True)
class CategoryChoice:
    slug: str
    title: str
    guidance_heading: str
    guidance_quote: str
    help_text: str
    nhse_area: str
    position: int


def _seconds() -> float:
    app = current_app
    return float(app.config.get("REFERENCE_CACHE_SECONDS", 0 if app.testing else DEFAULT_SECONDS))


def _remembered(name: str, load: Callable[[], T]) -> T:
    seconds = _seconds()
    if seconds <= 0:
        return load()
    now = time.monotonic()
    with _lock:
        found = _kept.get(name)
    if found is not None and now - found[0] < seconds:
        return found[1]  # type: ignore[return-value]
    value = load()
    with _lock:
        _kept[name] = (now, value)
    return value


def clear() -> None:
    with _lock:
        _kept.clear()


def open_trusts() -> tuple[TrustChoice, ...]:
    """Trusts open today, by name."""
    return _remembered("open_trusts", lambda: tuple(
        TrustChoice(*row) for row in db.session.execute(
            select(Trust.id, Trust.ods_code, Trust.name).where(Trust.open_clause()).order_by(Trust.name))
    ))


def open_trusts_by_id() -> dict[int, TrustChoice]:
    return _remembered("open_trusts_by_id", lambda: {t.id: t for t in open_trusts()})


def specialties() -> tuple[SpecialtyChoice, ...]:
    """Every specialty, by name."""
    return _remembered("specialties", lambda: tuple(
        SpecialtyChoice(*row) for row in db.session.execute(
            select(Specialty.code, Specialty.name).order_by(Specialty.name))
    ))


def specialties_by_code() -> dict[str, SpecialtyChoice]:
    return _remembered("specialties_by_code", lambda: {s.code: s for s in specialties()})


def categories() -> tuple[CategoryChoice, ...]:
    """The categories in the taxonomy's order."""
    return _remembered("categories", lambda: tuple(
        CategoryChoice(*row) for row in db.session.execute(
            select(Category.slug, Category.title, Category.guidance_heading, Category.guidance_quote,
                   Category.help_text, Category.nhse_area, Category.position).order_by(Category.position))
    ))


def trust_ids_by_code() -> dict[str, int]:
    """Every trust's id by ODS code, closed ones included (old reports name them)."""
    return _remembered("trust_ids_by_code", lambda: dict(db.session.execute(select(Trust.ods_code, Trust.id)).all()))


def trusts_by_id() -> dict[int, TrustChoice]:
    """Every trust by id, closed ones included (summaries name the trusts of old reports)."""
    return _remembered("trusts_by_id", lambda: {
        row.id: TrustChoice(*row) for row in db.session.execute(select(Trust.id, Trust.ods_code, Trust.name))
    })


def category_slugs() -> frozenset[str]:
    return _remembered("category_slugs", lambda: frozenset(c.slug for c in categories()))


def specialty_codes() -> frozenset[str]:
    return _remembered("specialty_codes", lambda: frozenset(s.code for s in specialties()))
