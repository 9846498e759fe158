"""Raising reports with a trust and recording the trust's reply."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, String, Table, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db_types import UTCDateTime, enum_by_value, utcnow
from tracker.extensions import db
from tracker.organisations.models import LMC, Trust
from tracker.reports.models import Report


class Contact(StrEnum):
    CLINICAL_DIRECTOR = "clinical-director"
    CONTRACTS_TEAM = "contracts-team"
    PALS = "pals"
    ICB = "icb"

    @property
    def label(self) -> str:
        return {
            "clinical-director": "Clinical director",
            "contracts-team": "Contracts team",
            "pals": "Patient Advice and Liaison Service (PALS)",
            "icb": "Integrated Care Board",
        }[self.value]


class ReplyOutcome(StrEnum):
    ACCEPTED = "accepted"
    PARTLY_ACCEPTED = "partly-accepted"
    DISPUTED = "disputed"
    NO_ACTION = "no-action"

    @property
    def label(self) -> str:
        return {
            "accepted": "Accepted: the trust will change practice",
            "partly-accepted": "Partly accepted",
            "disputed": "Disputed by the trust",
            "no-action": "Acknowledged, no action offered",
        }[self.value]


raised_report = Table(
    "raised_report",
    db.metadata,
    Column("raise_id", ForeignKey("trust_raise.id", ondelete="CASCADE"), primary_key=True),
    Column("report_id", ForeignKey("report.id"), primary_key=True, index=True),
)


class TrustRaise(db.Model):
    """A set of reports an LMC officer raised with a trust on one date."""

    __tablename__ = "trust_raise"
    id: Mapped[int] = mapped_column(primary_key=True)
    lmc_id: Mapped[int] = mapped_column(ForeignKey("lmc.id"), index=True)
    trust_id: Mapped[int] = mapped_column(ForeignKey("trust.id"), index=True)
    raised_on: Mapped[date]
    reply_due_on: Mapped[date]
    contact: Mapped[Contact] = mapped_column(enum_by_value(Contact, "contact"))
    contact_detail: Mapped[str | None] = mapped_column(String(200))
    document_sent: Mapped[str | None] = mapped_column(String(200))
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())

    lmc: Mapped[LMC] = relationship()
    trust: Mapped[Trust] = relationship()
    reports: Mapped[list[Report]] = relationship(secondary=raised_report)
    reply: Mapped[TrustReply | None] = relationship(back_populates="trust_raise", uselist=False)


class TrustReply(db.Model):
    """The trust's reply to a raise."""

    __tablename__ = "trust_reply"
    id: Mapped[int] = mapped_column(primary_key=True)
    raise_id: Mapped[int] = mapped_column(ForeignKey("trust_raise.id", ondelete="CASCADE"), unique=True)
    received_on: Mapped[date]
    summary: Mapped[str] = mapped_column(Text)
    outcome: Mapped[ReplyOutcome] = mapped_column(enum_by_value(ReplyOutcome, "reply_outcome"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    closed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())

    trust_raise: Mapped[TrustRaise] = relationship(back_populates="reply")
