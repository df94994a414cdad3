"""Forms for safeguarding. Each says plainly what is wrong; the services check again."""

from __future__ import annotations

from typing import Any

from django import forms

from kindred.accounts.models import User
from kindred.nhsuk_forms.dates import DateField
from kindred.safeguarding.models import RECORDED_BY_HAND, EntryKind, Level

LEVEL_CHOICES = [
    (Level.IMMEDIATE.value, "Immediate danger: someone is at risk of serious harm now"),
    (Level.HIGH.value, "High: they could come to serious harm soon"),
    (Level.MEDIUM.value, "Medium: something is wrong and needs looking at"),
    (Level.LOW.value, "Low: something does not feel right"),
]


def level_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="How worried are you?",
        choices=LEVEL_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how worried you are",
            "invalid_choice": "Choose how worried you are: low, medium, high or immediate danger",
        },
    )


def detail_field() -> forms.CharField:
    return forms.CharField(
        label="What did you see or hear?",
        help_text="In your own words: what happened, what was said, and who was there.",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Say what you saw or heard, in your own words"},
    )


class RaiseForm(forms.Form):
    about = forms.CharField(
        label="Who is it about?",
        help_text="Their name, or a description if you do not know it (for example, the "
        "regular in the red coat at the Tuesday group).",
        max_length=300,
        required=False,
    )
    level = level_field()
    detail = detail_field()
    happened_on = DateField(
        label="When did it happen?",
        when="today_or_past",
        help_text="Leave this blank if it was today.",
        required=False,
    )

    def __init__(self, *args: Any, about_person: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if about_person:
            del self.fields["about"]
        else:
            self.fields["about"].required = True
            self.fields["about"].error_messages["required"] = (
                "Say who the concern is about: a name or a description if they have no record"
            )


class NoteForm(forms.Form):
    note = forms.CharField(
        label="What will the enquiry look into, and who will do it?",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what the enquiry will look into"},
    )


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you recording?",
        choices=[(k.value, k.label) for k in RECORDED_BY_HAND],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you are recording"},
    )
    text = forms.CharField(
        label="What was done or decided?",
        help_text="For a referral or a call: who you spoke to, when, and what they said.",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say what was done or decided"},
    )

    def __init__(self, *args: Any, correcting: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if correcting:
            del self.fields["kind"]
            self.fields["text"].label = "What is the correction?"
            self.fields["text"].error_messages["required"] = "Say what the correction is"


class CloseForm(forms.Form):
    outcome = forms.CharField(
        label="What was the outcome?",
        help_text="What was found, what was done, and what happens next for the person.",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say what the outcome was"},
    )


class LinkSearchForm(forms.Form):
    q = forms.CharField(
        label="Search for their record by name or postcode", max_length=100, required=False
    )


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.email})"


class ArrangementsForm(forms.Form):
    lead = UserChoiceField(
        label="Safeguarding lead", queryset=User.objects.none(), required=False,
        empty_label="Nobody named",
    )  # fmt: skip
    deputy = UserChoiceField(
        label="Deputy safeguarding lead", queryset=User.objects.none(), required=False,
        empty_label="Nobody named",
    )  # fmt: skip
    lead_away_from = DateField(label="The lead is away from", required=False)
    lead_away_until = DateField(label="The lead is back after", required=False)
    duty_professional = UserChoiceField(
        label="Duty professional", queryset=User.objects.none(), required=False,
        empty_label="Nobody named",
    )  # fmt: skip
    immediate_minutes = forms.IntegerField(
        label="Immediate danger: acknowledged within (minutes)", min_value=1, max_value=60,
    )  # fmt: skip
    high_minutes = forms.IntegerField(
        label="High: acknowledged within (minutes)", min_value=1, max_value=24 * 60
    )
    medium_working_days = forms.IntegerField(
        label="Medium: acknowledged within (working days)", min_value=1, max_value=10
    )
    low_working_days = forms.IntegerField(
        label="Low: acknowledged within (working days)", min_value=1, max_value=20
    )
    coordinators_see_detail = forms.BooleanField(
        label="Coordinators see what concerns say, not only a summary", required=False
    )

    def __init__(self, *args: Any, leads: Any, duty: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = leads  # type: ignore[attr-defined]
        self.fields["deputy"].queryset = leads  # type: ignore[attr-defined]
        self.fields["duty_professional"].queryset = duty  # type: ignore[attr-defined]


ENTRY_LABELS = {k.value: k.label for k in EntryKind}
