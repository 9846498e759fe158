"""Forms of the feedback pages. They carry the CSRF token and keep what the user typed;
the rules live in ``services`` so that every caller gets the same messages."""

from __future__ import annotations

from wtforms import RadioField, StringField, TextAreaField

from tracker.feedback.models import Contact, ReplyOutcome
from tracker.forms import BaseForm


class RaiseForm(BaseForm):
    raised_on = StringField("Date raised")
    contact = RadioField(
        "Who did you raise them with?", choices=[(c.value, c.label) for c in Contact], validate_choice=False
    )
    contact_detail = StringField("Contact detail (optional)")
    document_sent = StringField("What did you send?")


class ReplyForm(BaseForm):
    received_on = StringField("Date the reply arrived")
    summary = TextAreaField("Summary of the reply")
    outcome = RadioField(
        "Outcome", choices=[(o.value, o.label) for o in ReplyOutcome], validate_choice=False
    )
