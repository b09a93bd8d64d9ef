"""Forms for cohorts, members, tutor groups and roster uploads."""

from __future__ import annotations

from datetime import date, datetime

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovDateInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp

from lms.contracts import ROLE_NAMES, ROLES
from lms.core.models import SECTORS, WITHDRAWAL_REASONS
from lms.core.schedule import WEEKDAYS
from lms.core.validation import LIMITS, email_problem, text_problem


class SafeText:
    """The shared rule for typed names (`lms.core.validation`), next to the field."""

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, form, field):
        problem = text_problem((field.data or "").strip(), self.limit)
        if problem:
            raise ValidationError(f"{field.label.text} {problem}")


class EmailAddress:
    """The shared rule for email addresses (`lms.core.validation`), next to the field."""

    def __call__(self, form, field):
        _, problem = email_problem((field.data or "").strip())
        if problem:
            raise ValidationError(f"{field.label.text} {problem}")


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %m %Y")


def parse_break_dates(text: str) -> list[date]:
    """One date per line or comma; raise ValueError naming the first bad one."""
    found = []
    for raw in text.replace(",", "\n").splitlines():
        value = raw.strip()
        if not value:
            continue
        for fmt in DATE_FORMATS:
            try:
                found.append(datetime.strptime(value, fmt).date())
                break
            except ValueError:
                continue
        else:
            raise ValueError(f"{value!r} is not a date: use the form 21/12/2026")
    return found


class BreakDatesField(TextAreaField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        try:
            self.dates = parse_break_dates(self.data or "")
        except ValueError as error:
            self.dates = []
            raise ValueError(str(error)) from None


class ThreePartDateField(DateField):
    """A date in day, month and year boxes. The GOV.UK widget can only show the form
    again with exactly three parts, which a hand-made request may not send."""

    def process_formdata(self, valuelist):
        if len(valuelist) != 3:
            self.raw_data, self.data = ["", "", ""], None
            if valuelist:
                raise ValueError("Enter the date as a day, month and year")
            return
        super().process_formdata(valuelist)


class ScheduleForm(FlaskForm):
    start_date = ThreePartDateField(
        "Date of the first session",
        format="%d %m %Y",
        widget=GovDateInput(),
        description="For example, 7 9 2026",
        validators=[InputRequired(message="Enter the date of the first session")],
    )
    session_weekday = SelectField(
        "Day of the weekly session",
        choices=[SelectChoice(str(i), name) for i, name in enumerate(WEEKDAYS)],
        default="0",
        widget=GovSelect(),
    )
    breaks = BreakDatesField(
        "Break weeks",
        widget=GovTextArea(),
        description="Any day in each week with no session, one per line, like 21/12/2026. "
        "Course weeks after a break move later.",
        validators=[Optional()],
    )
    submit = SubmitField("Save schedule", widget=GovSubmitInput())


class CohortForm(ScheduleForm):
    name = StringField(
        "Cohort name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter a name for the cohort"),
            SafeText(LIMITS["cohort_name"]),
        ],
    )
    slug = StringField(
        "Short name for web addresses",
        widget=GovTextInput(),
        description="Lower-case letters, numbers and hyphens, like belfast-2026",
        validators=[
            InputRequired(message="Enter a short name"),
            Length(max=60, message="Short name must be 60 characters or fewer"),
            Regexp(
                r"^[a-z0-9]+(-[a-z0-9]+)*$",
                message="Use only lower-case letters, numbers and hyphens",
            ),
        ],
    )
    programme = SelectField("Programme", widget=GovSelect(), choices=[])
    submit = SubmitField("Create cohort", widget=GovSubmitInput())


class MemberForm(FlaskForm):
    role = RadioField(
        "Role",
        choices=[SelectChoice(r, ROLE_NAMES[r]) for r in ROLES],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose a role")],
    )
    sector = RadioField(
        "Sector",
        choices=[SelectChoice(s, s.capitalize()) for s in SECTORS],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose a sector")],
    )
    organisation = StringField(
        "Organisation",
        widget=GovTextInput(),
        validators=[SafeText(LIMITS["organisation"])],
    )
    job_title = StringField(
        "Job title",
        widget=GovTextInput(),
        validators=[SafeText(LIMITS["job_title"])],
    )
    area = StringField(
        "Area",
        widget=GovTextInput(),
        description="For example, a health and social care partnership",
        validators=[SafeText(LIMITS["area"])],
    )
    tutor_group = SelectField("Tutor group", widget=GovSelect(), choices=[])
    lived_experience = BooleanField(
        "Has lived experience of using services", widget=GovCheckboxInput()
    )
    submit = SubmitField("Save member", widget=GovSubmitInput())


class AddMemberForm(MemberForm):
    """One person, checked by the roster import's rules (`lms.core.roster.parse_member`)."""

    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter their email address"), EmailAddress()],
    )
    given_name = StringField(
        "Given name",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter their given name")],
    )
    family_name = StringField("Family name", widget=GovTextInput())
    tutor_group = StringField(
        "Tutor group",
        widget=GovTextInput(),
        description="Leave blank for none; a group is created when first named",
    )
    submit = SubmitField("Add member", widget=GovSubmitInput())


class WithdrawalForm(FlaskForm):
    withdrawn_on = ThreePartDateField(
        "When did they leave?",
        format="%d %m %Y",
        widget=GovDateInput(),
        description="For example, 27 3 2027",
        validators=[InputRequired(message="Enter the date they left")],
    )
    reason = RadioField(
        "Reason (optional)",
        choices=[SelectChoice("", "Not recorded")]
        + [SelectChoice(key, text) for key, text in WITHDRAWAL_REASONS.items()],
        default="",
        widget=GovRadioInput(),
        validators=[Optional()],
        validate_choice=True,
    )
    submit = SubmitField("Record withdrawal", widget=GovSubmitInput())


class TutorGroupForm(FlaskForm):
    name = StringField(
        "Name of the new tutor group",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter a name for the group"),
            SafeText(LIMITS["tutor_group"]),
        ],
    )
    submit = SubmitField("Add group", widget=GovSubmitInput())


class RosterUploadForm(FlaskForm):
    roster = FileField(
        "Roster file (Excel .xlsx or CSV)",
        widget=GovFileInput(),
        description="An Excel workbook (its first sheet is read) or a CSV saved as "
        "'CSV UTF-8'. Nothing is imported unless every row is right.",
        validators=[FileRequired(message="Choose an Excel (.xlsx) or CSV file")],
    )
    submit = SubmitField("Import roster", widget=GovSubmitInput())

    def validate_roster(self, field):
        name = (field.data.filename or "").lower() if field.data else ""
        if name and not name.endswith((".csv", ".xlsx")):
            raise ValidationError("The file must be an Excel workbook (.xlsx) or a CSV file")
