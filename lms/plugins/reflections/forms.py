"""Forms for writing, sharing and discussing reflections.

The entry form is built per week because each week has its own prompts. Answer fields
are named ``answer_<prompt id>`` so a prompt id can never clash with a form attribute."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import BooleanField, HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from lms.plugins.reflections.review import MAX_FEEDBACK_CHARACTERS

ANSWER_PREFIX = "answer_"


class EntryFormBase(FlaskForm):
    based_on = HiddenField(default="0")
    save_draft = SubmitField("Save draft", widget=GovSubmitInput())
    submit_entry = SubmitField("Submit reflection", widget=GovSubmitInput())

    prompt_ids: tuple[str, ...] = ()

    def answers(self) -> dict[str, str]:
        return {pid: getattr(self, ANSWER_PREFIX + pid).data or "" for pid in self.prompt_ids}

    def based_on_number(self) -> int | None:
        value = (self.based_on.data or "0").strip()
        # isdigit() alone accepts digits int() refuses, such as "²".
        return int(value) if value.isascii() and value.isdigit() else None

    def add_problems(self, problems: dict[str, str]) -> None:
        for prompt_id, message in problems.items():
            getattr(self, ANSWER_PREFIX + prompt_id).errors = [message]


def entry_form_class(prompts) -> type[EntryFormBase]:
    """A form class with one character-count textarea per prompt of the week."""
    fields = {
        ANSWER_PREFIX + prompt.id: TextAreaField(
            prompt.label, description=prompt.hint, widget=GovCharacterCount()
        )
        for prompt in prompts
    }
    fields["prompt_ids"] = tuple(prompt.id for prompt in prompts)
    return type("EntryForm", (EntryFormBase,), fields)


class SharingForm(FlaskForm):
    sharing = RadioField(
        "Who can read this reflection?",
        choices=[
            SelectChoice("tutors", "Me and my tutor group's tutors, once I submit it"),
            SelectChoice("private", "Only me"),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose who can read this reflection")],
    )
    evaluation_consent = BooleanField(
        "The programme evaluation may use this reflection, without my name",
        description="You can withdraw this at any time. Withdrawing takes effect at once.",
        widget=GovCheckboxInput(),
    )
    save_sharing = SubmitField("Save choices", widget=GovSubmitInput())


class MessageForm(FlaskForm):
    body = TextAreaField(
        "Your message",
        widget=GovTextArea(),
        validators=[
            DataRequired(message="Enter a message"),
            Length(
                max=MAX_FEEDBACK_CHARACTERS,
                message=f"Your message must be {MAX_FEEDBACK_CHARACTERS:,} characters or fewer",
            ),
        ],
    )
    send = SubmitField("Send", widget=GovSubmitInput())


class ReviewedForm(FlaskForm):
    reviewed = HiddenField(default="yes")
    mark = SubmitField("Mark as reviewed", widget=GovSubmitInput())
