"""Two LMCs, their practices and officers, and two trusts, for the feedback tests."""

from datetime import date
from types import SimpleNamespace

import pytest

# Service calls take a fixed "today" so that no test depends on the wall clock.
TODAY = date(2026, 11, 20)  # a Friday


@pytest.fixture
def world(factory):
    lmc = factory.lmc(icb_codes=("QKK",))
    other_lmc = factory.lmc(icb_codes=("QOP",))
    practice = factory.practice("QKK", 0)
    return SimpleNamespace(
        lmc=lmc,
        other_lmc=other_lmc,
        practice=practice,
        second_practice=factory.practice("QKK", 1),
        outside_practice=factory.practice("QOP", 0),
        officer=factory.user("lmc-officer", lmc=lmc),
        other_officer=factory.user("lmc-officer", lmc=other_lmc),
        practice_user=factory.user("practice-user", practice=practice),
        trust=factory.trust("RJ1"),
        other_trust=factory.trust("RJZ"),
    )
