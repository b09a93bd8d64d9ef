"""Forms of the sessions plugin. The register itself is a plain form of radios, one
group per trainee, read in the view (its fields are named after the members)."""

from __future__ import annotations

import re
from datetime import time

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, Optional

_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


def parse_time(text: str) -> time:
    """ "10:00", "14:30", "10am", "1.30pm", "midday" -> a time; ValueError otherwise."""
    cleaned = (text or "").strip().lower().replace(" ", "")
    if cleaned in ("midday", "noon"):
        return time(12, 0)
    match = _TIME.match(cleaned)
    if match is None:
        raise ValueError(text)
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half is not None:
        if not 1 <= hour <= 12:
            raise ValueError(text)
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match.group(2) is None:
        raise ValueError(text)  # "10" alone is ambiguous
    return time(hour, minute)


class TimeField(StringField):
    """A time typed as people write it; `.time` holds the parsed value."""

    time: time | None = None

    def pre_validate(self, form):
        self.time = None
        if not (self.data or "").strip():
            return
        try:
            self.time = parse_time(self.data)
        except ValueError:
            raise ValidationError(
                f"Enter {self.label.text.lower()} as a time, for example 10:00 or 2:30pm"
            ) from None


def _max(length: int, what: str) -> Length:
    return Length(max=length, message=f"The {what} must be {length} characters or fewer")


class PlanForm(FlaskForm):
    starts_at = TimeField(
        "Start time",
        widget=GovTextInput(),
        description="For example, 10:00 or 10am (UK time)",
        validators=[InputRequired("Enter the time the session starts, for example 10:00")],
    )
    ends_at = TimeField(
        "End time",
        widget=GovTextInput(),
        description="For example, 12:30 or 12.30pm",
        validators=[InputRequired("Enter the time the session ends, for example 12:30")],
    )
    venue = StringField(
        "Venue",
        widget=GovTextInput(),
        description="The room and address, if people meet in person",
        validators=[
            Optional(),
            Length(max=300, message="The venue must be 300 characters or fewer"),
        ],
    )
    link = StringField(
        "Online meeting link",
        widget=GovTextInput(),
        description="If people can join online, for example https://meet.example.org/ip",
        validators=[
            Optional(),
            Length(max=500, message="The link must be 500 characters or fewer"),
        ],
    )
    submit = SubmitField("Save session times", widget=GovSubmitInput())


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        "Reason",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter the reason"),
            Length(max=2000, message="The reason must be 2000 characters or fewer"),
        ],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button that only carries the CSRF token (issue certificates, clear an override)."""
