"""Forms for initiatives. GOV.UK widgets render labels, hints and errors next to fields.

Forms check shape (required, numbers, lengths, choices); the services check the rules
that need the database or the date (end before start, dates in the future...), and the
views put those problems back on the fields.
"""

from __future__ import annotations

from datetime import datetime

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovDateInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from lms.plugins.initiatives.services import LIMITS, MAX_PEOPLE
from lms.plugins.initiatives.vocab import (
    BARRIERS,
    ENABLERS,
    JIGSAW,
    LADDER,
    LADDER_EASY_READ,
    PARTNER_KINDS,
    RAG,
    SCORES,
)


class GovDateField(DateField):
    """Day, month and year boxes, with a message people can act on."""

    def __init__(self, label, what: str, **kwargs):
        kwargs.setdefault("widget", GovDateInput())
        kwargs.setdefault("format", "%d %m %Y")
        super().__init__(label, **kwargs)
        self.what = what

    def process_formdata(self, valuelist):
        if not valuelist:
            self.raw_data, self.data = ["", "", ""], None
            return
        if len(valuelist) != 3:
            # Only a hand-made request sends other than day, month and year.
            self.raw_data, self.data = ["", "", ""], None
            raise ValueError(f"Enter {self.what.lower()} as a day, month and year")
        if not any(part.strip() for part in valuelist):
            self.data = None
            return
        try:
            self.data = datetime.strptime(" ".join(p.strip() for p in valuelist), "%d %m %Y").date()
        except ValueError:
            self.data = None
            raise ValueError(f"{self.what} must be a real date, like 27 3 2026") from None

    def pre_validate(self, form):
        if self.data is None and not self.errors:
            raise ValidationError(f"Enter {self.what.lower()}")


class ChoiceRadioField(RadioField):
    """A radio group whose 'not a valid choice' message says what to choose."""

    def __init__(self, label, message: str, **kwargs):
        kwargs.setdefault("widget", GovRadioInput())
        super().__init__(label, **kwargs)
        self.message = message

    def pre_validate(self, form):
        if self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(self.message)


class TagsField(SelectMultipleField):
    def __init__(self, label, choices, message: str, **kwargs):
        kwargs.setdefault("widget", GovCheckboxesInput())
        super().__init__(label, choices=[SelectChoice(*c) for c in choices], **kwargs)
        self.message = message

    def pre_validate(self, form):
        known = {choice.value for choice in self.choices}
        if any(value not in known for value in self.data or []):
            raise ValidationError(self.message)


def _length(name: str):
    return Length(max=LIMITS[name], message=f"Must be {LIMITS[name]:,} characters or fewer")


class CountField(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(
                f"Enter the number of {self.label.text.lower()} as a whole number, like 3"
            ) from None


def _count(label: str):
    return CountField(
        label,
        widget=GovTextInput(),
        default=0,
        validators=[
            InputRequired(message=f"Enter the number of {label.lower()}, or 0"),
            NumberRange(0, MAX_PEOPLE, message=f"Enter a number between 0 and {MAX_PEOPLE:,}"),
        ],
    )


class InitiativeForm(FlaskForm):
    title = StringField(
        "Title of your initiative",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter a title for your initiative"), _length("title")],
    )
    organisation = StringField(
        "Organisation", widget=GovTextInput(), validators=[_length("organisation")]
    )
    service = StringField("Service or team", widget=GovTextInput(), validators=[_length("service")])
    problem = TextAreaField(
        "The problem",
        description="What is not working for the people who use the service, in their words "
        "if you can.",
        widget=GovCharacterCount(),
        validators=[_length("problem")],
    )
    aim = TextAreaField(
        "The aim",
        description="What will be different, and for whom, when the initiative succeeds?",
        widget=GovCharacterCount(),
        validators=[_length("aim")],
    )
    service_users = _count("Service users")
    carers = _count("Carers")
    staff = _count("Staff")
    partners = _count("Partners")
    roles = TextAreaField(
        "Their roles",
        description="Counts and roles only: do not write the names of service users or "
        "carers. For example: 3 service users co-chair the planning group; 2 carers test "
        "the new leaflet.",
        widget=GovCharacterCount(),
        validators=[_length("roles")],
    )
    planned_start = GovDateField(
        "Planned start", "The planned start", description="For example, 14 9 2026"
    )
    planned_end = GovDateField(
        "Planned end", "The planned end", description="For example, 30 6 2027"
    )
    evidence = TextAreaField(
        "Links to evidence",
        description="Web addresses or where to find documents, one per line.",
        widget=GovCharacterCount(),
        validators=[_length("evidence")],
    )
    submit = SubmitField("Save initiative", widget=GovSubmitInput())


class MilestoneForm(FlaskForm):
    title = StringField(
        "Milestone",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter what the milestone is"), _length("milestone")],
    )
    due_on = GovDateField("Due date", "The due date", description="For example, 1 12 2026")
    submit = SubmitField("Add milestone", widget=GovSubmitInput())


class MilestoneDoneForm(FlaskForm):
    done_on = GovDateField("Date it was done", "The date it was done")
    submit = SubmitField("Mark as done", widget=GovSubmitInput())


RUNG_CHOICES = [SelectChoice(str(rung.number), f"{rung.number}. {rung.name}") for rung in LADDER]
SCORE_CHOICES = [SelectChoice(str(number), f"{number} {name}") for number, name, _ in SCORES]


def _score(piece):
    return ChoiceRadioField(
        f"{piece.name}: {piece.meaning}",
        message=f"Give {piece.name.lower()} a score from 1 to 4",
        choices=SCORE_CHOICES,
        description=piece.prompt,
    )


class UpdateForm(FlaskForm):
    recorded_on = GovDateField("Date of this update", "The date of the update")
    rag = ChoiceRadioField(
        "How is the initiative going?",
        message="Select whether the initiative is on track, at risk or off track",
        choices=[SelectChoice(key, name) for key, name in RAG],
    )
    rag_reason = TextAreaField(
        "Why did you choose this status?",
        widget=GovCharacterCount(),
        validators=[InputRequired(message="Say why you chose this status"), _length("rag_reason")],
    )
    narrative = TextAreaField(
        "What has happened since the last update?",
        widget=GovCharacterCount(),
        validators=[_length("narrative")],
    )
    rung = ChoiceRadioField(
        "Where on Arnstein's ladder are the people who use the service now?",
        message="Select a rung of the ladder from 1 to 8",
        choices=RUNG_CHOICES,
        description="Think about the decisions your initiative touches: who sets the agenda, "
        "who decides, and who hears what happened.",
    )
    culture = _score(JIGSAW[0])
    practice = _score(JIGSAW[1])
    structure = _score(JIGSAW[2])
    review = _score(JIGSAW[3])
    barriers = TagsField(
        "What is getting in the way?",
        BARRIERS,
        message="Choose barriers from the list, or describe others below",
        description="Select all that apply.",
    )
    other_barriers = StringField(
        "Other barriers", widget=GovTextInput(), validators=[Optional(), _length("other_barriers")]
    )
    enablers = TagsField(
        "What is helping?",
        ENABLERS,
        message="Choose enablers from the list, or describe others below",
        description="Select all that apply.",
    )
    other_enablers = StringField(
        "Other enablers", widget=GovTextInput(), validators=[Optional(), _length("other_enablers")]
    )
    next_steps = TextAreaField(
        "Next steps", widget=GovCharacterCount(), validators=[_length("next_steps")]
    )
    submit = SubmitField("Save update", widget=GovSubmitInput())


class CommentForm(FlaskForm):
    body = TextAreaField(
        "Your comment",
        widget=GovTextArea(),
        validators=[InputRequired(message="Enter a comment"), _length("comment")],
    )
    submit = SubmitField("Add comment", widget=GovSubmitInput())


class ExpertRatingForm(FlaskForm):
    """An expert by experience's rating: the four pieces, from where they stand."""

    culture = _score(JIGSAW[0])
    practice = _score(JIGSAW[1])
    structure = _score(JIGSAW[2])
    review = _score(JIGSAW[3])
    comment = TextAreaField(
        "Your comments",
        description="What is working for the people who use the service, and what should "
        "change? Please do not name anyone.",
        widget=GovCharacterCount(),
        validators=[Length(max=5000, message="Must be 5,000 characters or fewer")],
    )
    submit = SubmitField("Save your rating", widget=GovSubmitInput())


class AssignExpertsForm(FlaskForm):
    """The lead's choice of experts by experience to review one initiative."""

    experts = TagsField(
        "Experts by experience reviewing this initiative",
        [],
        message="Choose experts by experience from the list",
        description="They will read this initiative (without the trainee's name) and rate it. "
        "Select none to stop reviews.",
    )
    submit = SubmitField("Save reviewers", widget=GovSubmitInput())


class PartnerInviteForm(FlaskForm):
    """A trainee invites someone they co-produce with to their initiative."""

    name = StringField(
        "Their name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the partner's name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    email = StringField(
        "Their email address",
        description="We will email them a link to sign in. They do not need a password.",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your partner's email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    kind = ChoiceRadioField(
        "Who are they?",
        message="Select who this partner is",
        choices=[SelectChoice(key, text) for key, text in PARTNER_KINDS],
    )
    submit = SubmitField("Invite partner", widget=GovSubmitInput())


class RemovePartnerForm(FlaskForm):
    submit = SubmitField("Remove", widget=GovSubmitInput())


class PartnerCommentForm(FlaskForm):
    body = TextAreaField(
        "Your comment",
        description="Say what you think about the change. You can write as much as you like.",
        widget=GovCharacterCount(),
        validators=[InputRequired(message="Enter your comment"), _length("comment")],
    )
    submit = SubmitField("Send comment", widget=GovSubmitInput())


# Easy-read first: the sentence is the choice, Arnstein's name for the rung its hint.
EASY_RUNG_CHOICES = [SelectChoice(str(r.number), LADDER_EASY_READ[r.number]) for r in LADDER]


class PartnerViewForm(FlaskForm):
    """A partner's own view at one progress update, in plain words."""

    rung = ChoiceRadioField(
        "How much say did you have?",
        message="Choose the sentence that fits best",
        choices=EASY_RUNG_CHOICES,
        description="Choose the sentence that fits best. They go from the least say to the most.",
    )
    what_changed = TextAreaField(
        "What changed for you?",
        description="Say it in your own words. You can leave this empty.",
        widget=GovCharacterCount(),
        validators=[Length(max=5000, message="Must be 5,000 characters or fewer")],
    )
    submit = SubmitField("Save my view", widget=GovSubmitInput())
