"""The guidance line and NHS Standard Contract references a category cites.

Contract references are reference data an administrator keeps per contract year, so
letters and packs always read them from the database, never from a template.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from tracker.categories.models import Category, ContractReference
from tracker.extensions import db

NO_VALUE = "–"  # what the reference data holds where a category has no guidance heading


def contract_year_for(on: date) -> str:
    """The contract year a date falls in: 1 April to 31 March, written like 2025/26."""
    start = on.year if on.month >= 4 else on.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


@dataclass(frozen=True)
class Citation:
    """What a category cites: the guidance line and the contract references of one year."""

    slug: str
    title: str
    guidance_heading: str | None
    guidance_quote: str | None
    contract_year: str | None
    references: tuple[tuple[str, str], ...]  # (reference, description)

    @property
    def reference_codes(self) -> str:
        """Like 'SC11 and SC12'."""
        codes = [code for code, _ in self.references]
        if len(codes) <= 1:
            return "".join(codes)
        return ", ".join(codes[:-1]) + " and " + codes[-1]

    @property
    def contract_line(self) -> str:
        """Like 'NHS Standard Contract 2025/26: SC11 and SC12', or '' when none applies."""
        if not self.references:
            return ""
        return f"NHS Standard Contract {self.contract_year}: {self.reference_codes}"


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return None if not text or text == NO_VALUE else text


def _pick_year(years: Iterable[str], on: date) -> str | None:
    """The year in force on ``on``; failing that the latest earlier one; failing that the latest."""
    years = sorted(set(years))
    if not years:
        return None
    current = contract_year_for(on)
    earlier = [y for y in years if y <= current]
    return earlier[-1] if earlier else years[-1]


def citations(slugs: Iterable[str] | None = None, on: date | None = None) -> dict[str, Citation]:
    """Citations by category slug, in category order (two queries whatever the number)."""
    on = on or date.today()
    query = select(Category).order_by(Category.position)
    if slugs is not None:
        query = query.where(Category.slug.in_(list(slugs)))
    categories = db.session.scalars(query).all()
    by_slug: dict[str, list[ContractReference]] = defaultdict(list)
    for ref in db.session.scalars(
        select(ContractReference)
        .where(ContractReference.category_slug.in_([c.slug for c in categories]))
        .order_by(ContractReference.reference)
    ):
        by_slug[ref.category_slug].append(ref)
    result = {}
    for category in categories:
        refs = by_slug.get(category.slug, [])
        year = _pick_year((r.contract_year for r in refs), on)
        result[category.slug] = Citation(
            slug=category.slug,
            title=category.title,
            guidance_heading=_clean(category.guidance_heading),
            guidance_quote=_clean(category.guidance_quote),
            contract_year=year,
            references=tuple((r.reference, r.description) for r in refs if r.contract_year == year),
        )
    return result


def citation(slug: str, on: date | None = None) -> Citation:
    return citations([slug], on)[slug]
