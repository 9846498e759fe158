"""Two of everything, for proving who can reach what: two practices, two LMCs, their people,
reports, raises and import jobs, and an administrator.

"Own" objects belong to practice A (ICB QKK, covered by the LMC); "other" objects belong to
practice B (ICB QOP, covered by the other LMC). Every report carries a marker word in its
description so that a page leaking another organisation's data can be caught by a substring.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from tracker.accounts.models import User
from tracker.categories.models import ContractReference
from tracker.extensions import db
from tracker.organisations.models import LMC, Practice
from tracker.reports.models import ImportJob, ImportStatus, Report
from tracker.feedback.models import TrustRaise

ACTORS = (
    "anonymous",
    "practice_user",
    "practice_lead",
    "other_practice_user",
    "lmc_officer",
    "other_lmc_officer",
    "admin",
)

# Marker words: practice A's report and practice B's report. A page shown to one side must
# never contain the other side's word.
OWN_MARKER = "Kestrelwing"
OTHER_MARKER = "Ospreyfeather"
PASSWORD = "correct horse battery staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

# What each signed-in actor must never see, by marker.
MUST_NOT_SEE = {
    "practice_user": OTHER_MARKER,
    "practice_lead": OTHER_MARKER,
    "other_practice_user": OWN_MARKER,
    "lmc_officer": OTHER_MARKER,
    "other_lmc_officer": OWN_MARKER,
}


@dataclass
class World:
    practice: Practice
    other_practice: Practice
    lmc: LMC
    other_lmc: LMC
    users: dict[str, User]
    report: Report
    other_report: Report
    free_report: Report  # not raised with a trust yet
    other_free_report: Report
    trust_raise: TrustRaise
    other_raise: TrustRaise
    job: ImportJob
    other_job: ImportJob
    contract_reference: ContractReference
    password_token: str
    missing_id: int = 2_000_000_000  # no object has this id

    def user(self, actor: str) -> User | None:
        return self.users.get(actor)

    @property
    def today(self) -> str:
        return date.today().isoformat()

    @property
    def year_ago(self) -> str:
        today = date.today()
        return today.replace(year=today.year - 1, day=min(today.day, 28)).isoformat()


def build_world(factory) -> World:
    from tracker.accounts import services as accounts
    from tracker.feedback import services as feedback
    from tracker.reports import importing

    practice, other_practice = factory.practice("QKK", 0), factory.practice("QOP", 0)
    lmc, other_lmc = factory.lmc(icb_codes=("QKK",)), factory.lmc(icb_codes=("QOP",))
    users = {
        "practice_user": factory.user("practice-user", practice=practice, password=PASSWORD),
        "practice_lead": factory.user("practice-lead", practice=practice, password=PASSWORD),
        "other_practice_user": factory.user("practice-user", practice=other_practice, password=PASSWORD),
        "lmc_officer": factory.user("lmc-officer", lmc=lmc, password=PASSWORD),
        "other_lmc_officer": factory.user("lmc-officer", lmc=other_lmc, password=PASSWORD),
        "admin": factory.user("admin", password=PASSWORD),
    }
    report = factory.report(practice, logged_by=users["practice_user"], minutes={"gp": 10},
                            description=f"{OWN_MARKER}: cardiology letter asked the GP to arrange an echo")
    other_report = factory.report(other_practice, logged_by=users["other_practice_user"], minutes={"gp": 10},
                                  description=f"{OTHER_MARKER}: cardiology letter asked the GP to arrange an echo")
    # A second report each, left free to be raised by the matrix's "raise" rows.
    free_report = factory.report(practice, logged_by=users["practice_user"], description=f"{OWN_MARKER} second case")
    other_free_report = factory.report(other_practice, logged_by=users["other_practice_user"],
                                       description=f"{OTHER_MARKER} second case")
    trust = factory.trust("RJ1")
    trust_raise = feedback.raise_with_trust(lmc, trust, [report], date.today(), "contracts-team",
                                            f"{OWN_MARKER} contracts", "Letter", users["lmc_officer"])
    other_raise = feedback.raise_with_trust(other_lmc, trust, [other_report], date.today(), "contracts-team",
                                            f"{OTHER_MARKER} contracts", "Letter", users["other_lmc_officer"])
    job = _checked_job(importing, practice, users["practice_lead"])
    other_job = _checked_job(importing, other_practice, users["other_practice_user"])
    contract_reference = db.session.scalars(select(ContractReference).order_by(ContractReference.id)).first()
    newcomer = factory.user("practice-user", practice=practice)
    token = accounts.issue_password_link(newcomer, actor=users["admin"])
    db.session.flush()
    return World(practice, other_practice, lmc, other_lmc, users, report, other_report, free_report,
                 other_free_report, trust_raise, other_raise, job, other_job, contract_reference, token)


def import_csv(description: str = "Cardiology letter: GP to arrange echo before review") -> bytes:
    from tracker.reports.importing import COLUMN_NAMES

    values = {"date_received": date.today().strftime("%d/%m/%Y"), "provider": "RJ1", "specialty_code": "320",
              "source": "clinic-letter", "category": "investigations", "description": description,
              "action_taken": "declined-returned", "minutes_gp": "10"}
    header = ",".join(COLUMN_NAMES)
    row = ",".join(values.get(name, "") for name in COLUMN_NAMES)
    return f"{header}\n{row}\n".encode()


def _checked_job(importing, practice: Practice, user: User) -> ImportJob:
    job = ImportJob(practice_id=practice.id, user_id=user.id, filename="log.csv", status=ImportStatus.CHECKING,
                    errors=[], rows=None)
    db.session.add(job)
    db.session.flush()
    importing.check_upload(job, "log.csv", import_csv())
    db.session.flush()
    return job


def sign_in(client, user: User | None) -> None:
    """Sign the test client in as ``user`` (fully: past the second factor), or out for None.

    The same session a real sign-in ends with (see tests/conftest.py ``login``): a session
    holds ``_user_id`` only once every factor has been checked.
    """
    now = int(time.time())
    with client.session_transaction() as session:
        session.clear()
        if user is not None:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
            session["signed_in_at"] = now
            session["seen_at"] = now


@contextmanager
def undone(session) -> Iterator[None]:
    """Whatever requests write inside the block is rolled back at its end.

    A savepoint SQLAlchemy does not track, so that the requests' own savepoints (each
    request has its session: see ``OwnSessionClient``) nest inside it and release freely.
    """
    connection = session.connection()
    connection.exec_driver_sql("SAVEPOINT hardening_undo")
    try:
        yield
    finally:
        connection.exec_driver_sql("ROLLBACK TO SAVEPOINT hardening_undo")
        connection.exec_driver_sql("RELEASE SAVEPOINT hardening_undo")
        session.expire_all()


# --- Proving that nothing changed ----------------------------------------------------------

# Big reference tables: their row count is compared; every other table's rows are compared whole.
COUNTED_ONLY = frozenset({"practice", "trust", "specialty", "icb", "region"})


def fingerprint(session) -> dict[str, object]:
    """Every table's row count, and the full content of the small ones."""
    result: dict[str, object] = {}
    for table in db.metadata.sorted_tables:
        if table.name in COUNTED_ONLY:
            result[table.name] = session.scalar(select(func.count()).select_from(table))
        else:
            order = list(table.primary_key.columns) or list(table.columns)
            result[table.name] = [tuple(row) for row in session.execute(select(table).order_by(*order))]
    return result


def changed_tables(before: dict, after: dict) -> dict[str, str]:
    """Table name -> what changed, for an assertion message."""
    changes = {}
    for name in before:
        if before[name] != after[name]:
            if isinstance(before[name], list):
                changes[name] = f"{len(before[name])} rows -> {len(after[name])} rows"
                if len(before[name]) == len(after[name]):
                    changes[name] += " (a row was updated)"
            else:
                changes[name] = f"{before[name]} rows -> {after[name]} rows"
    return changes

