"""Factories for test data. Each returns a flushed object inside the test's transaction."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from tracker.accounts.models import User
from tracker.accounts.passwords import hash_password
from tracker.accounts.permissions import Role
from tracker.organisations.models import ICB, LMC, Practice, Trust

_sequence = itertools.count(1)


class Factory:
    def __init__(self, session):
        self.session = session

    def practice(self, icb_code: str = "QKK", index: int = 0) -> Practice:
        """A real practice from the loaded ODS data, in the given ICB."""
        return self.session.scalars(
            select(Practice).where(Practice.icb_code == icb_code, Practice.is_active).order_by(Practice.ods_code)
        ).all()[index]

    def trust(self, ods_code: str = "RJ1") -> Trust:
        return self.session.scalar(select(Trust).where(Trust.ods_code == ods_code))

    def icb(self, code: str) -> ICB:
        return self.session.get(ICB, code)

    def lmc(self, name: str | None = None, icb_codes=("QKK",), practices=()) -> LMC:
        lmc = LMC(name=name or f"Test LMC {next(_sequence)}")
        lmc.icbs = [self.icb(code) for code in icb_codes]
        lmc.practices = list(practices)
        self.session.add(lmc)
        self.session.flush()
        return lmc

    def user(
        self,
        role: str | Role = Role.PRACTICE_USER,
        *,
        practice: Practice | None = None,
        lmc: LMC | None = None,
        email: str | None = None,
        password: str | None = None,
        active: bool = True,
    ) -> User:
        role = Role(role)
        if role.belongs_to_practice and practice is None:
            practice = self.practice()
        if role is Role.LMC_OFFICER and lmc is None:
            lmc = self.lmc()
        user = User(
            email=email or f"user{next(_sequence)}@example.nhs.uk",
            full_name=f"Test {role.label}",
            role=role,
            practice=practice if role.belongs_to_practice else None,
            lmc=lmc if role is Role.LMC_OFFICER else None,
            password_hash=hash_password(password) if password else None,
            active=active,
        )
        self.session.add(user)
        self.session.flush()
        return user

    def report(
        self,
        practice: Practice | None = None,
        *,
        trust: Trust | str | None = "RJ1",
        independent_provider: str | None = None,
        received_on=None,
        category_slug: str = "investigations",
        specialty_code: str = "320",
        source: str = "clinic-letter",
        direction: str | None = None,
        action_taken: str = "done-under-protest",
        patient_impact: str = "none",
        description: str = "Clinic letter asked the GP to arrange an echo",
        minutes: dict | None = None,
        logged_by: User | None = None,
        withdrawn: bool = False,
    ):
        """A report written straight through the model (no triage, no audit), for fixtures.

        ``trust`` is a Trust or an ODS code; pass ``independent_provider="Name"`` (and
        ``trust=None``) for an independent provider. ``minutes`` maps staff role values
        ("gp", "nurse", "pharmacist", "admin") to minutes.
        """
        from datetime import date

        from tracker.db_types import utcnow
        from tracker.reports.models import (
            ActionTaken, Direction, PatientImpact, Report, Source, StaffRole, StaffTime,
        )

        practice = practice or self.practice()
        if isinstance(trust, str):
            trust = self.trust(trust)
        if independent_provider is not None:
            trust = None
        if logged_by is None:
            logged_by = self.session.scalar(
                select(User).where(User.practice_id == practice.id).order_by(User.id).limit(1)
            ) or self.user(Role.PRACTICE_USER, practice=practice)
        if direction is None:
            direction = "declined" if category_slug == "non-commissioned" else "request"
        staff = {StaffRole(role): int(value) for role, value in (minutes or {}).items() if value}
        report = Report(
            practice_id=practice.id,
            logged_by_id=logged_by.id,
            received_on=received_on or date.today(),
            trust_id=trust.id if trust is not None else None,
            independent_provider=independent_provider,
            specialty_code=specialty_code,
            source=Source(source),
            direction=Direction(direction),
            category_slug=category_slug,
            description=description,
            action_taken=ActionTaken(action_taken),
            patient_impact=PatientImpact(patient_impact),
            staff_minutes_total=sum(staff.values()),
            staff_time=[StaffTime(staff_role=role, minutes=m) for role, m in sorted(staff.items())],
        )
        if withdrawn:
            report.withdrawn_at = utcnow()
            report.withdrawn_by_id = logged_by.id
            report.withdrawn_reason = "Logged twice"
        self.session.add(report)
        self.session.flush()
        return report

    def logged_report(self, user: User, *, submission_token: str | None = None, **fields):
        """A report logged through ``services.log_report`` as ``user`` (triage suggestion and
        audit event included). ``fields`` are raw form values overriding a valid case."""
        from datetime import date

        from tracker.reports import services
        from tracker.reports.models import Report

        raw = {
            "received_on": date.today().isoformat(), "trust_code": "RJ1", "specialty_code": "320",
            "source": "clinic-letter", "category_slug": "investigations",
            "description": "Cardiology letter: GP to arrange echo before review",
            "action_taken": "done-under-protest", "patient_impact": "none", **fields,
        }
        data, errors = services.parse_report(raw)
        if errors:
            raise ValueError(f"invalid report fields for the factory: {errors}")
        report_id, _ = services.log_report(user.practice, user, data, submission_token=submission_token)
        self.session.flush()
        return self.session.get(Report, report_id)
