"""The audit trail: who did what, when, to which object, naming fields but never free text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db_types import UTCDateTime, utcnow
from tracker.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.now(), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    practice_id: Mapped[int | None] = mapped_column(ForeignKey("practice.id"), index=True)
    # Names of changed fields and coded values only (enforced by record()).
    details: Mapped[dict] = mapped_column(JSON, default=dict)
