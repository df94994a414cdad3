"""The public search form: a GET form, so a search can be bookmarked and shared (the query string
is never logged, ADR-079). Every field is optional; a postcode we cannot find is a field error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms

from kindred.groups.published import ACCESS_FLAGS, GroupModel
from kindred.people import identifiers

METRES_PER_MILE = 1609.344
DISTANCES = [("1", "1 mile"), ("3", "3 miles"), ("5", "5 miles"), ("10", "10 miles"),
             ("25", "25 miles"), ("", "Any distance")]  # fmt: skip
DAYS = [("", "Any day")] + [
    (str(number), name)
    for number, name in enumerate(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    )
]
ACCESS_LABELS = {
    "step_free": "Step-free access",
    "hearing_loop": "Hearing loop",
    "accessible_toilet": "Accessible toilet",
    "parking": "Parking",
}


@dataclass(frozen=True)
class Choices:
    model: str
    weekday: int | None
    access: tuple[str, ...]
    postcode: identifiers.Postcode | None
    within_metres: float | None


class SearchForm(forms.Form):
    postcode = forms.CharField(
        label="Postcode",
        help_text="To see the groups nearest to you first, for example LS8 2JL",
        required=False,
        max_length=40,
        widget=forms.TextInput(
            attrs={"class": "nhsuk-input--width-10", "autocomplete": "postal-code"}
        ),
    )
    distance = forms.ChoiceField(label="Within", choices=DISTANCES, required=False, initial="10")
    model = forms.ChoiceField(
        label="Kind of group",
        choices=[("", "Any kind"), *GroupModel.choices],
        required=False,
    )
    day = forms.ChoiceField(label="Day", choices=DAYS, required=False)
    access = forms.MultipleChoiceField(
        label="Access you need",
        choices=[(flag, ACCESS_LABELS[flag]) for flag in ACCESS_FLAGS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model"].error_messages["invalid_choice"] = (
            "Choose a kind of group from the list"
        )
        self.fields["day"].error_messages["invalid_choice"] = "Choose a day from the list"
        self.fields["distance"].error_messages["invalid_choice"] = "Choose a distance from the list"
        self.fields["access"].error_messages["invalid_choice"] = "Choose access needs from the list"

    def clean_postcode(self) -> identifiers.Postcode | None:
        value = (self.cleaned_data.get("postcode") or "").strip()
        if not value:
            return None
        try:
            found = identifiers.lookup(value)
        except identifiers.PostcodeError as unknown:
            raise forms.ValidationError(str(unknown)) from unknown
        if found.easting is None or found.northing is None:
            raise forms.ValidationError(
                f"We cannot place {found.postcode} on a map. Try a nearby postcode"
            )
        return found

    def choices(self) -> Choices:
        data = self.cleaned_data
        miles = data.get("distance") or ""
        postcode = data.get("postcode")
        return Choices(
            model=data.get("model") or "",
            weekday=int(data["day"]) if data.get("day") else None,
            access=tuple(data.get("access") or ()),
            postcode=postcode,
            within_metres=float(miles) * METRES_PER_MILE if miles and postcode else None,
        )
