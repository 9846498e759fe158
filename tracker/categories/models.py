"""The fixed category taxonomy and contract references per contract year."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db


class Category(db.Model):
    """One of the 11 fixed categories. The slug is a stable interface (URLs, CSV, CLI)."""

    __tablename__ = "category"
    slug: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    guidance_heading: Mapped[str] = mapped_column(String(120))
    guidance_quote: Mapped[str] = mapped_column(Text)
    help_text: Mapped[str] = mapped_column(Text)
    nhse_area: Mapped[str] = mapped_column(String(60))
    position: Mapped[int]

    contract_references: Mapped[list[ContractReference]] = relationship(
        back_populates="category", order_by="ContractReference.contract_year.desc()"
    )


class ContractReference(db.Model):
    """An NHS Standard Contract reference for a category in one contract year.

    Sub-clause numbers change between years, so they are data an administrator edits,
    never text in a template.
    """

    __tablename__ = "contract_reference"
    __table_args__ = (UniqueConstraint("category_slug", "contract_year", "reference"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    category_slug: Mapped[str] = mapped_column(ForeignKey("category.slug"))
    contract_year: Mapped[str] = mapped_column(String(7))  # e.g. "2025/26"
    reference: Mapped[str] = mapped_column(String(40))  # e.g. "SC11"
    description: Mapped[str] = mapped_column(Text)

    category: Mapped[Category] = relationship(back_populates="contract_references")
