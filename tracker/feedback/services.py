"""The feedback loop: an LMC raises reports with a trust, records the reply, closes it.

Each action checks what it is given, writes through the models, moves the reports'
status (which the practices see), records audit events and flushes; the caller commits.
Problems the user can fix raise ``FeedbackError`` with a message per field and nothing
is written. Every free-text field passes the patient-identifier guard first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from tracker import audit, privacy
from tracker.extensions import db
from tracker.feedback.models import Contact, ReplyOutcome, TrustRaise, TrustReply, raised_report
from tracker.feedback.status import REPLY_WORKING_DAYS, RaiseState, RaiseStatus, is_overdue, status_for
from tracker.feedback.workdays import add_working_days, latest_working_day
from tracker.organisations.models import LMC, Trust, practice_ids_for_lmc
from tracker.reports.models import Report, Status

EARLIEST_DATE = date(2020, 1, 1)
SHORT_TEXT_MAX = 200
SUMMARY_MAX = 2000
# Past this many reports a validation message gives a count, not every report.
_MAX_LISTED = 3

FREE_TEXT_LABELS = {
    "contact_detail": "Contact detail",
    "document_sent": "Document sent",
    "summary": "Summary of the reply",
}


class FeedbackError(ValueError):
    """Problems the user can fix: ``errors`` maps field names to messages.

    Keys starting with ``reports`` all concern the chosen reports.
    """

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


# --- checks shared by the actions -------------------------------------------------------


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _check_date(value: date | None, label: str, errors: dict, key: str, *, today: date,
                not_before: date = EARLIEST_DATE, not_before_reason: str = "") -> None:
    if value is None:
        errors[key] = f"Enter the {label.lower()}, like {today.day}/{today.month}/{today.year}"
    elif value > today:
        errors[key] = f"{label} must be today or in the past"
    elif value < not_before:
        errors[key] = f"{label} must be on or after {_uk(not_before)}{not_before_reason}"


def _check_text(value: str, label: str, errors: dict, key: str, *, required: str | None,
                maximum: int) -> None:
    if not value and required:
        errors[key] = required
    elif len(value) > maximum:
        errors[key] = f"{label} must be {maximum} characters or fewer (it has {len(value)})"


def _guard(fields: Mapping[str, str], errors: dict) -> None:
    """Add the identifier guard's messages; they never repeat the text found."""
    try:
        privacy.ensure_no_identifiers(fields)
    except privacy.IdentifierFound as found:
        errors.update(found.messages(FREE_TEXT_LABELS))


def _uk(day: date) -> str:
    return day.strftime("%-d %B %Y")


def _describe(reports: Sequence[Report]) -> tuple[str, str]:
    """('The report of 3 March 2026 (Cardiology)', 'it'), or a list, or a count past a few."""
    ordered = sorted(reports, key=lambda r: (r.received_on, r.id))
    if len(ordered) > _MAX_LISTED:
        return f"{len(ordered)} of the chosen reports", "them"
    parts = [f"{_uk(r.received_on)} ({r.specialty.name})" for r in ordered]
    if len(parts) == 1:
        return f"The report of {parts[0]}", "it"
    return f"The reports of {', '.join(parts[:-1])} and {parts[-1]}", "them"


def _verb(reports: Sequence, singular: str, plural: str) -> str:
    return singular if len(reports) == 1 else plural


def _covered_report_ids(lmc: LMC, report_ids: Sequence[int]) -> set[int]:
    return set(db.session.scalars(
        select(Report.id).where(Report.id.in_(report_ids), Report.practice_id.in_(practice_ids_for_lmc(lmc.id)))
    ))


def _latest_raise_dates(report_ids: Sequence[int]) -> dict[int, date]:
    rows = db.session.execute(
        select(raised_report.c.report_id, func.max(TrustRaise.raised_on))
        .join(TrustRaise, TrustRaise.id == raised_report.c.raise_id)
        .where(raised_report.c.report_id.in_(report_ids))
        .group_by(raised_report.c.report_id)
    )
    return dict(rows.all())


def _check_reports(lmc: LMC, trust: Trust, reports: Sequence[Report], errors: dict) -> None:
    if not reports:
        errors["reports"] = "Choose at least one report to raise with the trust"
        return
    covered = _covered_report_ids(lmc, [r.id for r in reports])
    outside = [r for r in reports if r.id not in covered]
    if outside:
        # Say nothing about them: they belong to practices this LMC does not cover.
        errors["reports_outside_lmc"] = (
            f"{len(outside)} of the chosen reports {_verb(outside, 'is', 'are')} not from practices your LMC covers. "
            "Choose reports from the list"
        )
    inside = [r for r in reports if r.id in covered]
    other_trust = [r for r in inside if r.trust_id != trust.id]
    if other_trust:
        what, pronoun = _describe(other_trust)
        errors["reports_other_trust"] = (
            f"{what} {_verb(other_trust, 'is', 'are')} about another provider, not {trust.name}. Untick {pronoun}"
        )
    withdrawn = [r for r in inside if r.trust_id == trust.id and r.is_withdrawn]
    if withdrawn:
        what, pronoun = _describe(withdrawn)
        errors["reports_withdrawn"] = (
            f"{what} {_verb(withdrawn, 'was', 'were')} withdrawn by the practice. Untick {pronoun}"
        )
    already = [r for r in inside if r.trust_id == trust.id and not r.is_withdrawn and r.status is not Status.LOGGED]
    if already:
        what, pronoun = _describe(already)
        dates = _latest_raise_dates([r.id for r in already])
        when = {dates[r.id] for r in already if r.id in dates}
        on = f" on {_uk(when.pop())}" if len(when) == 1 else ""
        errors["reports_already_raised"] = (
            f"{what} {_verb(already, 'was', 'were')} already raised with the trust{on}. Untick {pronoun}"
        )


def _move(reports: Sequence[Report], to: Status, user, raise_id: int) -> None:
    for report in reports:
        if report.status is to:
            continue
        report.status = to
        audit.record(
            "report.status_changed", actor=user, object_type="report", object_id=report.id,
            practice_id=report.practice_id, fields=["status"], status=to.value, trust_raise=raise_id,
        )


# --- the actions ------------------------------------------------------------------------


def raise_with_trust(lmc: LMC, trust: Trust, reports: Sequence[Report], raised_on: date | None,
                     contact: Contact | str | None, contact_detail: str | None, document_sent: str | None,
                     user, *, today: date | None = None) -> TrustRaise:
    """Record that the LMC raised ``reports`` with ``trust``; the reply is due 10 working days later."""
    today = today or date.today()
    contact_detail, document_sent = _clean(contact_detail), _clean(document_sent)
    errors: dict[str, str] = {}

    _check_reports(lmc, trust, reports, errors)
    # Only once the reports are known to be this LMC's may their dates be used in a message.
    reports_ok = not any(key.startswith("reports") for key in errors)
    newest = max((r.received_on for r in reports), default=EARLIEST_DATE) if reports_ok else EARLIEST_DATE
    _check_date(raised_on, "Date raised", errors, "raised_on", today=today, not_before=max(newest, EARLIEST_DATE),
                not_before_reason=", the date the newest chosen report arrived" if newest > EARLIEST_DATE else "")
    try:
        contact = Contact(contact) if contact else None
    except ValueError:
        contact = None
    if contact is None:
        errors["contact"] = "Choose who you raised the reports with"
    _check_text(contact_detail, "Contact detail", errors, "contact_detail", required=None, maximum=SHORT_TEXT_MAX)
    _check_text(document_sent, "Document sent", errors, "document_sent", maximum=SHORT_TEXT_MAX,
                required="Say what you sent the trust, like 'Evidence pack, October 2026'")
    _guard({"contact_detail": contact_detail, "document_sent": document_sent}, errors)
    if errors:
        raise FeedbackError(errors)

    trust_raise = TrustRaise(
        lmc_id=lmc.id, trust_id=trust.id, raised_on=raised_on,
        reply_due_on=add_working_days(raised_on, REPLY_WORKING_DAYS),
        contact=contact, contact_detail=contact_detail or None, document_sent=document_sent,
        raised_by_id=user.id, reports=list(reports),
    )
    db.session.add(trust_raise)
    db.session.flush()
    _move(reports, Status.RAISED, user, trust_raise.id)
    audit.record(
        "trust_raise.created", actor=user, object_type="trust_raise", object_id=trust_raise.id,
        fields=["raised_on", "contact", "contact_detail", "document_sent"],
        trust=trust.ods_code, lmc=lmc.id, reports=len(reports), contact=contact.value,
    )
    db.session.flush()
    return trust_raise


def record_reply(trust_raise: TrustRaise, received_on: date | None, summary: str | None,
                 outcome: ReplyOutcome | str | None, user, *, today: date | None = None) -> TrustReply:
    """Record the trust's reply; the raised reports move on to 'trust responded'."""
    today = today or date.today()
    summary = (summary or "").strip()
    errors: dict[str, str] = {}
    if trust_raise.reply is not None:
        raise FeedbackError({"reply": "The trust's reply has already been recorded"})
    _check_date(received_on, "Date the reply arrived", errors, "received_on", today=today,
                not_before=trust_raise.raised_on, not_before_reason=", the date the reports were raised")
    _check_text(summary, "Summary of the reply", errors, "summary", maximum=SUMMARY_MAX,
                required="Summarise what the trust said")
    try:
        outcome = ReplyOutcome(outcome) if outcome else None
    except ValueError:
        outcome = None
    if outcome is None:
        errors["outcome"] = "Choose the outcome of the reply"
    _guard({"summary": summary}, errors)
    if errors:
        raise FeedbackError(errors)

    reply = TrustReply(raise_id=trust_raise.id, received_on=received_on, summary=summary, outcome=outcome,
                       recorded_by_id=user.id)
    try:
        with db.session.begin_nested():
            trust_raise.reply = reply
            db.session.add(reply)
            db.session.flush()
    except IntegrityError:  # one reply a raise: another officer recorded it since this page was read
        raise FeedbackError({"reply": "The trust's reply has already been recorded"}) from None
    _move([r for r in trust_raise.reports if r.status is Status.RAISED], Status.RESPONDED, user, trust_raise.id)
    audit.record(
        "trust_raise.reply_recorded", actor=user, object_type="trust_raise", object_id=trust_raise.id,
        fields=["received_on", "summary", "outcome"], outcome=outcome.value,
    )
    db.session.flush()
    return reply


def close_raise(trust_raise: TrustRaise, user, closed_on: date | None = None, *, today: date | None = None) -> None:
    """Close a raise once the reply is in; its reports move to 'closed'."""
    today = today or date.today()
    closed_on = closed_on or today
    reply = trust_raise.reply
    if reply is None:
        raise FeedbackError({"close": "Record the trust's reply before closing"})
    if reply.closed_on is not None:
        raise FeedbackError({"close": f"This was already closed on {_uk(reply.closed_on)}"})
    errors: dict[str, str] = {}
    _check_date(closed_on, "Date closed", errors, "closed_on", today=today, not_before=reply.received_on,
                not_before_reason=", the date the reply arrived")
    if errors:
        raise FeedbackError(errors)
    # Closed only if nobody closed it since this request read it: the check above saw the row
    # as it was, and another officer's close may have been saved in between.
    closing = db.session.execute(
        update(TrustReply).where(TrustReply.id == reply.id, TrustReply.closed_on.is_(None)).values(closed_on=closed_on)
    )
    if closing.rowcount != 1:
        db.session.refresh(reply)
        raise FeedbackError({"close": f"This was already closed on {_uk(reply.closed_on)}"})
    set_committed_value(reply, "closed_on", closed_on)  # what the update wrote, without writing it again
    _move([r for r in trust_raise.reports if r.status is not Status.CLOSED], Status.CLOSED, user, trust_raise.id)
    audit.record("trust_raise.closed", actor=user, object_type="trust_raise", object_id=trust_raise.id,
                 fields=["closed_on"])
    db.session.flush()


# --- reading ------------------------------------------------------------------------------


def raise_status(trust_raise: TrustRaise, today: date | None = None) -> RaiseStatus:
    reply = trust_raise.reply
    return status_for(
        trust_raise.reply_due_on, today or date.today(),
        received_on=reply.received_on if reply else None, closed_on=reply.closed_on if reply else None,
    )


def _raises_of(lmc_id: int):
    return (
        select(TrustRaise)
        .where(TrustRaise.lmc_id == lmc_id)
        .options(selectinload(TrustRaise.trust), selectinload(TrustRaise.reply))
    )


def overdue_raises(lmc_id: int, today: date | None = None) -> list[TrustRaise]:
    """The LMC's raises with no reply past their due date, most overdue first."""
    cutoff = latest_working_day(today or date.today())
    return list(db.session.scalars(
        _raises_of(lmc_id)
        .outerjoin(TrustReply, TrustReply.raise_id == TrustRaise.id)
        .where(TrustReply.id.is_(None), TrustRaise.reply_due_on < cutoff)
        .order_by(TrustRaise.reply_due_on, TrustRaise.id)
    ))


@dataclass
class RaiseRow:
    trust_raise: TrustRaise
    status: RaiseStatus
    report_count: int


@dataclass
class Dashboard:
    overdue: list[RaiseRow] = field(default_factory=list)
    awaiting: list[RaiseRow] = field(default_factory=list)
    replied: list[RaiseRow] = field(default_factory=list)
    closed: list[RaiseRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.overdue) + len(self.awaiting) + len(self.replied) + len(self.closed)


def _report_counts(raise_ids: Sequence[int]) -> dict[int, int]:
    if not raise_ids:
        return {}
    return dict(db.session.execute(
        select(raised_report.c.raise_id, func.count())
        .where(raised_report.c.raise_id.in_(raise_ids))
        .group_by(raised_report.c.raise_id)
    ).all())


def lmc_dashboard(lmc_id: int, today: date | None = None) -> Dashboard:
    """Every raise of the LMC, grouped by state: overdue (most overdue first), awaiting a reply
    (soonest due first), replied and closed (newest first)."""
    today = today or date.today()
    raises = db.session.scalars(_raises_of(lmc_id).order_by(TrustRaise.raised_on.desc(), TrustRaise.id.desc())).all()
    counts = _report_counts([r.id for r in raises])
    board = Dashboard()
    for trust_raise in raises:
        status = raise_status(trust_raise, today)
        group = getattr(board, status.state.value)
        group.append(RaiseRow(trust_raise, status, counts.get(trust_raise.id, 0)))
    board.overdue.sort(key=lambda row: (row.status.due_on, row.trust_raise.id))
    board.awaiting.sort(key=lambda row: (row.status.due_on, row.trust_raise.id))
    return board


@dataclass(frozen=True)
class TrustFeedbackSummary:
    """What an LMC has raised with one trust: counts of raises by where they stand."""

    raised: int = 0
    awaiting: int = 0
    overdue: int = 0
    replied: int = 0
    closed: int = 0
    reports: int = 0
    oldest_overdue_due_on: date | None = None


def feedback_by_trust(lmc_id: int, today: date | None = None,
                      trust_id: int | None = None) -> dict[int, TrustFeedbackSummary]:
    """``TrustFeedbackSummary`` for every trust the LMC has raised reports with, by trust id
    (only ``trust_id``'s when given)."""
    today = today or date.today()
    only = [TrustRaise.trust_id == trust_id] if trust_id is not None else []
    rows = db.session.execute(
        select(TrustRaise.trust_id, TrustRaise.reply_due_on, TrustReply.received_on, TrustReply.closed_on,
               func.count(raised_report.c.report_id))
        .outerjoin(TrustReply, TrustReply.raise_id == TrustRaise.id)
        .outerjoin(raised_report, raised_report.c.raise_id == TrustRaise.id)
        .where(TrustRaise.lmc_id == lmc_id, *only)
        .group_by(TrustRaise.id, TrustRaise.trust_id, TrustRaise.reply_due_on, TrustReply.received_on,
                  TrustReply.closed_on)
    ).all()
    tallies: dict[int, dict] = {}
    for trust_id, due_on, received_on, closed_on, report_count in rows:
        tally = tallies.setdefault(trust_id, {s.value: 0 for s in RaiseState} | {"reports": 0, "oldest": None})
        state = status_for(due_on, today, received_on, closed_on).state
        tally[state.value] += 1
        tally["reports"] += report_count
        if state is RaiseState.OVERDUE and (tally["oldest"] is None or due_on < tally["oldest"]):
            tally["oldest"] = due_on
    return {
        trust_id: TrustFeedbackSummary(
            raised=sum(t[s.value] for s in RaiseState), awaiting=t["awaiting"], overdue=t["overdue"],
            replied=t["replied"], closed=t["closed"], reports=t["reports"], oldest_overdue_due_on=t["oldest"],
        )
        for trust_id, t in tallies.items()
    }


def trust_feedback_summary(lmc_id: int, trust_id: int, today: date | None = None) -> TrustFeedbackSummary:
    """For the trust summary page: counts of the LMC's raises with that trust (all zero if none)."""
    return feedback_by_trust(lmc_id, today, trust_id).get(trust_id, TrustFeedbackSummary())


def raises_for_report(report_id: int) -> list[TrustRaise]:
    """The raises a report is part of, oldest first, for the practice's report page."""
    return list(db.session.scalars(
        select(TrustRaise)
        .join(raised_report, raised_report.c.raise_id == TrustRaise.id)
        .where(raised_report.c.report_id == report_id)
        .options(selectinload(TrustRaise.trust), selectinload(TrustRaise.lmc), selectinload(TrustRaise.reply))
        .order_by(TrustRaise.raised_on, TrustRaise.id)
    ))


# --- choosing what to raise ----------------------------------------------------------------


def _raisable(lmc_id: int):
    """Reports the LMC may raise: logged, not withdrawn, about an NHS trust, from its practices."""
    return (
        Report.status == Status.LOGGED,
        Report.withdrawn_at.is_(None),
        Report.trust_id.is_not(None),
        Report.practice_id.in_(practice_ids_for_lmc(lmc_id)),
    )


def trusts_with_reports_to_raise(lmc_id: int) -> list[tuple[Trust, int]]:
    """Trusts that have logged reports from the LMC's practices, with how many, by name."""
    count = func.count(Report.id)
    rows = db.session.execute(
        select(Trust, count).join(Report, Report.trust_id == Trust.id).where(*_raisable(lmc_id))
        .group_by(Trust.id).order_by(Trust.name)
    ).all()
    return [(trust, n) for trust, n in rows]


def reports_to_raise(lmc_id: int, trust_id: int, *, received_from: date | None = None,
                     received_to: date | None = None, category_slug: str | None = None,
                     limit: int = 500) -> list[Report]:
    """The LMC's raisable reports about one trust, newest first."""
    statement = (
        select(Report).where(*_raisable(lmc_id), Report.trust_id == trust_id)
        .options(selectinload(Report.specialty), selectinload(Report.practice))
        .order_by(Report.received_on.desc(), Report.id.desc())
        .limit(limit)
    )
    if received_from:
        statement = statement.where(Report.received_on >= received_from)
    if received_to:
        statement = statement.where(Report.received_on <= received_to)
    if category_slug:
        statement = statement.where(Report.category_slug == category_slug)
    return list(db.session.scalars(statement))


def lmc_raise(lmc_id: int, raise_id: int) -> TrustRaise | None:
    """The raise, if it belongs to the LMC (another LMC's raise is as good as missing)."""
    return db.session.scalar(
        select(TrustRaise).where(TrustRaise.id == raise_id, TrustRaise.lmc_id == lmc_id)
        .options(selectinload(TrustRaise.trust), selectinload(TrustRaise.reply),
                 selectinload(TrustRaise.reports).selectinload(Report.specialty),
                 selectinload(TrustRaise.reports).selectinload(Report.practice))
    )


__all__ = [
    "Dashboard", "FeedbackError", "RaiseRow", "RaiseState", "RaiseStatus", "TrustFeedbackSummary",
    "close_raise", "feedback_by_trust", "is_overdue", "lmc_dashboard", "lmc_raise", "overdue_raises",
    "raise_status", "raise_with_trust", "raises_for_report", "record_reply", "reports_to_raise",
    "trust_feedback_summary", "trusts_with_reports_to_raise",
]
