"""Forms for the calendar page: buttons only, but posted with a CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField


class CreateFeedForm(FlaskForm):
    submit = SubmitField("Create your calendar link", widget=GovSubmitInput())


class RevokeFeedForm(FlaskForm):
    revoke = SubmitField("Turn off your calendar link", widget=GovSubmitInput())
