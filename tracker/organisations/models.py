"""NHS organisations: regions, ICBs, trusts, GP practices, LMCs and specialties."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, ForeignKey, String, Table, or_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db


class Region(db.Model):
    """An NHS England region (ODS 'national grouping', e.g. Y56 London)."""

    __tablename__ = "region"
    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))


class ICB(db.Model):
    """An Integrated Care Board, by ODS code (the 36 in force from 1 April 2026)."""

    __tablename__ = "icb"
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))

    region: Mapped[Region] = relationship()

    @property
    def short_name(self) -> str:
        return self.name.removesuffix(" Integrated Care Board").removeprefix("NHS ")


class Trust(db.Model):
    """An NHS trust (a provider that work is pushed from), by ODS code."""

    __tablename__ = "trust"
    id: Mapped[int] = mapped_column(primary_key=True)
    ods_code: Mapped[str] = mapped_column(String(5), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    icb_code: Mapped[str | None] = mapped_column(ForeignKey("icb.code"))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    open_date: Mapped[date | None]
    close_date: Mapped[date | None]

    icb: Mapped[ICB | None] = relationship()

    def is_open(self, on: date | None = None) -> bool:
        on = on or date.today()
        return self.close_date is None or self.close_date > on

    @classmethod
    def open_clause(cls, on: date | None = None):
        on = on or date.today()
        return or_(cls.close_date.is_(None), cls.close_date > on)


class Practice(db.Model):
    """A GP practice in England, by ODS code."""

    __tablename__ = "practice"
    id: Mapped[int] = mapped_column(primary_key=True)
    ods_code: Mapped[str] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    # Null only where the 2026 ICB cannot be derived from ODS (the old Frimley ICB split):
    # an administrator sets it.
    icb_code: Mapped[str | None] = mapped_column(ForeignKey("icb.code"), index=True)
    sub_icb_code: Mapped[str | None] = mapped_column(String(5))
    is_active: Mapped[bool] = mapped_column(default=True)

    icb: Mapped[ICB | None] = relationship()


lmc_icb = Table(
    "lmc_icb",
    db.metadata,
    Column("lmc_id", ForeignKey("lmc.id", ondelete="CASCADE"), primary_key=True),
    Column("icb_code", ForeignKey("icb.code"), primary_key=True),
)

lmc_practice = Table(
    "lmc_practice",
    db.metadata,
    Column("lmc_id", ForeignKey("lmc.id", ondelete="CASCADE"), primary_key=True),
    Column("practice_id", ForeignKey("practice.id"), primary_key=True, index=True),
)


class LMC(db.Model):
    """A Local Medical Committee. Not an ODS organisation: administrators maintain them.

    An LMC covers whole ICBs, a list of practices, or both.
    """

    __tablename__ = "lmc"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)

    icbs: Mapped[list[ICB]] = relationship(secondary=lmc_icb, order_by=ICB.name)
    practices: Mapped[list[Practice]] = relationship(secondary=lmc_practice, order_by=Practice.name)

    def practice_ids_select(self):
        """A SELECT of the ids of every practice this LMC covers, for use in IN (...)."""
        return practice_ids_for_lmc(self.id)


def practice_ids_for_lmc(lmc_id: int):
    by_icb = select(Practice.id).where(
        Practice.icb_code.in_(select(lmc_icb.c.icb_code).where(lmc_icb.c.lmc_id == lmc_id))
    )
    listed = select(lmc_practice.c.practice_id).where(lmc_practice.c.lmc_id == lmc_id)
    return by_icb.union(listed)


class Specialty(db.Model):
    """A specialty by NHS Treatment Function Code (e.g. 320 Cardiology)."""

    __tablename__ = "specialty"
    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"
