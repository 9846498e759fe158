"""A report: one case of hospital work pushed onto (or declined by) a practice."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db_types import UTCDateTime, enum_by_value, utcnow
from tracker.extensions import db
from tracker.organisations.models import Practice, Specialty, Trust


class Source(StrEnum):
    CLINIC_LETTER = "clinic-letter"
    DISCHARGE_SUMMARY = "discharge-summary"
    ED_LETTER = "ed-letter"
    AG_REPLY = "ag-reply"
    ERS_REJECTION = "ers-rejection"
    PHONE_EMAIL = "phone-email"
    PATIENT_TOLD = "patient-told"

    @property
    def label(self) -> str:
        return {
            "clinic-letter": "Outpatient clinic letter",
            "discharge-summary": "Discharge summary",
            "ed-letter": "Emergency department letter",
            "ag-reply": "Advice and Guidance reply",
            "ers-rejection": "e-RS rejection",
            "phone-email": "Phone call or email",
            "patient-told": "Patient told by hospital",
        }[self.value]


class Direction(StrEnum):
    REQUEST = "request"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {
            "request": "Request pushed to the practice",
            "declined": "Work the practice declined",
        }[self.value]


class ActionTaken(StrEnum):
    DECLINED_RETURNED = "declined-returned"
    DONE_UNDER_PROTEST = "done-under-protest"
    REDIRECTED = "redirected"
    DONE_COMMISSIONED = "done-commissioned"

    @property
    def label(self) -> str:
        return {
            "declined-returned": "Declined and returned to the requester",
            "done-under-protest": "Done under protest",
            "redirected": "Redirected to the patient or another service",
            "done-commissioned": "Done (appropriately commissioned)",
        }[self.value]


class PatientImpact(StrEnum):
    NONE = "none"
    DELAY = "delay"
    RISK_OF_HARM = "risk-of-harm"
    HARM = "harm"

    @property
    def label(self) -> str:
        return {
            "none": "None",
            "delay": "Delay to care",
            "risk-of-harm": "Risk of harm",
            "harm": "Harm",
        }[self.value]


class Status(StrEnum):
    LOGGED = "logged"
    RAISED = "raised"
    RESPONDED = "responded"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            "logged": "Logged",
            "raised": "Raised with trust",
            "responded": "Trust responded",
            "closed": "Closed",
        }[self.value]


class StaffRole(StrEnum):
    GP = "gp"
    NURSE = "nurse"
    PHARMACIST = "pharmacist"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"gp": "GP", "nurse": "Nurse", "pharmacist": "Pharmacist", "admin": "Admin staff"}[
            self.value
        ]


class Report(db.Model):
    __tablename__ = "report"
    __table_args__ = (
        CheckConstraint(
            "(trust_id IS NOT NULL AND independent_provider IS NULL)"
            " OR (trust_id IS NULL AND independent_provider IS NOT NULL)",
            name="one_provider",
        ),
        CheckConstraint(
            "category_slug <> 'non-commissioned' OR direction = 'declined'",
            name="non_commissioned_is_declined",
        ),
        # The practice's own log, newest first, and the trust summaries by period.
        Index("ix_report_practice_received", "practice_id", "received_on"),
        Index("ix_report_trust_received", "trust_id", "received_on"),
        # A practice's latest reports (home page, the quick form's recently used lists). On
        # PostgreSQL the trust and specialty ride along (INCLUDE, not key columns) so that the
        # lists are read from the index alone; as key columns the planner took the index for
        # a trust's counts too, reading every report of the LMC's practices (3 times slower).
        Index("ix_report_practice_latest", "practice_id", "id", postgresql_include=["trust_id", "specialty_code"]),
        # Counting a practice's reports that count (home page; summaries' part months): the
        # index alone answers, without reading the rows.
        Index("ix_report_practice_live", "practice_id", "received_on",
              sqlite_where=text("withdrawn_at IS NULL"), postgresql_where=text("withdrawn_at IS NULL")),
        # A user's latest report at a practice (the quick form's default trust and source).
        Index("ix_report_logged_by_practice", "logged_by_id", "practice_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    received_on: Mapped[date]
    trust_id: Mapped[int | None] = mapped_column(ForeignKey("trust.id"))
    independent_provider: Mapped[str | None] = mapped_column(String(200))
    specialty_code: Mapped[str] = mapped_column(ForeignKey("specialty.code"))
    source: Mapped[Source] = mapped_column(enum_by_value(Source, "source"))
    direction: Mapped[Direction] = mapped_column(enum_by_value(Direction, "direction"))
    category_slug: Mapped[str] = mapped_column(ForeignKey("category.slug"), index=True)
    # What the triage assistant suggested when the report was saved, so that its
    # accuracy can be measured against what users accepted.
    suggested_category_slug: Mapped[str | None] = mapped_column(ForeignKey("category.slug"))
    suggestion_confidence: Mapped[float | None]
    description: Mapped[str] = mapped_column(Text)
    action_taken: Mapped[ActionTaken] = mapped_column(enum_by_value(ActionTaken, "action_taken"))
    patient_impact: Mapped[PatientImpact] = mapped_column(
        enum_by_value(PatientImpact, "patient_impact")
    )
    status: Mapped[Status] = mapped_column(enum_by_value(Status, "status"), default=Status.LOGGED)
    staff_minutes_total: Mapped[int] = mapped_column(default=0)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    # A token issued with the form: a second POST of the same form finds the first report.
    submission_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, server_default=func.now()
    )
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    practice: Mapped[Practice] = relationship()
    trust: Mapped[Trust | None] = relationship()
    specialty: Mapped[Specialty] = relationship()
    staff_time: Mapped[list[StaffTime]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="StaffTime.staff_role"
    )

    @property
    def provider_name(self) -> str:
        return self.trust.name if self.trust is not None else (self.independent_provider or "")

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class StaffTime(db.Model):
    """Minutes one staff role spent on a report."""

    __tablename__ = "staff_time"
    __table_args__ = (CheckConstraint("minutes > 0 AND minutes <= 6000", name="minutes_range"),)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), primary_key=True
    )
    staff_role: Mapped[StaffRole] = mapped_column(enum_by_value(StaffRole, "staff_role"), primary_key=True)
    minutes: Mapped[int]

    report: Mapped[Report] = relationship(back_populates="staff_time")


class ImportStatus(StrEnum):
    CHECKING = "checking"
    CHECKED = "checked"
    APPLYING = "applying"
    APPLIED = "applied"
    FAILED = "failed"


class ImportJob(db.Model):
    """A spreadsheet a practice lead uploaded: checked first (dry run), then applied all at once.

    ``rows`` holds the parsed rows only once every cell has passed the identifier guard,
    so nothing identifiable is ever kept; ``errors`` holds row, column and message only.
    """

    __tablename__ = "import_job"
    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    filename: Mapped[str] = mapped_column(String(200))
    status: Mapped[ImportStatus] = mapped_column(enum_by_value(ImportStatus, "import_status"))
    total_rows: Mapped[int] = mapped_column(default=0)
    processed_rows: Mapped[int] = mapped_column(default=0)
    created_count: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list] = mapped_column(JSON, default=list)
    rows: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
