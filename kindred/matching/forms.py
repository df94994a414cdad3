"""Forms coordinators use to say what matters in matching someone, and about a supporter."""

from __future__ import annotations

from typing import Any

from django import forms

from kindred.matching.models import (
    FREE_TIMES,
    SUPPORTERS_NEEDED,
    ConflictReason,
    GenderPreference,
    SupporterGender,
)
from kindred.matching.services import SupporterDetails, WaitingDetails
from kindred.relationships.models import Mode

OFF = {"autocomplete": "off"}


def _words(value: str, what: str) -> list[str]:
    """A comma-separated list, tidied: no blanks, no repeats, each short."""
    items: list[str] = []
    for raw in value.split(","):
        item = " ".join(raw.split())
        if not item:
            continue
        if len(item) > 60:
            raise forms.ValidationError(f"Each {what} must be 60 characters or fewer")
        if item.casefold() not in {i.casefold() for i in items}:
            items.append(item)
    if len(items) > 20:
        raise forms.ValidationError(f"Enter 20 {what}s or fewer")
    return items


class _ProfileForm(forms.Form):
    experiences = forms.MultipleChoiceField(
        label="Lived experience",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )
    interests = forms.CharField(
        label="Interests (optional)",
        required=False,
        max_length=600,
        help_text="Separate each with a comma, for example gardening, football, knitting",
        widget=forms.TextInput(attrs=OFF),
    )
    languages = forms.CharField(
        label="Languages they speak",
        required=False,
        max_length=300,
        help_text="Separate each with a comma, for example English, Urdu",
        widget=forms.TextInput(attrs=OFF),
    )
    modes = forms.MultipleChoiceField(
        label="Ways of meeting that suit them",
        choices=Mode.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one way of meeting"},
    )

    def __init__(self, *args: Any, experience_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["experiences"].choices = experience_choices  # type: ignore[attr-defined]

    def clean_interests(self) -> list[str]:
        return _words(self.cleaned_data["interests"], "interest")

    def clean_languages(self) -> list[str]:
        return _words(self.cleaned_data["languages"], "language")

    @staticmethod
    def initial_from(profile: Any) -> dict[str, Any]:
        if profile is None:
            return {}
        return {
            "experiences": profile.experiences,
            "interests": ", ".join(profile.interests),
            "languages": ", ".join(profile.languages),
            "modes": profile.modes,
        }


class WaitingProfileForm(_ProfileForm):
    supporters_needed = forms.TypedChoiceField(
        label="How many supporters do they need?",
        help_text="Some people are best supported by a pair of supporters working together",
        choices=SUPPORTERS_NEEDED,
        coerce=int,
        required=False,
        empty_value=None,
        initial=1,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select whether they need one supporter or a pair"},
    )
    gender_preference = forms.ChoiceField(
        label="Would they prefer a supporter of a particular gender?",
        choices=GenderPreference.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    free_times = forms.MultipleChoiceField(
        label="When are they usually free? (optional)",
        choices=FREE_TIMES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )

    def details(self) -> WaitingDetails:
        data = self.cleaned_data
        return WaitingDetails(
            free_times=data["free_times"],
            experiences=data["experiences"],
            interests=data["interests"],
            languages=data["languages"],
            modes=data["modes"],
            gender_preference=data["gender_preference"] or "",
            supporters_needed=data["supporters_needed"] or 1,  # not chosen: one supporter
        )

    def mark_from_referral(self, names: list[str]) -> None:
        """Say beside each field filled from the referral that it was, for the coordinator to
        confirm or change (ADR-097)."""
        for name in names:
            hint = self.fields[name].help_text
            self.fields[name].help_text = "From the referral: check this" + (
                f". {hint}" if hint else ""
            )

    @staticmethod
    def initial_from(profile: Any) -> dict[str, Any]:
        initial = _ProfileForm.initial_from(profile)
        if profile is not None:
            initial["gender_preference"] = profile.gender_preference
            initial["free_times"] = profile.free_times
            initial["supporters_needed"] = profile.supporters_needed
        return initial


class SupporterProfileForm(_ProfileForm):
    max_travel_km = forms.IntegerField(
        label="How far they can travel to meet someone, in kilometres",
        min_value=0,
        max_value=100,
        initial=5,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", **OFF}),
        error_messages={
            "required": "Enter how far they can travel, in kilometres",
            "invalid": "Distance must be a whole number of kilometres, like 5",
            "min_value": "Distance must be 0 kilometres or more",
            "max_value": "Distance must be 100 kilometres or fewer",
        },
    )
    gender = forms.ChoiceField(
        label="Their gender (optional)",
        choices=SupporterGender.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    capacity = forms.IntegerField(
        label="How many people they can support at once",
        min_value=0,
        max_value=20,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", **OFF}),
        error_messages={
            "required": "Enter how many people they can support at once",
            "invalid": "Enter a whole number, like 2",
            "min_value": "Number of people must be 0 or more",
            "max_value": "Number of people must be 20 or fewer",
        },
    )

    def details(self) -> SupporterDetails:
        data = self.cleaned_data
        return SupporterDetails(
            experiences=data["experiences"],
            interests=data["interests"],
            languages=data["languages"],
            modes=data["modes"],
            max_travel_km=data["max_travel_km"],
            gender=data["gender"] or "",
            capacity=data["capacity"],
        )

    def mark_from_referral(self, names: list[str]) -> None:
        """Say beside each field filled from the referral that it was, for the coordinator to
        confirm or change (ADR-097)."""
        for name in names:
            hint = self.fields[name].help_text
            self.fields[name].help_text = "From the referral: check this" + (
                f". {hint}" if hint else ""
            )

    @staticmethod
    def initial_from(profile: Any) -> dict[str, Any]:
        initial = _ProfileForm.initial_from(profile)
        if profile is not None:
            initial |= {
                "max_travel_km": profile.max_travel_km,
                "gender": profile.gender,
                "capacity": profile.capacity,
            }
        return initial


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Why is this match not right?",
        help_text="They will not be suggested for this person again",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why this match is not right",
            "max_length": "Reason must be 300 characters or fewer",
        },
    )


def _weight(label: str, hint: str) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        help_text=hint,
        min_value=0,
        max_value=10,
        widget=forms.TextInput(attrs={"inputmode": "decimal", **OFF}),
        error_messages={
            "required": f"Enter a weight for {label.lower()}",
            "invalid": f"Weight for {label.lower()} must be a number, like 0.3",
            "min_value": f"Weight for {label.lower()} must be 0 or more",
            "max_value": f"Weight for {label.lower()} must be 10 or less",
        },
    )


class WeightsForm(forms.Form):
    shared_experience = _weight("Shared lived experience", "Default 0.3")
    distance = _weight("Closeness, for face-to-face support", "Default 0.2")
    interests = _weight("Shared interests", "Default 0.1")
    availability = _weight("Free at the same times", "Default 0.1")
    waiting = _weight("Time waiting, so nobody waits forever", "Default 0.5")
    continuity = _weight("Same supporter as before", "Default 0.05")


class ConflictForm(forms.Form):
    volunteer = forms.ChoiceField(
        label="Supporter",
        error_messages={
            "required": "Select the supporter",
            "invalid_choice": "Select a supporter from the list",
        },
    )
    reason = forms.ChoiceField(
        label="Why must they never be matched?",
        choices=ConflictReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why they must never be matched"},
    )
    note = forms.CharField(
        label="Anything else (optional)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Note must be 300 characters or fewer"},
    )

    def __init__(self, *args: Any, supporters: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].choices = [("", "Choose a supporter"), *supporters]  # type: ignore[attr-defined]


class SharingForm(forms.Form):
    shares = forms.TypedChoiceField(
        label="Can your network's admins match your people and supporters across the network?",
        help_text=(
            "They would see the matching profiles of people waiting and supporters, and could "
            "introduce your people to supporters from other organisations that agree too"
        ),
        choices=[("yes", "Yes, share for matching"), ("no", "No, keep matching within us")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether to share for matching across the network",
            "invalid_choice": "Select whether to share for matching across the network",
        },
    )
