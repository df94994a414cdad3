from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from kindred.people import identifiers
from kindred.people.models import ConsentKind, ContactMethod, Gender
from kindred.people.services import PersonDetails


class PostcodeField(forms.CharField):
    """A UK postcode, checked against the ONS data and normalised ("ls11ur" becomes "LS1 1UR").
    Every form that takes a postcode uses it, so that a mistyped one never reaches matching."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        text: str = super().clean(value)
        if not text.strip():
            return ""
        try:
            return identifiers.lookup(text).postcode
        except identifiers.PostcodeError as error:
            raise forms.ValidationError(str(error)) from error


class PersonForm(forms.Form):
    given_name = forms.CharField(
        label="First name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Enter their first name"},
    )
    family_name = forms.CharField(
        label="Last name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Enter their last name"},
    )
    preferred_name = forms.CharField(
        label="What they like to be called (optional)",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label="Date of birth (optional)",
        required=False,
        help_text="For example, 27 3 1950",
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "off"}),
        error_messages={"invalid": "Date of birth must be a real date"},
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        max_length=14,
        required=False,
        help_text="10 digits, for example 943 476 5919",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "class": "nhsuk-input--width-10"}
        ),
    )
    address = forms.CharField(
        label="Address (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )
    postcode = PostcodeField(
        label="Postcode (optional)",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "nhsuk-input--width-10"}),
    )
    phone = forms.CharField(
        label="Phone number (optional)",
        max_length=30,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "off", "class": "nhsuk-input--width-20"}
        ),
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )

    preferred_contact = forms.ChoiceField(
        label="How they prefer to be contacted",
        choices=ContactMethod.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    language = forms.CharField(
        label="Language they prefer (optional)",
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "nhsuk-input--width-20"}),
    )
    gender = forms.ChoiceField(
        label="Gender (optional)", choices=Gender.choices, required=False, widget=forms.RadioSelect
    )
    gender_described = forms.CharField(
        label="If they describe their gender another way, how (optional)",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    gp_practice_ods = forms.CharField(
        label="GP practice ODS code (optional)",
        max_length=12,
        required=False,
        help_text="For example, P84001",
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "nhsuk-input--width-10"}),
    )
    consent_contact = forms.BooleanField(label=str(ConsentKind.CONTACT.label), required=False)
    consent_share_with_referrer = forms.BooleanField(
        label=str(ConsentKind.SHARE_WITH_REFERRER.label), required=False
    )
    consent_evaluation = forms.BooleanField(label=str(ConsentKind.EVALUATION.label), required=False)

    def clean_nhs_number(self) -> str:
        value: str = self.cleaned_data.get("nhs_number", "")
        if not value.strip():
            return ""
        try:
            return identifiers.normalise_nhs_number(value)
        except identifiers.NhsNumberError as error:
            raise forms.ValidationError(str(error)) from error

    def clean_gp_practice_ods(self) -> str:
        value: str = self.cleaned_data.get("gp_practice_ods", "").strip().upper()
        if value and not (value.isalnum() and 3 <= len(value) <= 10):
            raise forms.ValidationError(
                "Enter an ODS code made of letters and numbers, like P84001"
            )
        return value

    def clean_date_of_birth(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("date_of_birth")
        if value is not None:
            if value > dt.date.today():
                raise forms.ValidationError("Date of birth must be in the past")
            if value.year < 1900:
                raise forms.ValidationError("Date of birth must be after 1900")
        return value

    def details(self) -> PersonDetails:
        """What the form says about the person, for people.services."""
        data = dict(self.cleaned_data)
        consents = {
            kind.value: bool(data.pop(f"consent_{kind.value}", False)) for kind in ConsentKind
        }
        return PersonDetails(**data, consents=consents)

    def service_arguments(self) -> dict[str, Any]:
        return {"details": self.details()}


class ConsentsForm(forms.Form):
    """What the person has said about each use of their data. Leaving one unanswered keeps it."""

    def __init__(self, *args: Any, current: dict[str, bool | None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in ConsentKind:
            answer = current.get(kind.value)
            self.fields[kind.value] = forms.ChoiceField(
                label=str(kind.label),
                choices=[("yes", "Yes"), ("no", "No")],
                required=False,
                initial="" if answer is None else ("yes" if answer else "no"),
                widget=forms.RadioSelect,
            )

    def answers(self) -> dict[str, bool]:
        return {
            kind: value == "yes"
            for kind, value in self.cleaned_data.items()
            if value in ("yes", "no")
        }
