"""Reports, staff time and trust raises written straight through the models.

The throwaway databases have no ODS data, so ``add_organisations`` makes the few
organisations a report needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tracker.accounts.models import User
from tracker.accounts.permissions import Role
from tracker.feedback.models import Contact, TrustRaise
from tracker.organisations.models import ICB, LMC, Practice, Region, Trust
from tracker.reports.models import ActionTaken, Direction, PatientImpact, Report, Source, StaffRole, StaffTime


@dataclass
class Organisations:
    practices: list[Practice]
    trust: Trust
    practice_user: User
    lmc: LMC
    lmc_officer: User


def add_organisations(session) -> Organisations:
    region = Region(code="Y56", name="London")
    icb = ICB(code="QKK", name="NHS South East London Integrated Care Board", region_code="Y56")
    practices = [Practice(ods_code=f"Z9990{i}", name=f"Test Surgery {i}", icb_code="QKK") for i in range(2)]
    trust = Trust(ods_code="RJ1", name="Guy's and St Thomas' NHS Foundation Trust", icb_code="QKK", region_code="Y56")
    lmc = LMC(name="South East London LMC")
    session.add_all([region, icb, *practices, trust, lmc])
    session.flush()
    user = User(email="practice@example.nhs.uk", full_name="Practice User", role=Role.PRACTICE_USER,
                practice=practices[0])
    officer = User(email="officer@example.nhs.uk", full_name="LMC Officer", role=Role.LMC_OFFICER, lmc=lmc)
    session.add_all([user, officer])
    session.flush()
    return Organisations(practices, trust, user, lmc, officer)


def add_report(session, *, practice: Practice, user: User, trust: Trust, received_on: date,
               minutes: dict[str, int] | None = None,
               description: str = "Clinic letter asked the GP to arrange an echo") -> Report:
    minutes = minutes if minutes is not None else {"gp": 10, "admin": 5}
    report = Report(
        practice_id=practice.id,
        logged_by_id=user.id,
        received_on=received_on,
        trust_id=trust.id,
        specialty_code="320",
        source=Source.CLINIC_LETTER,
        direction=Direction.REQUEST,
        category_slug="investigations",
        description=description,
        action_taken=ActionTaken.DONE_UNDER_PROTEST,
        patient_impact=PatientImpact.DELAY,
        staff_minutes_total=sum(minutes.values()),
        staff_time=[StaffTime(staff_role=StaffRole(role), minutes=value) for role, value in minutes.items()],
    )
    session.add(report)
    session.flush()
    return report


def add_raise(session, *, lmc: LMC, trust: Trust, officer: User, reports: list[Report],
              raised_on: date) -> TrustRaise:
    trust_raise = TrustRaise(
        lmc_id=lmc.id,
        trust_id=trust.id,
        raised_on=raised_on,
        reply_due_on=raised_on + timedelta(days=28),
        contact=Contact.PALS,
        raised_by_id=officer.id,
        reports=list(reports),
    )
    session.add(trust_raise)
    session.flush()
    return trust_raise
