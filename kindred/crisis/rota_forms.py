"""Forms of the crisis line rota. Each says plainly what is wrong; the services check again,
under a lock, before saving."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

from django import forms

from kindred.crisis.models.rota import ShiftPattern, Weekday
from kindred.nhsuk_forms.dates import DateField

TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def parse_time(value: str, label: str) -> dt.time:
    found = TIME.match(value or "")
    if found is None:
        raise forms.ValidationError(f"Enter the {label} as hours and minutes, like 18:00")
    hours, minutes = int(found[1]), int(found[2])
    if hours > 23 or minutes > 59:
        raise forms.ValidationError(f"Enter the {label} as a real time, like 18:00")
    return dt.time(hours, minutes)


def _time_field(label: str, example: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=f"Use the 24-hour clock, for example {example}",
        max_length=5,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5", "autocomplete": "off"}),
        error_messages={"required": f"Enter the {label.lower()}"},
    )


class SettingsForm(forms.Form):
    supporters_wanted = forms.IntegerField(
        label="Supporters wanted on each shift", min_value=1, max_value=50,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
        error_messages={
            "required": "Enter how many supporters you want on each shift",
            "invalid": "Enter a whole number of supporters, like 8",
            "min_value": "Enter at least 1 supporter",
            "max_value": "Enter 50 supporters or fewer",
        },
    )  # fmt: skip
    max_shifts_a_week = forms.IntegerField(
        label="Most shifts a supporter does in a week", min_value=1, max_value=14,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
        error_messages={
            "required": "Enter the most shifts a supporter does in a week",
            "invalid": "Enter a whole number of shifts, like 3",
            "min_value": "Enter at least 1 shift",
            "max_value": "Enter 14 shifts or fewer",
        },
    )  # fmt: skip
    rest_hours_after_night = forms.IntegerField(
        label="Hours of rest after a night shift", min_value=0, max_value=48,
        help_text="No shift starts sooner than this after a supporter's night shift ends",
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
        error_messages={
            "required": "Enter the hours of rest after a night shift",
            "invalid": "Enter a whole number of hours, like 11",
            "min_value": "Enter 0 hours or more",
            "max_value": "Enter 48 hours or fewer",
        },
    )  # fmt: skip
    professional = forms.ChoiceField(
        label="Duty professional on call behind each new shift", required=False
    )

    def __init__(self, *args: Any, professionals: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.professionals = {str(p.pk): p for p in professionals}
        cast(forms.ChoiceField, self.fields["professional"]).choices = [("", "Nobody yet")] + [
            (str(p.pk), p.full_name or p.email) for p in professionals
        ]

    def clean_professional(self) -> Any:
        value = self.cleaned_data.get("professional") or ""
        return self.professionals.get(value)


class PatternForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label="Day the shift starts", choices=Weekday.choices, coerce=int,
        error_messages={"required": "Choose the day the shift starts"},
    )  # fmt: skip
    starts_at = _time_field("Start time", "18:00")
    ends_at = _time_field("End time", "08:00")

    def clean_starts_at(self) -> dt.time:
        return parse_time(self.cleaned_data["starts_at"], "start time")

    def clean_ends_at(self) -> dt.time:
        return parse_time(self.cleaned_data["ends_at"], "end time")


class RotaForm(forms.Form):
    month = DateField(
        label="Any day in the month the rota is for",
        help_text="For example, 1 3 2027",
    )

    def clean_month(self) -> dt.date:
        day: dt.date = self.cleaned_data["month"]
        return day.replace(day=1)


class AddSupporterForm(forms.Form):
    volunteer = forms.ChoiceField(
        label="Supporter", error_messages={"required": "Choose a supporter to add"}
    )

    def __init__(self, *args: Any, volunteers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.volunteers = {str(v.pk): v for v in volunteers}
        cast(forms.ChoiceField, self.fields["volunteer"]).choices = [("", "Choose a supporter")] + [
            (str(v.pk), v.display_name) for v in volunteers
        ]

    def clean_volunteer(self) -> Any:
        found = self.volunteers.get(self.cleaned_data["volunteer"])
        if found is None:
            raise forms.ValidationError("Choose a supporter to add")
        return found


class ProfessionalForm(forms.Form):
    professional = forms.ChoiceField(label="Duty professional on call", required=False)

    def __init__(self, *args: Any, professionals: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.professionals = {str(p.pk): p for p in professionals}
        cast(forms.ChoiceField, self.fields["professional"]).choices = [
            ("", "Nobody (flagged as a gap)")
        ] + [(str(p.pk), p.full_name or p.email) for p in professionals]

    def clean_professional(self) -> Any:
        return self.professionals.get(self.cleaned_data.get("professional") or "")


class ShiftAddForm(forms.Form):
    day = DateField(label="Day the shift starts")
    starts_at = _time_field("Start time", "18:00")
    ends_at = _time_field("End time", "08:00")

    def clean_starts_at(self) -> dt.time:
        return parse_time(self.cleaned_data["starts_at"], "start time")

    def clean_ends_at(self) -> dt.time:
        return parse_time(self.cleaned_data["ends_at"], "end time")


class AvailabilityForm(forms.Form):
    patterns = forms.MultipleChoiceField(
        label="The shifts you can usually do", required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every shift you could do most weeks. A night shift ends the next morning.",
    )  # fmt: skip

    def __init__(self, *args: Any, patterns: list[ShiftPattern], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["patterns"]).choices = [
            (str(p.pk), p.label) for p in patterns
        ]
