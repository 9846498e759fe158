"""Two people (or two clicks) at the same moment, on real connections and real commits.

The suite's usual fixture puts every request on one connection inside one transaction, where
nothing can race. These tests use a throwaway database of their own (SQLite file or
PostgreSQL database, from ``tests/reliability/throwaway.py``) and a fresh app, and send
requests from two threads, each with its own test client, session and connection.

To make the race certain rather than likely, each test holds each request at a barrier
inside the service call, after it has read the report and before it writes, until the other
arrives. Both arrive, on either database: the two really do read the same row before either
writes (on SQLite a request takes the write lock only at its first write,
``tracker/database.py``), and then one writes after the other.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from datetime import date

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from tests.conftest import ODS_FOLDER
from tests.reliability.throwaway import app_for, throwaway_database
from tracker.accounts.models import User
from tracker.accounts.permissions import Role
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.organisations.models import Practice
from tracker.reports import services
from tracker.reports.models import Report

HOLD_SECONDS = 3
TOKEN = "fedcba9876543210fedcba9876543210"


@pytest.fixture(scope="module")
def served(app, tmp_path_factory):
    """A migrated throwaway database with reference data, its own app, and two users of one practice."""
    from tracker.extensions import limiter
    from tracker.organisations.ods_import import import_ods
    from tracker.reference import load_reference_data

    folder = tmp_path_factory.mktemp("concurrency")
    with throwaway_database(folder) as database, app_for(database.url, folder / "instance") as fresh:
        with fresh.app_context():
            upgrade()
            load_reference_data()
            import_ods(ODS_FOLDER)
            practice = db.session.scalars(select(Practice).where(Practice.icb_code == "QKK", Practice.is_active)
                                          .order_by(Practice.ods_code)).first()
            users = [User(email=f"racer{n}@example.nhs.uk", full_name=f"Racer {n}", role=Role.PRACTICE_USER,
                          practice_id=practice.id) for n in (1, 2)]
            db.session.add_all(users)
            db.session.commit()
            ids = [user.get_id() for user in users]
            db.session.remove()
        try:
            yield fresh, ids
        finally:
            # Building an app points the shared limiter at it: point it back at the suite's app.
            limiter.init_app(app)
            limiter.reset()


def _client(fresh, user_id: str):
    client = fresh.test_client()
    now = int(time.time())
    with client.session_transaction() as session:
        session.update({"_user_id": user_id, "_fresh": True, "signed_in_at": now, "seen_at": now})
    return client


def _new_report(fresh, user_id: str, description: str) -> int:
    with fresh.app_context():
        user = db.session.get(User, int(user_id.partition(":")[0]))
        data, errors = services.parse_report({
            "received_on": date.today().isoformat(), "trust_code": "RJ1", "specialty_code": "320",
            "source": "clinic-letter", "category_slug": "investigations", "description": description,
            "action_taken": "done-under-protest", "patient_impact": "none",
        })
        assert not errors
        report_id, _ = services.log_report(user.practice, user, data)
        db.session.commit()
        db.session.remove()
        return report_id


def _case_form(description: str, **extra) -> dict[str, str]:
    today = date.today()
    return {
        "received_on-day": str(today.day), "received_on-month": str(today.month),
        "received_on-year": str(today.year), "trust_code": "RJ1", "specialty_code": "320",
        "source": "clinic-letter", "description": description, "category_slug": "investigations",
        "action_taken": "done-under-protest", "patient_impact": "none", "action": "save", **extra,
    }


def _audit_count(fresh, action: str, report_id: int | None = None) -> int:
    with fresh.app_context():
        query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        if report_id is not None:
            query = query.where(AuditEvent.object_id == report_id)
        count = db.session.scalar(query)
        db.session.remove()
        return count


def _report(fresh, report_id: int) -> dict:
    with fresh.app_context():
        report = db.session.get(Report, report_id)
        found = {"description": report.description, "version": report.version,
                 "withdrawn_reason": report.withdrawn_reason}
        db.session.remove()
        return found


class Meeting:
    """Where two requests wait for each other (for up to ``HOLD_SECONDS``)."""

    def __init__(self):
        self._barrier = threading.Barrier(2)

    def wait(self) -> None:
        try:
            self._barrier.wait(timeout=HOLD_SECONDS)
        except threading.BrokenBarrierError:
            pass  # the other could not come: the test fails in _raced

    @property
    def met(self) -> bool:
        return not self._barrier.broken


def _held(monkeypatch, module, name: str) -> Meeting:
    """Make ``module.name`` wait for a second caller before it runs."""
    meeting = Meeting()
    original = getattr(module, name)

    def held(*args, **kwargs):
        meeting.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, held)
    return meeting


def _raced(meeting: Meeting) -> None:
    """The two requests must really have read the same row before either wrote."""
    assert meeting.met, "the two requests did not overlap"


def _at_once(*calls: Callable[[], object]) -> list:
    """Run the calls in threads started together; their results in order (exceptions re-raised)."""
    results: list = [None] * len(calls)
    errors: list = []

    def run(index: int, call) -> None:
        try:
            results[index] = call()
        except Exception as error:  # noqa: BLE001  (reported below, in the test's thread)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def _version_on_form(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


# --- (a) Two people change the same case -----------------------------------------------------


def test_the_second_of_two_edits_from_the_same_version_gets_the_conflict_page(served):
    fresh, (first_id, second_id) = served
    report_id = _new_report(fresh, first_id, "Cardiology letter: GP to arrange echo")
    first, second = _client(fresh, first_id), _client(fresh, second_id)
    version_first = _version_on_form(first.get(f"/reports/{report_id}/edit").get_data(as_text=True))
    version_second = _version_on_form(second.get(f"/reports/{report_id}/edit").get_data(as_text=True))
    assert version_first == version_second

    saved = first.post(f"/reports/{report_id}/edit", data=_case_form("First person's change", version=version_first))
    refused = second.post(f"/reports/{report_id}/edit",
                          data=_case_form("Second person's change", version=version_second))

    assert saved.status_code == 302
    assert refused.status_code == 409
    assert "This case was changed by someone else" in refused.get_data(as_text=True)
    assert _report(fresh, report_id)["description"] == "First person's change"
    assert _audit_count(fresh, "report.edited", report_id) == 1


def test_two_edits_saved_at_the_same_moment_keep_one_and_refuse_the_other(served, monkeypatch):
    fresh, (first_id, second_id) = served
    report_id = _new_report(fresh, first_id, "Cardiology letter: GP to arrange echo")
    version = str(_report(fresh, report_id)["version"])
    first, second = _client(fresh, first_id), _client(fresh, second_id)
    # Each request has loaded the report and passed the view's version check when held.
    meeting = _held(monkeypatch, services, "edit_report")

    answers = _at_once(
        lambda: first.post(f"/reports/{report_id}/edit", data=_case_form("First person's change", version=version)),
        lambda: second.post(f"/reports/{report_id}/edit", data=_case_form("Second person's change", version=version)),
    )

    _raced(meeting)
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [302, 409], statuses
    loser = next(answer for answer in answers if answer.status_code == 409)
    assert "This case was changed by someone else" in loser.get_data(as_text=True)
    winner = "First person's change" if answers[0].status_code == 302 else "Second person's change"
    assert _report(fresh, report_id)["description"] == winner
    assert _audit_count(fresh, "report.edited", report_id) == 1


# --- (b) One form sent twice at once -------------------------------------------------------------


def test_the_same_form_submitted_twice_at_once_logs_one_case(served, monkeypatch):
    fresh, (user_id, _) = served
    client_a, client_b = _client(fresh, user_id), _client(fresh, user_id)
    created_before = _audit_count(fresh, "report.created")
    # Each request has checked the form and is about to insert the report when held.
    meeting = _held(monkeypatch, services, "_insert_unless_token_used")
    form = _case_form("Discharge letter: GP to arrange echo", submission_token=TOKEN)

    answers = _at_once(lambda: client_a.post("/reports/new", data=form),
                       lambda: client_b.post("/reports/new", data=form))

    _raced(meeting)
    assert [answer.status_code for answer in answers] == [302, 302], [a.status_code for a in answers]
    locations = {answer.headers["Location"] for answer in answers}
    assert len(locations) == 1, f"both answers must lead to the same case: {locations}"
    with fresh.app_context():
        assert db.session.scalar(select(func.count()).select_from(Report).where(Report.submission_token == TOKEN)) == 1
        db.session.remove()
    assert _audit_count(fresh, "report.created") == created_before + 1


# --- (c) Two withdrawals at once -----------------------------------------------------------------


def test_two_withdrawals_at_once_withdraw_once_with_one_audit_event(served, monkeypatch):
    fresh, (first_id, second_id) = served
    report_id = _new_report(fresh, first_id, "Cardiology letter: GP to arrange echo")
    first, second = _client(fresh, first_id), _client(fresh, second_id)
    # Each request has found the report not yet withdrawn when held.
    meeting = _held(monkeypatch, services, "withdraw_report")

    answers = _at_once(
        lambda: first.post(f"/reports/{report_id}/withdraw", data={"reason": "Logged twice"}),
        lambda: second.post(f"/reports/{report_id}/withdraw", data={"reason": "Logged by mistake"}),
    )

    _raced(meeting)
    assert [answer.status_code for answer in answers] == [302, 302], [a.status_code for a in answers]
    assert _audit_count(fresh, "report.withdrawn", report_id) == 1
    assert _report(fresh, report_id)["withdrawn_reason"] in {"Logged twice", "Logged by mistake"}
