"""Forms for the reminder settings and the unsubscribe confirmation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired


class SettingsForm(FlaskForm):
    reminders = RadioField(
        "Do you want reminder emails?",
        choices=[
            SelectChoice(
                "yes", "Yes, email me when something is overdue (and my group's weekly digest)"
            ),
            SelectChoice("no", "No, do not send me reminder emails"),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select yes if you want reminder emails")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class UnsubscribeForm(FlaskForm):
    submit = SubmitField("Stop reminder emails", widget=GovSubmitInput())
