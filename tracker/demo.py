"""Demo organisations, sign-ins and reports for development. Refused in production."""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from tracker import audit, triage
from tracker.accounts import services as accounts
from tracker.accounts.models import User
from tracker.accounts.permissions import Role
from tracker.extensions import db
from tracker.organisations import services as organisations
from tracker.organisations.models import LMC, Practice, Trust
from tracker.reports import services as reports
from tracker.reports.models import Report, StaffTime
from tracker.triage.examples import EXAMPLES

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
    """Create the demo LMCs and users if missing, and demo reports if there are none.

    Returns (email, role label) for each sign-in.
    """
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
    load_demo_reports(practices)
    return sign_ins


def has_users() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is not None


# --- demo reports ------------------------------------------------------------------------------
#
# About 1,500 realistic cases over two years, deterministic: the same seed and the same ``today``
# give the same reports. Descriptions are the triage assistant's invented examples (no patient
# data); providers are trusts in each practice's own ICB. Every row goes through
# ``reports.parse_report`` (the identifier guard and every rule apply), then all are written in
# one flush rather than one at a time, to keep ``make run`` quick.

REPORT_COUNT = 1500
MONTHS = 24
SEED = 2026

# Trusts a practice hears from most are its local acute trusts; ambulance and online-only
# trusts rarely send letters, so they are left out. Codes not listed weigh 2.
TRUST_WEIGHTS = {
    "RJZ": 6, "RJ1": 5, "RJ2": 5, "RV5": 1,  # South East London
    "R1H": 7, "RF4": 5, "RQX": 4, "RAT": 1, "RWK": 1,  # North East London
    "R0A": 7, "RM3": 5, "RWJ": 4, "RMC": 4, "RRF": 3, "RMP": 3, "RBV": 1, "RXV": 1, "RT2": 1,  # Greater Manchester
}
LEFT_OUT = re.compile(r"ambulance|online", re.IGNORECASE)
INDEPENDENT_PROVIDERS = ("Riverside Independent Eye Clinic", "Northgate Community Diagnostics", "Parkway Independent Hospital")

# The specialty a description names, first match wins; otherwise a common one at random.
SPECIALTY_WORDS: tuple[tuple[str, str], ...] = (
    (r"cardio|echo|holter|ecg|heart failure|bp monitoring", "320"), (r"derm|skin|mole", "330"),
    (r"rheum|methotrexate", "410"), (r"urolog|catheter|psa", "101"), (r"gastro|colonoscopy|endoscopy|ibd", "301"),
    (r"\bent\b|ear|microsuction|tonsil", "120"), (r"haem|venesection|anticoag|warfarin|inr", "303"),
    (r"endocrin|thyroid|testosterone", "302"), (r"diabet", "307"), (r"renal|nephro|kidney", "361"),
    (r"gynae|pessary|menopause|obstet", "502"), (r"respir|spirometry|cxr|asthma|copd", "340"),
    (r"neuro|epilep|migraine|parkinson", "400"), (r"ortho|fracture|knee|hip|spinal", "110"),
    (r"paed|child|\d+ ?yr old", "420"), (r"ophthalm|eye|glaucoma", "130"), (r"\bed\b|a&e|emergency", "180"),
    (r"vascular|leg ulcer|abpi", "107"), (r"breast", "103"), (r"oncol|cancer|chemo", "370"),
    (r"adhd|mental health|psychiatr|crisis team", "710"), (r"stroke|tia\b", "328"), (r"hepat|liver|lft", "301"),
    (r"dietet", "654"), (r"physio", "650"), (r"surg|post-op|sutures|wound", "100"),
)
COMMON_SPECIALTIES = ("300", "300", "326", "430", "100")

SOURCE_WORDS: tuple[tuple[str, str], ...] = (
    (r"a&g|advice (and|&) guidance", "ag-reply"), (r"e-?rs|rejected|returned|proforma", "ers-rejection"),
    (r"discharge|tto|tta|ward", "discharge-summary"), (r"\bed\b|a&e|emergency dep", "ed-letter"),
    (r"phone|rang|called|email", "phone-email"), (r"pt told|patient told|told to (ring|contact|see)", "patient-told"),
)

ACTIONS = {"declined-returned": 30, "done-under-protest": 35, "redirected": 25, "done-commissioned": 10}
IMPACTS = {"none": 60, "delay": 28, "risk-of-harm": 10, "harm": 2}
WITHDRAW_SHARE = 0.02
WITHDRAW_REASONS = ("Logged twice by mistake", "Logged against the wrong case", "Not hospital work after all")


def has_reports() -> bool:
    return db.session.scalar(select(Report.id).limit(1)) is not None


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _first_match(text: str, table: tuple[tuple[str, str], ...]) -> str | None:
    lowered = text.lower()
    return next((value for pattern, value in table if re.search(pattern, lowered)), None)


def _local_trusts(icb_code: str) -> dict[str, int]:
    trusts = db.session.scalars(select(Trust).where(Trust.icb_code == icb_code, Trust.open_clause()).order_by(Trust.ods_code))
    return {t.ods_code: TRUST_WEIGHTS.get(t.ods_code, 2) for t in trusts if not LEFT_OUT.search(t.name)}


def _received_on(rng: random.Random, today: date) -> date:
    """A working day in the last MONTHS months; more recent months are busier (uptake grows)."""
    span = MONTHS * 30
    while True:
        # Triangular towards today: about twice as many cases now as two years ago.
        days_ago = int(span * (1 - (rng.random() ** 0.75)))
        day = today - timedelta(days=days_ago)
        if day.weekday() < 5:
            return day


def _staff_minutes(rng: random.Random, category: str) -> dict[str, str]:
    minutes = {}
    if rng.random() < 0.6:
        minutes["minutes_gp"] = str(rng.choice((5, 5, 10, 10, 15, 20, 30)))
    if rng.random() < 0.7:
        minutes["minutes_admin"] = str(rng.choice((5, 10, 10, 15, 20)))
    if rng.random() < 0.15:
        minutes["minutes_nurse"] = str(rng.choice((10, 15, 20, 30)))
    if rng.random() < (0.4 if category == "prescribing" else 0.05):
        minutes["minutes_pharmacist"] = str(rng.choice((10, 15, 20, 30)))
    return minutes


def _loggers(practices: list[Practice]) -> dict[int, list[User]]:
    """Who logs at each practice: its demo sign-ins, or one member of staff made for the demo
    (no password, so nobody can sign in as them)."""
    people: dict[int, list[User]] = {}
    for practice in practices:
        users = list(db.session.scalars(
            select(User).where(User.practice_id == practice.id).order_by(User.id)
        ))
        if not users:
            users = [accounts.create_user(
                email=f"staff.{practice.ods_code.lower()}@example.nhs.uk",
                full_name=f"Practice staff ({practice.ods_code})",
                role=Role.PRACTICE_USER,
                practice=practice,
            )]
        people[practice.id] = users
    return people


def load_demo_reports(practices_by_icb: dict[str, list[Practice]], *, today: date | None = None,
                      count: int = REPORT_COUNT, seed: int = SEED) -> int:
    """Create the demo reports unless the database has some already. Returns how many were made."""
    if has_reports():
        return 0
    today = today or date.today()
    rng = random.Random(seed)
    lookup = reports.ReferenceLookup()
    practices = [p for ps in practices_by_icb.values() for p in ps]
    loggers = _loggers(practices)
    trusts_by_icb = {icb: _local_trusts(icb) for icb in practices_by_icb}
    # The practice the demo users sign in to gets the most, so its pages look lived in.
    practice_weights = [4 if i == 0 else 1 for i in range(len(practices))]
    suggestions: dict[str, triage.Suggestion] = {}

    made: list[tuple[Report, User]] = []
    for _ in range(count):
        practice = rng.choices(practices, weights=practice_weights)[0]
        example = rng.choice(EXAMPLES)
        text = example.text
        raw = {
            "received_on": _received_on(rng, today).isoformat(),
            "specialty_code": _first_match(text, SPECIALTY_WORDS) or rng.choice(COMMON_SPECIALTIES),
            "source": _first_match(text, SOURCE_WORDS) or "clinic-letter",
            "category_slug": example.slug,
            "description": text,
            "action_taken": ("declined-returned" if rng.random() < 0.9 else "redirected")
            if example.slug == "non-commissioned" else _pick(rng, ACTIONS),
            "patient_impact": _pick(rng, IMPACTS),
            **_staff_minutes(rng, example.slug),
        }
        trusts = trusts_by_icb.get(practice.icb_code or "") or {}
        if rng.random() < 0.03 or not trusts:
            raw["independent_provider"] = rng.choice(INDEPENDENT_PROVIDERS)
        else:
            raw["trust_code"] = _pick(rng, trusts)
        data, errors = reports.parse_report(raw, lookup=lookup, today=today)
        if errors:  # the examples are clean; a row that fails a rule is left out, never forced in
            continue
        if text not in suggestions:
            suggestions[text] = triage.suggest(text)
        suggestion = suggestions[text]
        logged_by = rng.choice(loggers[practice.id])
        created = datetime.combine(data.received_on + timedelta(days=rng.choice((0, 0, 1, 2))),
                                   time(rng.randint(8, 17), rng.randint(0, 59)), UTC)
        created = min(created, datetime.now(UTC))
        report = Report(
            practice_id=practice.id, logged_by_id=logged_by.id,
            **{name: getattr(data, name) for name in reports.EDITABLE_FIELDS},
            suggested_category_slug=suggestion.slug, suggestion_confidence=suggestion.confidence,
            staff_time=[StaffTime(staff_role=role, minutes=m) for role, m in sorted(data.staff_minutes.items())],
            staff_minutes_total=sum(data.staff_minutes.values()), created_at=created, updated_at=created,
        )
        made.append((report, logged_by))

    db.session.add_all(report for report, _ in made)
    db.session.flush()
    for report, logged_by in made:
        event = audit.record("report.created", actor=logged_by, object_type="report", object_id=report.id,
                             practice_id=report.practice_id, category=report.category_slug,
                             suggested=report.suggested_category_slug)
        event.occurred_at = report.created_at
    for report, logged_by in made:
        if rng.random() < WITHDRAW_SHARE:
            reports.withdraw_report(report, logged_by, rng.choice(WITHDRAW_REASONS))
    db.session.flush()
    return len(made)
