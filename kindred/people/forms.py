from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django import forms

from kindred.nhsuk_forms.dates import DateField
from kindred.people import identifiers
from kindred.people.models import ConsentKind, ContactMethod, Gender, Person
from kindred.people.services import PersonDetails, detail_text


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


#: Nobody Kindred supports was born before this.
EARLIEST_BIRTH = dt.date(1900, 1, 1)


class PersonChecks(forms.Form):
    """The checks of a person's details, for every form that takes some of them (adding someone,
    changing their details): each runs only for the fields the form has."""

    def clean_nhs_number(self) -> str:
        value: str = self.cleaned_data.get("nhs_number", "")
        if not value.strip():
            return ""
        try:
            return identifiers.normalise_nhs_number(value)
        except identifiers.NhsNumberError as error:
            raise forms.ValidationError(str(error)) from error

    def clean_gp_practice_ods(self) -> str:
        value: str = self.cleaned_data.get("gp_practice_ods", "")
        if not value.strip():
            return ""
        try:
            return identifiers.normalise_ods_code(value)
        except identifiers.OdsCodeError as error:
            raise forms.ValidationError(str(error)) from error


class PersonForm(PersonChecks):
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
    date_of_birth = DateField(
        label="Date of birth (optional)",
        subject="Date of birth",
        required=False,
        when="past",
        earliest=EARLIEST_BIRTH,
        help_text="For example, 27 3 1950",
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


@dataclass(frozen=True)
class ChangePart:
    """One group of details a coordinator changes on one page (ADR-089)."""

    slug: str
    title: str  # the page's heading: "Change their name"
    fields: tuple[str, ...]


CHANGE_PARTS = {
    part.slug: part
    for part in (
        ChangePart("name", "Their name", ("given_name", "family_name", "preferred_name")),
        ChangePart("date-of-birth", "Their date of birth", ("date_of_birth",)),
        ChangePart("nhs-number", "Their NHS number", ("nhs_number",)),
        ChangePart("address", "Their address", ("address", "postcode")),
        ChangePart("contact", "How to contact them", ("phone", "email", "preferred_contact")),
        ChangePart("language", "The language they prefer", ("language",)),
        ChangePart("gender", "Their gender", ("gender", "gender_described")),
        ChangePart("gp-practice", "Their GP practice", ("gp_practice_ods",)),
    )
}

#: The part of the person page's summary list each detail is changed on.
PART_OF_DETAIL = {name: part.slug for part in CHANGE_PARTS.values() for name in part.fields}

OUT_OF_DATE = "This page was out of date. Open the change page again from their record"


class PersonChangeForm(PersonChecks):
    """Some of a person's details (one ChangePart), with the fields and checks of PersonForm, and
    what the user saw of them when the page was opened (`seen`), so that a change someone else
    made meanwhile is not overwritten unseen."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, data: Any = None, *, person: Person, part: ChangePart) -> None:
        self.person = person
        self.part = part
        seen = {name: detail_text(getattr(person, name)) for name in part.fields}
        initial: dict[str, Any] = {name: getattr(person, name) for name in part.fields}
        initial["seen"] = json.dumps(seen, sort_keys=True)
        super().__init__(data, initial=initial)
        fields = {name: copy.deepcopy(PersonForm.base_fields[name]) for name in part.fields}
        self.fields = {**fields, "seen": self.fields["seen"]}

    def clean_seen(self) -> dict[str, str]:
        try:
            seen = json.loads(self.cleaned_data.get("seen") or "")
        except ValueError:
            seen = None
        if (
            not isinstance(seen, dict)
            or set(seen) != set(self.part.fields)
            or not all(isinstance(value, str) for value in seen.values())
        ):
            self.add_error(None, OUT_OF_DATE)  # about the page, not a field the user can fix
            return {}
        return seen

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.part.fields}

    def rebased(self, now: dict[str, str]) -> PersonChangeForm:
        """The same answers, now based on what the record says `now` (someone else changed it
        meanwhile): saving them again means the user has seen the newer details."""
        data = {key: self.data[key] for key in self.data}  # each of its fields has one value
        data["seen"] = json.dumps(now, sort_keys=True)
        return PersonChangeForm(data, person=self.person, part=self.part)
