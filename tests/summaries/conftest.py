"""A small set of reports with hand-computed figures, shared by the summaries tests.

Period under test: January to March 2026 (previous period: October to December 2025).
LMC "home" covers ICB QKK (practices A and B); LMC "away" covers QOP (practice C).

For the home LMC and trust RJ1 in January-March 2026 the reports are r1-r4:

    r1  A  2026-01-10  investigations      320  clinic-letter      done-under-protest  none          GP 30, admin 10
    r2  A  2026-01-20  fit-notes           100  discharge-summary  declined-returned   delay         GP 15
    r3  B  2026-02-05  investigations      320  clinic-letter      redirected          risk-of-harm  nurse 60
    r4  B  2026-03-31  results-follow-up   330  patient-told       done-under-protest  none          admin 20, pharmacist 12

so 4 reports; minutes GP 45, nurse 60, pharmacist 12, admin 30 (147 in all); at the default
rates (GP 98, nurse 42, pharmacist 50, admin 18 pounds an hour) 73.50 + 42 + 10 + 9 = 134.50.
Previous period for RJ1: r10 and r11 (2 reports, GP 20 minutes = 32.67). Not counted: r8
(withdrawn), r9 (practice C, the other LMC), r12 and r13 (outside both periods).
"""

from dataclasses import dataclass
from datetime import date

import pytest

from tracker.summaries.periods import Period
from tracker.summaries.scope import SummaryScope

PERIOD = Period(date(2026, 1, 1), date(2026, 3, 31))
RATES = {"gp": 98.0, "nurse": 42.0, "pharmacist": 50.0, "admin": 18.0}


@dataclass
class World:
    home_lmc: object
    away_lmc: object
    practice_a: object
    practice_b: object
    practice_c: object
    rj1: object
    rjz: object
    reports: dict

    @property
    def home(self) -> SummaryScope:
        return SummaryScope.for_lmc(self.home_lmc)

    @property
    def away(self) -> SummaryScope:
        return SummaryScope.for_lmc(self.away_lmc)

    @property
    def practice_b_scope(self) -> SummaryScope:
        return SummaryScope.for_practice(self.practice_b)


@pytest.fixture
def world(factory) -> World:
    a, b = factory.practice("QKK", 0), factory.practice("QKK", 1)
    c = factory.practice("QOP", 0)
    home = factory.lmc(name="Home LMC", icb_codes=("QKK",))
    away = factory.lmc(name="Away LMC", icb_codes=("QOP",))
    r = {}
    r[1] = factory.report(a, received_on=date(2026, 1, 10), category_slug="investigations", specialty_code="320",
                          source="clinic-letter", action_taken="done-under-protest", patient_impact="none",
                          minutes={"gp": 30, "admin": 10}, description="Cardiology asked GP to arrange an echo")
    r[2] = factory.report(a, received_on=date(2026, 1, 20), category_slug="fit-notes", specialty_code="100",
                          source="discharge-summary", action_taken="declined-returned", patient_impact="delay",
                          minutes={"gp": 15}, description="No fit note on discharge")
    r[3] = factory.report(b, received_on=date(2026, 2, 5), category_slug="investigations", specialty_code="320",
                          source="clinic-letter", action_taken="redirected", patient_impact="risk-of-harm",
                          minutes={"nurse": 60}, description="=HYPERLINK(\"http://x\")")
    r[4] = factory.report(b, received_on=date(2026, 3, 31), category_slug="results-follow-up", specialty_code="330",
                          source="patient-told", action_taken="done-under-protest", patient_impact="none",
                          minutes={"admin": 20, "pharmacist": 12}, description="Patient told to ring GP for result")
    r[5] = factory.report(a, trust="RJZ", received_on=date(2026, 3, 1), minutes={"gp": 10})
    r[6] = factory.report(a, trust=None, independent_provider="Spire Healthcare", received_on=date(2026, 2, 14),
                          category_slug="onward-referral", minutes={"gp": 6})
    r[7] = factory.report(b, trust=None, independent_provider="spire healthcare", received_on=date(2026, 2, 15),
                          category_slug="onward-referral")
    r[8] = factory.report(a, received_on=date(2026, 1, 15), minutes={"gp": 100}, withdrawn=True)
    r[9] = factory.report(c, received_on=date(2026, 1, 12), minutes={"gp": 45}, description="Other LMC's report")
    r[10] = factory.report(a, received_on=date(2025, 12, 10), minutes={"gp": 20})
    r[11] = factory.report(a, received_on=date(2025, 10, 1), category_slug="fit-notes")
    r[12] = factory.report(a, received_on=date(2026, 4, 1))
    r[13] = factory.report(a, received_on=date(2025, 9, 30))
    return World(home, away, a, b, c, factory.trust("RJ1"), factory.trust("RJZ"), r)
