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
