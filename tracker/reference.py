"""Load the reference data the service ships: categories, contract references, specialties."""

from __future__ import annotations

from sqlalchemy import select

from tracker.categories.models import Category, ContractReference
from tracker.categories.reference import CATEGORIES, CONTRACT_YEAR
from tracker.extensions import db
from tracker.organisations.models import Specialty
from tracker.organisations.specialties import SPECIALTIES


def load_reference_data() -> dict[str, int]:
    """Create or refresh categories and specialties; add starting contract references once.

    Contract references are only added where a category has none, so administrators'
    edits are never overwritten. The caller commits.
    """
    created = {"categories": 0, "specialties": 0, "contract_references": 0}
    categories = {c.slug: c for c in db.session.scalars(select(Category))}
    for position, data in enumerate(CATEGORIES, start=1):
        values = dict(
            title=data.title,
            guidance_heading=data.guidance_heading,
            guidance_quote=data.guidance_quote,
            help_text=data.help_text,
            nhse_area=data.nhse_area,
            position=position,
        )
        category = categories.get(data.slug)
        if category is None:
            category = Category(slug=data.slug, **values)
            db.session.add(category)
            created["categories"] += 1
        else:
            for key, value in values.items():
                setattr(category, key, value)
    db.session.flush()
    has_refs = set(db.session.scalars(select(ContractReference.category_slug).distinct()))
    for data in CATEGORIES:
        if data.slug in has_refs:
            continue
        for reference, description in data.contract:
            db.session.add(
                ContractReference(
                    category_slug=data.slug,
                    contract_year=CONTRACT_YEAR,
                    reference=reference,
                    description=description,
                )
            )
            created["contract_references"] += 1
    specialties = {s.code: s for s in db.session.scalars(select(Specialty))}
    for code, name in SPECIALTIES:
        if code not in specialties:
            db.session.add(Specialty(code=code, name=name))
            created["specialties"] += 1
        elif specialties[code].name != name:
            specialties[code].name = name
    db.session.flush()
    return created
