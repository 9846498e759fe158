"""Forms for letters and evidence packs.

Choosing what a letter or pack covers is a GET (it changes nothing), so those forms read
``request.args`` and carry no CSRF token; only the letter download is a POST.
"""

from __future__ import annotations

from datetime import date

from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.forms import BaseForm
from tracker.reports.services import EARLIEST_DATE, parse_date

SUBJECT_MAX = 200
BODY_MAX = 30000
FILE_FORMATS = {"docx": "Word (DOCX)", "pdf": "PDF"}


class _QueryForm(BaseForm):
    class Meta:
        csrf = False


def _date_checked(field, label: str) -> date | None:
    """Parse a date field, adding an error that says how to fix it."""
    value = parse_date(field.data or "")
    if value is None:
        field.errors.append(f"{label} must be a real date, like 2026-01-31 or 31/01/2026")
    elif value < EARLIEST_DATE:
        field.errors.append(f"{label} must be on or after 1 January 2020")
    return value


class PeriodMixin:
    """'from' and 'to' dates, checked together by ``period()``."""

    def period(self, today: date) -> tuple[date, date] | None:
        start = _date_checked(self.date_from, "Start date")
        end = _date_checked(self.date_to, "End date")
        if start is None or end is None or self.date_from.errors or self.date_to.errors:
            return None
        if end > today:
            self.date_to.errors.append("End date must be today or in the past")
            return None
        if start > end:
            self.date_from.errors.append("Start date must be on or before the end date")
            return None
        return start, end


class LetterSetForm(PeriodMixin, _QueryForm):
    trust = SelectField("Trust", choices=[], validate_choice=False)
    category = SelectField("Category", choices=[], validate_choice=False)
    date_from = StringField("Start date", name="from")
    date_to = StringField("End date", name="to")

    def validate_trust(self, field):
        if not field.data:
            raise ValidationError("Choose the trust the letter is about")
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choose a trust from the list: it shows the trusts your cases came from")

    def validate_category(self, field):
        if not field.data:
            raise ValidationError("Choose the category the letter is about")
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choose a category from the list")


class LetterChoiceForm(_QueryForm):
    letter_type = RadioField("What kind of letter is it?", choices=[], validate_choice=False)
    recipient = RadioField("Who is it to?", choices=[], validate_choice=False)


class LetterTextForm(BaseForm):
    letter_type = HiddenField()
    recipient = HiddenField()
    subject = StringField(
        "Subject",
        validators=[
            DataRequired("Enter the subject of the letter"),
            Length(max=SUBJECT_MAX, message=f"Subject must be {SUBJECT_MAX} characters or fewer"),
        ],
    )
    body = TextAreaField(
        "Letter",
        validators=[
            DataRequired("Enter the text of the letter"),
            Length(max=BODY_MAX, message=f"Letter must be {BODY_MAX:,} characters or fewer"),
        ],
    )


class PackForm(_QueryForm):
    trust = SelectMultipleField("Trusts", choices=[], validate_choice=False)
    date_from = StringField("Start date", name="from")
    date_to = StringField("End date", name="to")
    names = StringField("Include practice names")  # a checkbox: "yes" when ticked

    def validate_trust(self, field):
        if not field.data:
            raise ValidationError("Choose at least one trust")
        known = {value for value, _ in field.choices}
        if any(code not in known for code in field.data):
            raise ValidationError("Choose trusts from the list: it shows the trusts your cases came from")

    @property
    def include_names(self) -> bool:
        return (self.names.data or "").lower() in {"yes", "y", "on", "1", "true"}
