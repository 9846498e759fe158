"""Where a raise stands on the working-day clock: awaiting a reply, overdue, replied or closed.

Pure: works from dates alone, so the dashboard, the trust summary and the practices'
pages all say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from tracker.feedback.workdays import latest_working_day, working_days_between

# A trust has this many working days (England and Wales) after the raise to reply.
REPLY_WORKING_DAYS = 10


class RaiseState(StrEnum):
    AWAITING = "awaiting"
    OVERDUE = "overdue"
    REPLIED = "replied"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            "awaiting": "Awaiting reply",
            "overdue": "Overdue",
            "replied": "Trust replied",
            "closed": "Closed",
        }[self.value]

    @property
    def tag_colour(self) -> str:
        """The NHS.UK tag colour: overdue must stand out."""
        return {"awaiting": "blue", "overdue": "red", "replied": "green", "closed": "grey"}[self.value]


@dataclass(frozen=True)
class RaiseStatus:
    state: RaiseState
    due_on: date
    # Working days past the due date (overdue), or left before it (awaiting; 0 = due today).
    days_overdue: int = 0
    days_left: int = 0
    # Working days after the due date that the reply came (0 = on time).
    replied_late_by: int = 0
    # The due date is behind us but no working day has passed since (awaiting only).
    due_passed: bool = False

    @property
    def label(self) -> str:
        return self.state.label

    @property
    def detail(self) -> str:
        """One plain sentence about the clock, for tables and the practices' pages."""
        if self.state is RaiseState.OVERDUE:
            return f"Reply {_days(self.days_overdue)} overdue"
        if self.state is RaiseState.AWAITING:
            if self.due_passed:
                # A weekend or bank holiday straight after the due date: not overdue yet.
                return f"Reply was due {self.due_on.strftime('%-d %B %Y')}"
            if self.days_left == 0:
                return "Reply due today"
            return f"Reply due in {_days(self.days_left)}"
        if self.replied_late_by:
            return f"Replied {_days(self.replied_late_by)} late"
        return "Replied on time"


def _days(n: int) -> str:
    return f"{n} working day{'' if n == 1 else 's'}"


def is_overdue(due_on: date, today: date) -> bool:
    """Overdue once a whole working day has passed after the due date.

    A reply due on a Friday is not overdue over the weekend; it is 1 working day overdue
    on Monday (or on Tuesday, if Monday is a bank holiday).
    """
    return due_on < latest_working_day(today)


def status_for(due_on: date, today: date, received_on: date | None = None,
               closed_on: date | None = None) -> RaiseStatus:
    if received_on is not None:
        late = max(working_days_between(due_on, received_on), 0)
        state = RaiseState.CLOSED if closed_on is not None else RaiseState.REPLIED
        return RaiseStatus(state, due_on, replied_late_by=late)
    if is_overdue(due_on, today):
        return RaiseStatus(RaiseState.OVERDUE, due_on, days_overdue=working_days_between(due_on, today))
    if today > due_on:
        return RaiseStatus(RaiseState.AWAITING, due_on, due_passed=True)
    return RaiseStatus(RaiseState.AWAITING, due_on, days_left=working_days_between(today, due_on))
