"""LMC maintenance (there is no open dataset of LMCs) and practice look-ups."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tracker import audit
from tracker.extensions import db
from tracker.organisations.models import ICB, LMC, Practice, Trust

_CODE_SPLIT = re.compile(r"[\s,;]+")


class OrganisationError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def parse_codes(text: str) -> list[str]:
    """ODS codes typed or pasted as a list: any mix of commas, spaces and new lines."""
    return [code.upper() for code in _CODE_SPLIT.split(text or "") if code]


def practice_by_code(code: str) -> Practice | None:
    return db.session.scalar(select(Practice).where(Practice.ods_code == code.strip().upper()))


def trust_by_code(code: str) -> Trust | None:
    return db.session.scalar(select(Trust).where(Trust.ods_code == code.strip().upper()))


def resolve_icbs(codes: list[str]) -> list[ICB]:
    found = {icb.code: icb for icb in db.session.scalars(select(ICB).where(ICB.code.in_(codes)))}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise OrganisationError(
            f"No ICB has the code {', '.join(unknown)}. Use ICB ODS codes such as QKK or S0E4D", "icb_codes"
        )
    return [found[code] for code in dict.fromkeys(codes)]


def resolve_practices(codes: list[str]) -> list[Practice]:
    found = {p.ods_code: p for p in db.session.scalars(select(Practice).where(Practice.ods_code.in_(codes)))}
    unknown = [code for code in codes if code not in found]
    if unknown:
        shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        raise OrganisationError(
            f"No GP practice has the ODS code {shown}. Check the codes, which look like A81001", "practice_codes"
        )
    return [found[code] for code in dict.fromkeys(codes)]


def save_lmc(
    *, name: str, icb_codes: list[str], practice_codes: list[str], actor, lmc: LMC | None = None
) -> LMC:
    name = name.strip()
    if not name:
        raise OrganisationError("Enter the LMC's name", "name")
    clash = db.session.scalar(select(LMC).where(func.lower(LMC.name) == name.lower()))
    if clash is not None and clash is not lmc:
        raise OrganisationError("An LMC with this name already exists", "name")
    icbs = resolve_icbs(icb_codes)
    practices = resolve_practices(practice_codes)
    if not icbs and not practices:
        raise OrganisationError("Choose at least one ICB or list at least one practice the LMC covers", "icb_codes")
    created = lmc is None
    if lmc is None:
        lmc = LMC(name=name)
        db.session.add(lmc)
    lmc.name = name
    lmc.icbs = icbs
    lmc.practices = practices
    try:
        db.session.flush()
    except IntegrityError:  # the same name saved at the same moment by another request (the caller rolls back)
        raise OrganisationError("An LMC with this name already exists", "name") from None
    audit.record(
        "lmc.created" if created else "lmc.updated",
        actor=actor,
        object_type="lmc",
        object_id=lmc.id,
        icbs=len(icbs),
        practices=len(practices),
    )
    return lmc


def covered_practice_count(lmc: LMC) -> int:
    return db.session.scalar(select(func.count()).select_from(lmc.practice_ids_select().subquery())) or 0
