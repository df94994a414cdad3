"""Forms for recruitment, checks, training, roles, supervision and self-service. Each checks what a
person typed and says plainly what is wrong; the services check again before saving."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from kindred.accounts.models import Organisation, User
from kindred.core.presenters import local_date
from kindred.nhsuk_forms.dates import DateField
from kindred.nhsuk_forms.honeypot import HoneypotForm
from kindred.people.forms import PostcodeField
from kindred.people.models import Person
from kindred.volunteers.errors import VolunteerError
from kindred.volunteers.models import (
    AvailabilityWindow,
    DbsLevel,
    JourneyStep,
    Reference,
    ReferenceOutcome,
    Stage,
    SupervisionSession,
    TrainingCourse,
    Volunteer,
    VolunteeringRole,
    WellbeingCheckIn,
)
from kindred.volunteers.services.checks import validate_certificate_number
from kindred.volunteers.services.recruitment import TRANSITIONS

OFF = {"autocomplete": "off"}


def _date(label: str, required_message: str, *, required: bool = True) -> DateField:
    """Typed in the NHS.UK date input's three boxes (day, month, year)."""
    return DateField(
        label=label,
        required=required,
        help_text="For example, 27 3 2025",
        error_messages={"required": required_message},
    )


def _not_future(value: dt.date | None, what: str) -> dt.date | None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(f"{what} must be today or in the past")
    return value


class EnquiryForm(HoneypotForm):
    given_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter your first name"},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )  # fmt: skip
    family_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter your last name"},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )  # fmt: skip
    email = forms.EmailField(
        label="Email address (optional if you give a phone number)", required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )  # fmt: skip
    phone = forms.CharField(
        label="Phone number (optional if you give an email address)", max_length=30,
        required=False, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )  # fmt: skip
    postcode = PostcodeField(
        label="Postcode (optional)", required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "nhsuk-input--width-10"}),
    )  # fmt: skip
    why = forms.CharField(
        label="Why would you like to volunteer? (optional)", max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    has_had_support = forms.BooleanField(
        label="I have had support from this organisation myself", required=False
    )
    consent_to_link = forms.BooleanField(
        label="You can link this enquiry to my support record", required=False
    )

    def __init__(self, *args: Any, invited: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if invited:  # they were invited as someone we supported: only their consent is asked
            del self.fields["has_had_support"]
            self.fields[
                "consent_to_link"
            ].label = "You can link my enquiry to my record from when I was supported"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("email") or data.get("phone", "").strip()) and not self.errors.get(
            "email"
        ):
            self.add_error("phone", "Enter an email address or a phone number so we can reply")
        return data

    def service_arguments(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "website"}


class VolunteerAddForm(forms.Form):
    given_name = forms.CharField(
        label="First name", max_length=100, widget=forms.TextInput(attrs=OFF),
        error_messages={"required": "Enter their first name"},
    )  # fmt: skip
    family_name = forms.CharField(
        label="Last name", max_length=100, widget=forms.TextInput(attrs=OFF),
        error_messages={"required": "Enter their last name"},
    )  # fmt: skip
    email = forms.EmailField(
        label="Email address (optional)", required=False, widget=forms.EmailInput(attrs=OFF),
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )  # fmt: skip
    phone = forms.CharField(
        label="Phone number (optional)", max_length=30, required=False,
        widget=forms.TextInput(attrs={"type": "tel", **OFF}),
    )  # fmt: skip


class MoveForm(forms.Form):
    to_stage = forms.ChoiceField(
        label="Move them to", widget=forms.RadioSelect,
        error_messages={"required": "Choose where to move them", "invalid_choice": "Choose where to move them"},
    )  # fmt: skip
    note = forms.CharField(
        label="Note (needed if they are leaving: say why)", max_length=300, required=False,
        widget=forms.TextInput(attrs=OFF),
    )  # fmt: skip
    #: The stage the coordinator saw: if someone else moves the volunteer first, the move is
    #: refused and they are told where the volunteer is now.
    expected = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)

    def __init__(self, *args: Any, volunteer: Volunteer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS.allowed(volunteer.stage)
        choices = [(s.value, s.label) for s in Stage if s.value in allowed]
        self.fields["to_stage"].choices = choices  # type: ignore[attr-defined]
        self.fields["expected"].initial = volunteer.stage

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("to_stage") == Stage.LEFT and not data.get("note", "").strip():
            self.add_error("note", "Enter why they are leaving")
        return data


class DbsCheckForm(forms.Form):
    level = forms.ChoiceField(
        label="Level of check", choices=DbsLevel.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose the level of the DBS check"},
    )  # fmt: skip
    certificate_number = forms.CharField(
        label="Certificate number", max_length=20, help_text="12 digits, on the top right of the certificate",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-20", **OFF}),
        error_messages={"required": "Enter the 12-digit certificate number"},
    )  # fmt: skip
    issued_on = _date("Date of issue", "Enter the date the certificate was issued")
    update_service = forms.BooleanField(
        label="They subscribe to the DBS update service", required=False
    )

    def clean_certificate_number(self) -> str:
        try:
            return validate_certificate_number(self.cleaned_data["certificate_number"])
        except VolunteerError as error:
            raise forms.ValidationError(str(error)) from error

    def clean_issued_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data.get("issued_on"), "The date of issue")


class TrainingForm(forms.Form):
    course = forms.ModelChoiceField(
        label="Course", queryset=TrainingCourse.objects.none(), empty_label="Choose a course",
        error_messages={"required": "Choose the course", "invalid_choice": "Choose the course"},
    )  # fmt: skip
    completed_on = _date("Date completed", "Enter the date they completed it")
    expires_on = _date("Expiry date (optional)", "", required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = organisation.training_courses.order_by("name")  # type: ignore[attr-defined]
        self.fields[
            "expires_on"
        ].help_text = "Leave empty to use the course's usual refresh period. For example, 27 3 2028"

    def clean_completed_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data.get("completed_on"), "The date completed")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        done, expires = data.get("completed_on"), data.get("expires_on")
        if done and expires and expires <= done:
            self.add_error("expires_on", "The expiry date must be after the date they completed it")
        return data


class ReferenceForm(forms.Form):
    referee_name = forms.CharField(
        label="Referee's name", max_length=200, widget=forms.TextInput(attrs=OFF),
        error_messages={"required": "Enter the referee's name",
                        "max_length": "Enter the referee's name in 200 characters or fewer"},
    )  # fmt: skip
    relationship = forms.CharField(
        label="How they know the volunteer", max_length=200, widget=forms.TextInput(attrs=OFF),
        help_text="For example, former employer, tutor or someone they volunteered with",
        error_messages={"required": "Enter how the referee knows the volunteer",
                        "max_length": "Enter how they know the volunteer in 200 characters or fewer"},
    )  # fmt: skip
    contact = forms.CharField(
        label="How to contact the referee", max_length=254, widget=forms.TextInput(attrs=OFF),
        help_text="An email address, phone number or postal address",
        error_messages={"required": "Enter how to contact the referee",
                        "max_length": "Enter how to contact the referee in 254 characters or fewer"},
    )  # fmt: skip
    requested_on = _date("Date you asked for it", "Enter the date you asked for the reference")

    def clean_requested_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data.get("requested_on"), "The date you asked for it")


class ReferenceReceivedForm(forms.Form):
    received_on = _date("Date it was received", "Enter the date the reference was received")
    outcome = forms.ChoiceField(
        label="Is the reference satisfactory?", choices=ReferenceOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the reference is satisfactory",
                        "invalid_choice": "Choose whether the reference is satisfactory"},
    )  # fmt: skip
    notes = forms.CharField(
        label="Notes (needed unless it is simply satisfactory)", max_length=1000, required=False,
        help_text="What the referee said that matters. Keep to the facts.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Enter notes in 1,000 characters or fewer"},
    )  # fmt: skip

    def __init__(self, *args: Any, reference: Reference, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reference = reference

    def clean_received_on(self) -> dt.date | None:
        received = _not_future(self.cleaned_data.get("received_on"), "The date it was received")
        if received is not None and received < self.reference.requested_on:
            raise forms.ValidationError(
                "The date it was received must be on or after the date it was asked for, "
                f"{local_date(self.reference.requested_on)}"
            )
        return received

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        outcome = data.get("outcome")
        if (
            outcome
            and outcome != ReferenceOutcome.SATISFACTORY
            and not data.get("notes", "").strip()
        ):
            self.add_error("notes", "Enter notes on what the reference said")
        return data


class ChooseCourseForm(forms.Form):
    """Which course, and (optionally) which stage, to list the volunteers who still need it."""

    course = forms.ModelChoiceField(
        label="Course", queryset=TrainingCourse.objects.none(), empty_label="Choose a course",
        error_messages={"required": "Choose the course", "invalid_choice": "Choose the course"},
    )  # fmt: skip
    stage = forms.ChoiceField(
        label="Who to list", required=False,
        choices=[("", "Everyone who has not left"),
                 *[(s.value, f"At {s.label.lower()}") for s in Stage if s != Stage.LEFT]],
        error_messages={"invalid_choice": "Choose who to list"},
    )  # fmt: skip

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = organisation.training_courses.order_by("name")  # type: ignore[attr-defined]


def _needs_label(volunteer: Volunteer) -> str:
    """A volunteer in the attendance list: their name, stage and where they are with the course."""
    done: dt.date | None = getattr(volunteer, "last_completed", None)
    expires: dt.date | None = getattr(volunteer, "last_expires", None)
    if done is None:
        status = "not done yet"
    elif expires is not None and expires <= timezone.localdate():
        status = f"ran out on {local_date(expires)}"
    elif expires is not None:
        status = f"runs out on {local_date(expires)}"
    else:
        status = f"last done {local_date(done)}"
    return f"{volunteer.display_name} ({volunteer.get_stage_display().lower()}, {status})"


class _ChosenVolunteersField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Ticked volunteers; a value that is not even an id (a tampered form) gets the same plain
    message as any other choice that is not on the list."""

    def clean(self, value: Any) -> Any:
        try:
            return super().clean(value)
        except forms.ValidationError as error:
            if error.code in {"required", "invalid_choice", "invalid_pk_value", "invalid_list"}:
                raise
            raise forms.ValidationError(
                self.error_messages["invalid_pk_value"], code="invalid_pk_value"
            ) from error


class BulkTrainingForm(forms.Form):
    """Who attended one course on one day. `needing` is everyone who may be ticked (checked on
    POST); `shown` are those listed, at most a page of them."""

    completed_on = _date("Date of the course", "Enter the date of the course")
    volunteers = _ChosenVolunteersField(
        label="Who attended", queryset=Volunteer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="People who have not done it, or whose training has run out or runs out soon",
        error_messages={"required": "Choose who attended",
                        "invalid_choice": "Choose from the list: the course may have been recorded "
                                          "for someone since you opened this page",
                        "invalid_pk_value": "Choose from the list",
                        "invalid_list": "Choose from the list"},
    )  # fmt: skip

    def __init__(self, *args: Any, needing: Any, shown: list[Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["volunteers"]
        field.queryset = needing  # type: ignore[attr-defined]
        field.choices = [(str(v.pk), _needs_label(v)) for v in shown]  # type: ignore[attr-defined]

    def clean_completed_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data.get("completed_on"), "The date of the course")


class RoleAssignForm(forms.Form):
    role = forms.ModelChoiceField(
        label="Role", queryset=VolunteeringRole.objects.none(), widget=forms.RadioSelect,
        error_messages={"required": "Choose a role", "invalid_choice": "Choose a role"},
    )  # fmt: skip

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = organisation.volunteering_roles.order_by("name")  # type: ignore[attr-defined]


class RoleRemoveForm(forms.Form):
    role = forms.ModelChoiceField(
        label="Which role are they stopping?", queryset=VolunteeringRole.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a role", "invalid_choice": "Choose one of their roles"},
    )  # fmt: skip

    def __init__(self, *args: Any, volunteer: Volunteer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = volunteer.roles.order_by("name")  # type: ignore[attr-defined]


class RoleRequirementsForm(forms.Form):
    dbs_level = forms.ChoiceField(
        label="DBS check needed", widget=forms.RadioSelect,
        choices=[("", "None"), *DbsLevel.choices], required=False,
    )  # fmt: skip
    dbs_renewal_years = forms.IntegerField(
        label="Renew the DBS check every (years)", min_value=1, max_value=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-2", **OFF}),
        error_messages={
            "required": "Enter how often the DBS check is renewed, in years",
            "invalid": "Enter a number of years, like 3",
            "min_value": "Enter 1 year or more", "max_value": "Enter 10 years or fewer",
        },
    )  # fmt: skip
    courses = forms.ModelMultipleChoiceField(
        label="Training needed", queryset=TrainingCourse.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["courses"].queryset = organisation.training_courses.order_by("name")  # type: ignore[attr-defined]


class PersonSearchForm(forms.Form):
    """The first step of linking records: find their support record by name, postcode, phone
    number, NHS number or email address (people.selectors.people_of)."""

    q = forms.CharField(
        label="Search by name, postcode, phone number, NHS number or email address",
        required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )  # fmt: skip


class PersonLinkForm(forms.Form):
    """The second step: the record chosen from the search (a hidden field, checked against the
    organisation's current records by its id alone: no list of everyone is ever built)."""

    person = forms.ModelChoiceField(
        label="Their support record", queryset=Person.objects.none(), widget=forms.HiddenInput,
        error_messages={"required": "Choose their support record", "invalid_choice": "Choose their support record"},
    )  # fmt: skip
    consent_confirmed = forms.BooleanField(
        label="They have agreed to link their volunteer and support records",
        required=False,
    )

    def __init__(self, *args: Any, people: Any, volunteer: Volunteer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.volunteer = volunteer

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("consent_confirmed") or self.volunteer.consent_to_link):
            self.add_error("consent_confirmed", "Confirm that they agreed to link their records")
        return data


class UserLinkForm(forms.Form):
    user = forms.ModelChoiceField(
        label="Their sign-in", queryset=User.objects.none(), empty_label="Choose who they are",
        help_text="People with a volunteer or facilitator role here who have no volunteer record",
        error_messages={"required": "Choose their sign-in", "invalid_choice": "Choose their sign-in"},
    )  # fmt: skip

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users  # type: ignore[attr-defined]
        self.fields["user"].label_from_instance = lambda u: f"{u.full_name} ({u.email})"  # type: ignore[attr-defined]


class JourneyForm(forms.Form):
    step = forms.ChoiceField(
        label="What happened", choices=JourneyStep.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose a step on their journey"},
    )  # fmt: skip
    occurred_on = _date("When", "Enter when it happened")
    note = forms.CharField(label="Note (optional)", max_length=300, required=False)

    def clean_occurred_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data.get("occurred_on"), "The date")


class SupervisionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type of session", choices=SupervisionSession.Kind.choices, widget=forms.RadioSelect,
        initial=SupervisionSession.Kind.ONE_TO_ONE,
        error_messages={"required": "Choose one-to-one or group"},
    )  # fmt: skip
    volunteers = forms.ModelMultipleChoiceField(
        label="Who was supervised", queryset=Volunteer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who was supervised"},
    )  # fmt: skip
    held_on = _date("Date of the session", "Enter the date of the session")
    notes = forms.CharField(
        label="Brief notes (optional)", max_length=1000, required=False,
        help_text="Keep to what matters: themes, actions, any support agreed",
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def __init__(self, *args: Any, volunteers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteers"].queryset = volunteers  # type: ignore[attr-defined]

    def clean_held_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data.get("held_on"), "The date of the session")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = data.get("volunteers")
        if data.get("kind") == SupervisionSession.Kind.ONE_TO_ONE and chosen and len(chosen) > 1:
            self.add_error("volunteers", "A one-to-one session is with one volunteer")
        return data


class ProgrammeForm(forms.Form):
    hourly_value = forms.DecimalField(
        label="Value of an hour of volunteering, in pounds", min_value=Decimal("0.01"),
        max_value=Decimal("1000"), decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-5", **OFF}),
        error_messages={
            "required": "Enter the value of an hour of volunteering",
            "invalid": "Enter an amount in pounds, like 12.21",
            "min_value": "Enter an amount more than £0", "max_value": "Enter £1,000 or less",
            "max_decimal_places": "Enter pounds and pence, like 12.21",
        },
    )  # fmt: skip
    supervision_every_days = forms.IntegerField(
        label="Supervision is due every (days)", min_value=7, max_value=365,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-3", **OFF}),
        error_messages={
            "required": "Enter how often supervision is due, in days",
            "invalid": "Enter a number of days, like 31",
            "min_value": "Enter 7 days or more", "max_value": "Enter 365 days or fewer",
        },
    )  # fmt: skip
    references_needed = forms.IntegerField(
        label="Satisfactory references needed before the DBS check", min_value=1, max_value=5,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-2", **OFF}),
        error_messages={
            "required": "Enter how many satisfactory references a volunteer needs",
            "invalid": "Enter a number of references, like 2",
            "min_value": "Enter 1 reference or more", "max_value": "Enter 5 references or fewer",
        },
    )  # fmt: skip


# Volunteer self-service


class DetailsForm(forms.Form):
    phone = forms.CharField(
        label="Phone number", max_length=30, required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )  # fmt: skip
    email = forms.EmailField(
        label="Email address", required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )  # fmt: skip


class AvailabilityForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label="Day", choices=AvailabilityWindow.Weekday.choices, coerce=int,
        error_messages={"required": "Choose a day", "invalid_choice": "Choose a day"},
    )  # fmt: skip
    starts_at = forms.TimeField(
        label="From", help_text="For example, 09:30",
        widget=forms.TimeInput(attrs={"type": "time", **OFF}),
        error_messages={"required": "Enter a start time", "invalid": "Enter a start time, like 09:30"},
    )  # fmt: skip
    ends_at = forms.TimeField(
        label="To", help_text="For example, 12:00",
        widget=forms.TimeInput(attrs={"type": "time", **OFF}),
        error_messages={"required": "Enter an end time", "invalid": "Enter an end time, like 12:00"},
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", "The end time must be after the start time")
        return data


class HoursForm(forms.Form):
    worked_on = _date("Date", "Enter the date you volunteered")
    hours = forms.DecimalField(
        label="Hours", min_value=Decimal("0.25"), max_value=Decimal("24"), decimal_places=2,
        help_text="For example, 2 or 1.5",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-4", **OFF}),
        error_messages={
            "required": "Enter how many hours", "invalid": "Enter hours as a number, like 2 or 1.5",
            "min_value": "Enter at least a quarter of an hour (0.25)",
            "max_value": "Enter 24 hours or fewer",
            "max_decimal_places": "Enter hours as a number, like 2 or 1.5",
        },
    )  # fmt: skip
    description = forms.CharField(
        label="What you did (optional)", max_length=200, required=False,
        help_text="Do not include names of people you support",
    )  # fmt: skip

    def clean_worked_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data.get("worked_on"), "The date")

    def minutes(self) -> int:
        return int(self.cleaned_data["hours"] * 60)


class ExpenseForm(forms.Form):
    spent_on = _date("Date", "Enter the date you spent it")
    amount = forms.DecimalField(
        label="Amount, in pounds", min_value=Decimal("0.01"), max_value=Decimal("1000"),
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-5", **OFF}),
        error_messages={
            "required": "Enter the amount", "invalid": "Enter an amount in pounds, like 4.50",
            "min_value": "Enter an amount more than £0",
            "max_value": "Enter £1,000 or less, or talk to your coordinator",
            "max_decimal_places": "Enter pounds and pence, like 4.50",
        },
    )  # fmt: skip
    description = forms.CharField(
        label="What it was for", max_length=200, help_text="For example, bus fare to a visit",
        error_messages={"required": "Enter what the expense was for"},
    )  # fmt: skip

    def clean_spent_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data.get("spent_on"), "The date")


class SupportRequestForm(forms.Form):
    message = forms.CharField(
        label="What would help?", max_length=1000,
        help_text="Your coordinator will get in touch. If you are in crisis, call 111 or 999.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Tell us a little about what would help"},
    )  # fmt: skip


class CheckInForm(forms.Form):
    feeling = forms.TypedChoiceField(
        label="How are you finding it?", choices=WellbeingCheckIn.Feeling.choices[::-1],
        coerce=int, widget=forms.RadioSelect,
        error_messages={"required": "Choose how you are finding it"},
    )  # fmt: skip
    comment = forms.CharField(
        label="Anything you would like to tell us? (optional)", max_length=1000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
