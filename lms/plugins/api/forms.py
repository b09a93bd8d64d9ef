"""Forms for the API tokens page: a name and a scope; revoking is a button."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length

from lms.plugins.api.models import READ, READ_WRITE
from lms.plugins.api.tokens import MAX_NAME


class CreateTokenForm(FlaskForm):
    name = StringField(
        "Name",
        description="So you can tell your tokens apart, for example ‘Power BI report’.",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter a name for the token, such as ‘Power BI report’"),
            Length(max=MAX_NAME, message=f"The name must be {MAX_NAME} characters or fewer"),
        ],
    )
    scope = RadioField(
        "What may it do?",
        choices=[
            SelectChoice(READ, "Read only: see your cohorts, reflections, initiative and surveys"),
            SelectChoice(
                READ_WRITE,
                "Read and write: also save and submit reflections, add initiative updates "
                "and answer surveys",
            ),
        ],
        widget=GovRadioInput(),
        # One message for a missing or made-up value: the choices are the only answers.
        validate_choice=False,
        validators=[
            InputRequired(message="Select what the token may do"),
            AnyOf([READ, READ_WRITE], message="Select what the token may do"),
        ],
    )
    submit = SubmitField("Create token", widget=GovSubmitInput())


class RevokeTokenForm(FlaskForm):
    submit = SubmitField("Revoke", widget=GovSubmitInput())
