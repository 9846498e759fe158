from __future__ import annotations

from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from tracker.accounts.passwords import MAX_LENGTH
from tracker.accounts.permissions import Role
from tracker.forms import BaseForm


class SignInForm(BaseForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address"), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password"), Length(max=MAX_LENGTH)])


class SetPasswordForm(BaseForm):
    password = PasswordField("Create a password", validators=[DataRequired("Enter a password")])
    confirm = PasswordField("Type the password again", validators=[DataRequired("Type the password again")])

    def validate_confirm(self, field):
        if field.data != self.password.data:
            from wtforms.validators import ValidationError

            raise ValidationError("The passwords do not match. Type the same password twice")


class ChangePasswordForm(BaseForm):
    current_password = PasswordField("Current password", validators=[DataRequired("Enter your current password")])
    new_password = PasswordField("New password", validators=[DataRequired("Enter a new password")])


class UserForm(BaseForm):
    full_name = StringField("Full name", validators=[DataRequired("Enter the person's full name"), Length(max=120)])
    email = EmailField("Email address", validators=[DataRequired("Enter an email address"), Length(max=254)])
    role = SelectField(
        "Role",
        choices=[(r.value, r.label) for r in Role],
        validators=[DataRequired("Choose a role")],
    )
    practice_code = StringField("Practice ODS code", validators=[Length(max=6)])
    lmc_id = SelectField("LMC", choices=[], validate_choice=False)


class SecondFactorForm(BaseForm):
    code = StringField(
        "Code",
        validators=[
            DataRequired("Enter the 6-digit code from your authenticator app, or a recovery code"),
            Length(max=40, message="Enter the 6-digit code from your authenticator app, or a recovery code"),
        ],
    )


class TwoFactorSetupForm(BaseForm):
    code = StringField(
        "Enter the 6-digit code your app shows",
        validators=[
            DataRequired("Enter the 6-digit code from your authenticator app"),
            Length(max=40, message="Enter the 6-digit code from your authenticator app"),
        ],
    )
    # Only asked for when an app is already set up and is being replaced.
    current_code = StringField(
        "Code from your current app, or a recovery code", validators=[Length(max=40)]
    )


class TwoFactorChangeForm(BaseForm):
    code = StringField(
        "Code from your authenticator app, or a recovery code",
        validators=[
            DataRequired("Enter the 6-digit code from your authenticator app, or a recovery code"),
            Length(max=40, message="Enter the 6-digit code from your authenticator app, or a recovery code"),
        ],
    )
