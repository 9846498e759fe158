"""Demo organisations and sign-ins for development. Refused in production."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from tracker.accounts import services as accounts
from tracker.accounts.models import User
from tracker.accounts.permissions import Role
from tracker.extensions import db
from tracker.organisations import services as organisations
from tracker.organisations.models import LMC, Practice

DEMO_USERS = (
    ("practice.user@example.nhs.uk", "Priya Shah", Role.PRACTICE_USER, "home"),
    ("practice.lead@example.nhs.uk", "Dr Tom Okafor", Role.PRACTICE_LEAD, "home"),
    ("other.practice@example.nhs.uk", "Sam Lee", Role.PRACTICE_USER, "other"),
    ("lmc.officer@example.nhs.uk", "Dr Helen Ward", Role.LMC_OFFICER, "lmc"),
    ("admin@example.nhs.uk", "Alex Morgan", Role.ADMIN, None),
)

# Two LMCs over three ICBs: South East London and North East London for the first,
# Greater Manchester for the second.
DEMO_LMCS = (
    ("Londonwide LMCs (demo)", ["QKK", "QMF"]),
    ("Greater Manchester LMC (demo)", ["QOP"]),
)


class DemoRefused(RuntimeError):
    pass


def _practices_in(icb_code: str, count: int) -> list[Practice]:
    return list(
        db.session.scalars(
            select(Practice)
            .where(Practice.icb_code == icb_code, Practice.is_active)
            .order_by(Practice.ods_code)
            .limit(count)
        )
    )


def demo_practices() -> dict[str, list[Practice]]:
    """The practices the demo uses, by ICB (reference data must be loaded first)."""
    return {code: _practices_in(code, 3) for code in ("QKK", "QMF", "QOP")}


def load_demo(password: str | None = None) -> list[tuple[str, str]]:
    """Create the demo LMCs and users if missing. Returns (email, role label) for each sign-in."""
    if current_app.config["PRODUCTION"]:
        raise DemoRefused("Demo data is for development only and is refused in production.")
    password = password or current_app.config["DEMO_PASSWORD"]
    practices = demo_practices()
    if not all(practices.values()):
        raise DemoRefused("Load the ODS reference data first: flask --app wsgi tracker import-ods data/ods")

    lmcs = {}
    for name, icb_codes in DEMO_LMCS:
        lmc = db.session.scalar(select(LMC).where(LMC.name == name))
        if lmc is None:
            lmc = organisations.save_lmc(name=name, icb_codes=icb_codes, practice_codes=[], actor=None)
        lmcs[name] = lmc

    orgs = {
        "home": practices["QKK"][0],
        "other": practices["QOP"][0],
        "lmc": lmcs[DEMO_LMCS[0][0]],
    }
    sign_ins = []
    for email, name, role, org in DEMO_USERS:
        if accounts.find_user_by_email(email) is None:
            accounts.create_user(
                email=email,
                full_name=name,
                role=role,
                practice=orgs[org] if role.belongs_to_practice else None,
                lmc=orgs[org] if role is Role.LMC_OFFICER else None,
                password=password,
            )
        sign_ins.append((email, role.label))
    db.session.flush()
    return sign_ins


def has_users() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is not None
