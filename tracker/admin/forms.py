from __future__ import annotations

from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from tracker.forms import BaseForm


class LMCForm(BaseForm):
    name = StringField("Name", validators=[DataRequired("Enter the LMC's name"), Length(max=160)])
    icb_codes = SelectMultipleField("ICBs the LMC covers in full", choices=[], validate_choice=False)
    practice_codes = TextAreaField("Other practices it covers", validators=[Length(max=20000)])


class ContractReferenceForm(BaseForm):
    contract_year = StringField(
        "Contract year", validators=[DataRequired("Enter the contract year, like 2025/26"), Length(max=7)]
    )
    reference = StringField(
        "Reference", validators=[DataRequired("Enter the contract reference, like SC11.3"), Length(max=40)]
    )
    description = TextAreaField(
        "What it requires", validators=[DataRequired("Describe what the contract requires"), Length(max=2000)]
    )

    def validate_contract_year(self, field):
        import re

        from wtforms.validators import ValidationError

        if not re.fullmatch(r"20\d\d/\d\d", field.data or ""):
            raise ValidationError("Enter the contract year like 2025/26")


class PracticeICBForm(BaseForm):
    icb_code = StringField("ICB", validators=[DataRequired("Choose the practice's ICB")])
