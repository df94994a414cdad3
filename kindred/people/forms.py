from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from kindred.people import identifiers


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
    postcode = forms.CharField(
        label="Postcode (optional)",
        max_length=10,
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

    def clean_date_of_birth(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("date_of_birth")
        if value is not None:
            if value > dt.date.today():
                raise forms.ValidationError("Date of birth must be in the past")
            if value.year < 1900:
                raise forms.ValidationError("Date of birth must be after 1900")
        return value

    def clean_postcode(self) -> str:
        value: str = self.cleaned_data.get("postcode", "")
        if not value.strip():
            return ""
        try:
            return identifiers.lookup(value).postcode
        except identifiers.PostcodeError as error:
            raise forms.ValidationError(str(error)) from error

    def service_arguments(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
