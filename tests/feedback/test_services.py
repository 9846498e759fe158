"""Raising reports with a trust, recording the reply and closing: statuses, validation, isolation."""

from datetime import date

import pytest
from sqlalchemy import func, select, text

from tests.feedback.conftest import TODAY
from tracker.audit.models import AuditEvent
from tracker.feedback import services
from tracker.feedback.models import Contact, ReplyOutcome, TrustRaise, TrustReply
from tracker.feedback.status import RaiseState
from tracker.reports.models import Status


def _raise(world, reports, raised_on=date(2026, 11, 2), **changes):
    arguments = dict(
        lmc=world.lmc, trust=world.trust, reports=reports, raised_on=raised_on, contact=Contact.CONTRACTS_TEAM,
        contact_detail="Contracts team, generic mailbox", document_sent="Evidence pack, October 2026",
        user=world.officer,
    )
    arguments.update(changes)
    return services.raise_with_trust(**arguments, today=TODAY)


def _errors(call) -> dict[str, str]:
    with pytest.raises(services.FeedbackError) as caught:
        call()
    return caught.value.errors


def _raise_count(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(TrustRaise))


def test_raising_moves_the_reports_to_raised_and_sets_the_due_date(factory, world):
    reports = [factory.report(world.practice, received_on=date(2026, 10, d)) for d in (1, 2)]
    trust_raise = _raise(world, reports)
    assert trust_raise.reply_due_on == date(2026, 11, 16)  # 10 working days after Monday 2 November
    assert [r.status for r in reports] == [Status.RAISED, Status.RAISED]
    assert services.raise_status(trust_raise, date(2026, 11, 10)).state is RaiseState.AWAITING


def test_the_practice_sees_the_raise_on_its_report(factory, world):
    report = factory.report(world.practice, received_on=date(2026, 10, 1))
    trust_raise = _raise(world, [report])
    assert report.status.label == "Raised with trust"
    assert services.raises_for_report(report.id) == [trust_raise]


def test_raising_is_audited_without_free_text(factory, world, db_session):
    report = factory.report(world.practice, received_on=date(2026, 10, 1))
    trust_raise = _raise(world, [report])
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action.in_(
        ["trust_raise.created", "report.status_changed"]))).all()
    assert {e.action for e in events} == {"trust_raise.created", "report.status_changed"}
    created = next(e for e in events if e.action == "trust_raise.created")
    assert created.object_id == trust_raise.id and created.details["reports"] == 1
    moved = next(e for e in events if e.action == "report.status_changed")
    assert moved.practice_id == world.practice.id and moved.details["status"] == "raised"
    assert "generic mailbox" not in str([e.details for e in events])


def test_reply_moves_reports_to_responded_and_close_to_closed(factory, world):
    reports = [factory.report(world.practice, received_on=date(2026, 10, 1))]
    trust_raise = _raise(world, reports)
    services.record_reply(trust_raise, date(2026, 11, 13), "The trust will remind clinic teams to order tests.",
                          ReplyOutcome.ACCEPTED, world.officer, today=TODAY)
    assert reports[0].status is Status.RESPONDED
    status = services.raise_status(trust_raise, TODAY)
    assert status.state is RaiseState.REPLIED and status.replied_late_by == 0

    services.close_raise(trust_raise, world.officer, today=TODAY)
    assert reports[0].status is Status.CLOSED
    assert trust_raise.reply.closed_on == TODAY
    assert services.raise_status(trust_raise, TODAY).state is RaiseState.CLOSED


def test_a_raise_closed_by_another_officer_meanwhile_is_not_closed_again(factory, world, db_session):
    reports = [factory.report(world.practice, received_on=date(2026, 10, 1))]
    trust_raise = _raise(world, reports)
    services.record_reply(trust_raise, date(2026, 11, 13), "The trust will remind clinic teams to order tests.",
                          ReplyOutcome.ACCEPTED, world.officer, today=TODAY)
    # Another request closed it after this one read the raise (this one's copy still says open).
    db_session.execute(text("UPDATE trust_reply SET closed_on = :day WHERE raise_id = :id"),
                       {"day": date(2026, 11, 16), "id": trust_raise.id})

    with pytest.raises(services.FeedbackError, match="already closed on 16 November 2026"):
        services.close_raise(trust_raise, world.officer, today=TODAY)
    assert trust_raise.reply.closed_on == date(2026, 11, 16)
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "trust_raise.closed")) == 0


def test_a_reply_recorded_by_another_officer_meanwhile_is_a_message_not_an_error(factory, world, db_session):
    trust_raise = _raise(world, [factory.report(world.practice, received_on=date(2026, 10, 1))])
    assert trust_raise.reply is None  # read before the other officer's reply was saved
    db_session.execute(text(
        "INSERT INTO trust_reply (raise_id, received_on, summary, outcome, recorded_by_id, created_at)"
        " VALUES (:id, :day, 'Recorded by the other officer', 'accepted', :user, CURRENT_TIMESTAMP)"
    ), {"id": trust_raise.id, "day": date(2026, 11, 12), "user": world.officer.id})

    with pytest.raises(services.FeedbackError, match="already been recorded"):
        services.record_reply(trust_raise, date(2026, 11, 13), "The trust will remind clinic teams to order tests.",
                              ReplyOutcome.ACCEPTED, world.officer, today=TODAY)
    assert db_session.scalars(select(TrustReply.summary)).all() == ["Recorded by the other officer"]


def test_a_late_reply_says_how_late(factory, world):
    trust_raise = _raise(world, [factory.report(world.practice, received_on=date(2026, 10, 1))])
    services.record_reply(trust_raise, date(2026, 11, 18), "Replied late.", "disputed", world.officer, today=TODAY)
    assert services.raise_status(trust_raise, TODAY).replied_late_by == 2
    assert services.raise_status(trust_raise, TODAY).detail == "Replied 2 working days late"


def test_overdue_counts_working_days_past_the_due_date(factory, world):
    trust_raise = _raise(world, [factory.report(world.practice, received_on=date(2026, 10, 1))])
    # Due Monday 16 November.
    assert services.raise_status(trust_raise, date(2026, 11, 16)).detail == "Reply due today"
    assert services.raise_status(trust_raise, date(2026, 11, 13)).detail == "Reply due in 1 working day"
    overdue = services.raise_status(trust_raise, date(2026, 11, 20))
    assert overdue.state is RaiseState.OVERDUE and overdue.days_overdue == 4
    assert overdue.detail == "Reply 4 working days overdue"
    assert services.overdue_raises(world.lmc.id, date(2026, 11, 20)) == [trust_raise]
    assert services.overdue_raises(world.lmc.id, date(2026, 11, 16)) == []


def test_a_reply_due_before_a_weekend_is_not_overdue_until_the_next_working_day(factory, world):
    # Raised Friday 23 October 2026: due Friday 6 November.
    trust_raise = _raise(world, [factory.report(world.practice, received_on=date(2026, 10, 1))],
                         raised_on=date(2026, 10, 23))
    assert trust_raise.reply_due_on == date(2026, 11, 6)
    saturday = services.raise_status(trust_raise, date(2026, 11, 7))
    assert saturday.state is RaiseState.AWAITING and saturday.detail == "Reply was due 6 November 2026"
    assert services.raise_status(trust_raise, date(2026, 11, 9)).days_overdue == 1
    assert services.overdue_raises(world.lmc.id, date(2026, 11, 8)) == []
    assert services.overdue_raises(world.lmc.id, date(2026, 11, 9)) == [trust_raise]


def test_the_due_date_skips_christmas(factory, world):
    report = factory.report(world.practice, received_on=date(2025, 12, 1))
    trust_raise = services.raise_with_trust(
        world.lmc, world.trust, [report], date(2025, 12, 19), "pals", "", "Letter", world.officer, today=TODAY)
    assert trust_raise.reply_due_on == date(2026, 1, 7)


def test_a_replied_raise_is_never_overdue(factory, world):
    trust_raise = _raise(world, [factory.report(world.practice, received_on=date(2026, 10, 1))])
    services.record_reply(trust_raise, date(2026, 11, 20), "Reply.", "no-action", world.officer, today=TODAY)
    assert services.overdue_raises(world.lmc.id, date(2027, 3, 1)) == []


def test_dashboard_groups_raises_with_overdue_first(factory, world):
    old = _raise(world, [factory.report(world.practice, received_on=date(2026, 9, 1))], raised_on=date(2026, 9, 1))
    older = _raise(world, [factory.report(world.practice, received_on=date(2026, 8, 3))], raised_on=date(2026, 8, 3))
    recent = _raise(world, [factory.report(world.practice, received_on=date(2026, 11, 2))],
                    raised_on=date(2026, 11, 19))
    replied = _raise(world, [factory.report(world.practice, received_on=date(2026, 10, 1))])
    services.record_reply(replied, date(2026, 11, 10), "Reply.", "accepted", world.officer, today=TODAY)
    board = services.lmc_dashboard(world.lmc.id, TODAY)
    assert [row.trust_raise for row in board.overdue] == [older, old]
    assert [row.trust_raise for row in board.awaiting] == [recent]
    assert [row.trust_raise for row in board.replied] == [replied]
    assert board.closed == [] and board.total == 4
    assert board.overdue[0].report_count == 1


def test_trust_summary_counts_the_lmcs_raises_with_that_trust(factory, world):
    _raise(world, [factory.report(world.practice, received_on=date(2026, 9, 1))], raised_on=date(2026, 9, 1))
    _raise(world, [factory.report(world.practice, received_on=date(2026, 11, 2)),
                   factory.report(world.second_practice, received_on=date(2026, 11, 2))], raised_on=date(2026, 11, 19))
    replied = _raise(world, [factory.report(world.practice, received_on=date(2026, 10, 1))])
    services.record_reply(replied, date(2026, 11, 10), "Reply.", "accepted", world.officer, today=TODAY)
    summary = services.trust_feedback_summary(world.lmc.id, world.trust.id, TODAY)
    assert (summary.raised, summary.awaiting, summary.overdue, summary.replied, summary.closed) == (3, 1, 1, 1, 0)
    assert summary.reports == 4
    assert summary.oldest_overdue_due_on == date(2026, 9, 15)
    assert services.trust_feedback_summary(world.other_lmc.id, world.trust.id, TODAY).raised == 0
    assert services.trust_feedback_summary(world.lmc.id, world.other_trust.id, TODAY).raised == 0


# --- validation ------------------------------------------------------------------------------


def test_a_report_about_another_trust_is_refused_and_nothing_is_stored(factory, world, db_session):
    mine = factory.report(world.practice, received_on=date(2026, 10, 1))
    elsewhere = factory.report(world.practice, trust=world.other_trust, received_on=date(2026, 10, 5),
                               specialty_code="330")
    errors = _errors(lambda: _raise(world, [mine, elsewhere]))
    assert errors == {"reports_other_trust": "The report of 5 October 2026 (Dermatology) is about another provider, "
                                             f"not {world.trust.name}. Untick it"}
    assert _raise_count(db_session) == 0
    assert mine.status is Status.LOGGED


def test_an_already_raised_report_is_refused_with_the_date_it_was_raised(factory, world):
    report = factory.report(world.practice, received_on=date(2026, 10, 1))
    _raise(world, [report], raised_on=date(2026, 10, 20))
    errors = _errors(lambda: _raise(world, [report]))
    assert errors["reports_already_raised"] == (
        "The report of 1 October 2026 (Cardiology) was already raised with the trust on 20 October 2026. Untick it"
    )


def test_a_withdrawn_report_is_refused(factory, world):
    report = factory.report(world.practice, received_on=date(2026, 10, 1), withdrawn=True)
    assert "withdrawn by the practice" in _errors(lambda: _raise(world, [report]))["reports_withdrawn"]


def test_no_reports_is_refused(world):
    assert _errors(lambda: _raise(world, []))["reports"] == "Choose at least one report to raise with the trust"


def test_a_raise_date_in_the_future_is_refused(factory, world):
    report = factory.report(world.practice, received_on=date(2026, 10, 1))
    errors = _errors(lambda: _raise(world, [report], raised_on=date(2026, 11, 21)))
    assert errors == {"raised_on": "Date raised must be today or in the past"}


def test_a_raise_date_before_the_newest_report_is_refused(factory, world):
    report = factory.report(world.practice, received_on=date(2026, 10, 1))
    errors = _errors(lambda: _raise(world, [report], raised_on=date(2026, 9, 30)))
    assert errors == {
        "raised_on": "Date raised must be on or after 1 October 2026, the date the newest chosen report arrived"}


def test_contact_and_document_sent_are_required(factory, world):
    report = factory.report(world.practice, received_on=date(2026, 10, 1))
    errors = _errors(lambda: _raise(world, [report], contact="", document_sent="  "))
    assert errors == {
        "contact": "Choose who you raised the reports with",
        "document_sent": "Say what you sent the trust, like 'Evidence pack, October 2026'",
    }


def test_an_identifier_in_the_contact_detail_is_blocked_and_nothing_is_stored(factory, world, db_session):
    report = factory.report(world.practice, received_on=date(2026, 10, 1))
    errors = _errors(lambda: _raise(world, [report], contact_detail="About NHS 943 476 5919"))
    assert errors["contact_detail"].startswith("Contact detail contains what looks like an NHS number")
    assert "943" not in errors["contact_detail"]
    assert _raise_count(db_session) == 0
    assert report.status is Status.LOGGED


def test_an_identifier_in_the_reply_summary_is_blocked_and_nothing_is_stored(factory, world, db_session):
    report = factory.report(world.practice, received_on=date(2026, 10, 1))
    trust_raise = _raise(world, [report])
    errors = _errors(lambda: services.record_reply(
        trust_raise, date(2026, 11, 10), "Patient born 01/02/1960 was seen", "accepted", world.officer, today=TODAY))
    assert errors["summary"].startswith("Summary of the reply contains what looks like a date of birth")
    assert db_session.scalar(select(func.count()).select_from(TrustReply)) == 0
    assert report.status is Status.RAISED


def test_reply_needs_a_date_after_the_raise_a_summary_and_an_outcome(factory, world):
    trust_raise = _raise(world, [factory.report(world.practice, received_on=date(2026, 10, 1))])
    errors = _errors(lambda: services.record_reply(trust_raise, date(2026, 10, 30), "", "maybe", world.officer,
                                                   today=TODAY))
    assert errors == {
        "received_on": "Date the reply arrived must be on or after 2 November 2026, the date the reports were raised",
        "summary": "Summarise what the trust said",
        "outcome": "Choose the outcome of the reply",
    }


def test_a_second_reply_is_refused(factory, world):
    trust_raise = _raise(world, [factory.report(world.practice, received_on=date(2026, 10, 1))])
    services.record_reply(trust_raise, date(2026, 11, 10), "Reply.", "accepted", world.officer, today=TODAY)
    errors = _errors(lambda: services.record_reply(trust_raise, date(2026, 11, 11), "Again.", "accepted",
                                                   world.officer, today=TODAY))
    assert errors == {"reply": "The trust's reply has already been recorded"}


def test_closing_needs_a_reply_first(factory, world):
    trust_raise = _raise(world, [factory.report(world.practice, received_on=date(2026, 10, 1))])
    assert _errors(lambda: services.close_raise(trust_raise, world.officer, today=TODAY)) == {
        "close": "Record the trust's reply before closing"}


# --- LMC isolation ---------------------------------------------------------------------------


def test_reports_of_practices_outside_the_lmc_cannot_be_raised(factory, world, db_session):
    outside = factory.report(world.outside_practice, received_on=date(2026, 10, 1))
    errors = _errors(lambda: _raise(world, [outside]))
    assert errors == {"reports_outside_lmc": "1 of the chosen reports is not from practices your LMC covers. "
                                             "Choose reports from the list"}
    assert outside.status is Status.LOGGED
    assert _raise_count(db_session) == 0


def test_the_lmc_lists_only_its_own_practices_reports_to_raise(factory, world):
    mine = factory.report(world.practice, received_on=date(2026, 10, 1))
    factory.report(world.outside_practice, received_on=date(2026, 10, 1))
    factory.report(world.practice, received_on=date(2026, 10, 2), withdrawn=True)
    assert services.reports_to_raise(world.lmc.id, world.trust.id) == [mine]
    assert services.trusts_with_reports_to_raise(world.lmc.id) == [(world.trust, 1)]


def test_an_lmc_listing_practices_by_name_covers_them(factory, world):
    listed = factory.lmc(icb_codes=(), practices=[world.outside_practice])
    report = factory.report(world.outside_practice, received_on=date(2026, 10, 1))
    assert services.reports_to_raise(listed.id, world.trust.id) == [report]


def test_another_lmcs_raise_is_not_found(factory, world):
    trust_raise = _raise(world, [factory.report(world.practice, received_on=date(2026, 10, 1))])
    assert services.lmc_raise(world.lmc.id, trust_raise.id) is trust_raise
    assert services.lmc_raise(world.other_lmc.id, trust_raise.id) is None
    assert services.lmc_dashboard(world.other_lmc.id, TODAY).total == 0
