"""Forms for the codebook and for coding a passage. The services check the content
(`coding.Problems`); the views put their messages on these fields."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional


class ThemeForm(FlaskForm):
    name = StringField("Name", widget=GovTextInput())
    definition = TextAreaField(
        "Definition",
        description="What passages coded with this theme are about.",
        widget=GovTextArea(),
    )
    example = TextAreaField(
        "Example", description="A typical passage, made up or de-identified.", widget=GovTextArea()
    )
    parent = RadioField(
        "Is this a sub-theme?",
        choices=[SelectChoice("", "No, it is a theme")],
        default="",
        widget=GovRadioInput(),
        validate_choice=False,
    )
    save = SubmitField("Save theme", widget=GovSubmitInput())

    def set_parents(self, entries, exclude: int | None = None) -> None:
        self.parent.choices = [SelectChoice("", "No, it is a theme")] + [
            SelectChoice(str(e.theme.id), f"Yes, a sub-theme of {e.theme.name}")
            for e in entries
            if e.theme.id != exclude
        ]

    def parent_id(self) -> int | None:
        value = (self.parent.data or "").strip()
        # isdigit() alone accepts digits int() refuses, such as "²".
        if not (value.isascii() and value.isdigit()):
            return None
        # An id past the database's integer range names no theme (and would not bind).
        return min(int(value), 2**31)


class CodingForm(FlaskForm):
    excerpt = TextAreaField(
        "Passage to code",
        description="Copy the words from the text above, or select them there. Spacing and "
        "line breaks need not match.",
        widget=GovTextArea(),
    )
    start = IntegerField(
        "Starts at character",
        # Bounded: huge numbers would overflow when used as a text position.
        validators=[
            Optional(),
            NumberRange(min=0, max=10_000_000, message="Enter a number from 0 to 10,000,000"),
        ],
        widget=GovTextInput(),
    )
    end = IntegerField(
        "Ends before character",
        validators=[
            Optional(),
            NumberRange(min=1, max=10_000_000, message="Enter a number from 1 to 10,000,000"),
        ],
        widget=GovTextInput(),
    )
    themes = SelectMultipleField(
        "Themes", choices=[], widget=GovCheckboxesInput(), validate_choice=False, coerce=str
    )
    memo = TextAreaField(
        "Memo (optional)",
        description="Your note on this passage: why these themes, questions, links to other "
        "texts. Other coders who may read the text see it.",
        widget=GovTextArea(),
    )
    save = SubmitField("Code passage and go to the next text", widget=GovSubmitInput())
    stay = SubmitField("Code passage and stay on this text", widget=GovSubmitInput())

    def set_themes(self, entries) -> None:
        choices = []
        for entry in entries:
            choices.append(SelectChoice(str(entry.theme.id), entry.theme.name))
            choices += [
                SelectChoice(str(s.id), f"{entry.theme.name} › {s.name}") for s in entry.subthemes
            ]
        self.themes.choices = choices

    def theme_ids(self) -> list[int]:
        return [int(v) for v in self.themes.data or [] if str(v).isascii() and str(v).isdigit()]


class MemoForm(FlaskForm):
    """The memo on one coding (several on one page: the template gives each its id)."""

    memo = TextAreaField(
        "Memo",
        description="Other coders who may read this text see your memo. Leave it empty "
        "to remove it.",
        widget=GovTextArea(),
    )
    save = SubmitField("Save memo", widget=GovSubmitInput())


class DeleteForm(FlaskForm):
    delete = SubmitField("Remove", widget=GovSubmitInput())


class CopyCodebookForm(FlaskForm):
    source = RadioField(
        "Copy the codebook of which cohort?",
        description="Themes this cohort lacks are added; its own themes stay as they are.",
        choices=[],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose the cohort to copy from")],
    )
    copy = SubmitField("Copy themes", widget=GovSubmitInput())
