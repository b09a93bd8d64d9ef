"""Forms for accounts. GOV.UK widgets render labels, hints and errors."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovPasswordInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from lms.core.accounts import MIN_PASSWORD_LENGTH
from lms.core.files import TYPES_IN_WORDS


class LoginForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your email address"),
            Email(message="Enter an email address in the correct format, like name@example.com"),
        ],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password")],
    )
    remember = BooleanField("Keep me signed in on this device", widget=GovCheckboxInput())
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description=f"At least {MIN_PASSWORD_LENGTH} characters. A few unrelated words work well.",
        validators=[
            InputRequired(message="Enter a new password"),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=f"Password must be between {MIN_PASSWORD_LENGTH} and 200 characters",
            ),
        ],
    )
    confirm = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Enter the new password again"),
            EqualTo("password", message="The passwords do not match"),
        ],
    )
    submit = SubmitField("Set password", widget=GovSubmitInput())


class ResetRequestForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your email address"),
            Email(message="Enter an email address in the correct format, like name@example.com"),
        ],
    )
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password")],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


class EvidenceFilesForm(FlaskForm):
    """Add evidence files (the checks on their content are `lms.core.files`')."""

    files = MultipleFileField(
        "Files to add",
        widget=GovFileInput(multiple=True),
        description=f"{TYPES_IN_WORDS}. You can choose more than one.",
    )
    submit = SubmitField("Add files", widget=GovSubmitInput())

    def uploads(self) -> list:
        from lms.core.files import Upload, max_bytes

        # One byte past the limit is enough to say "too large" without reading it all.
        return [
            Upload(item.filename or "", item.read(max_bytes() + 1))
            for item in self.files.data or []
            if item is not None and (item.filename or item.content_length)
        ]


class RemoveFileForm(FlaskForm):
    submit = SubmitField("Remove", widget=GovSubmitInput())
