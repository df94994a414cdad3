"""The forms of merging two records of one person (ADR-090)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from kindred.people.models import Person


class MergeSearchForm(forms.Form):
    q = forms.CharField(
        label="Search by name or postcode",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


def record_label(person: Person) -> str:
    """Two records of one person often have the same name: say when each was added."""
    added = timezone.localdate(person.created_at)
    return f"{person.display_name}, added {added.day} {added:%B %Y}"


class SurvivorForm(forms.Form):
    """Which of the two records stays; the other is merged into it."""

    keep = forms.ChoiceField(
        label="Which record stays?",
        help_text="The other record is merged into it, and its link will open this one.",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose which record stays",
            "invalid_choice": "Choose which record stays",
        },
    )

    def __init__(self, *args: Any, people: tuple[Person, Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people
        self.fields["keep"].choices = [  # type: ignore[attr-defined]
            (str(p.pk), record_label(p)) for p in people
        ]

    def survivor_and_merged(self) -> tuple[Person, Person]:
        first, second = self.people
        if self.cleaned_data["keep"] == str(first.pk):
            return first, second
        return second, first


class ConfirmMergeForm(forms.Form):
    """When each record was last changed, as the confirm page showed it: a change since is
    caught (ChangedSinceYouLooked), never merged over."""

    keep = forms.UUIDField(widget=forms.HiddenInput)
    survivor_seen = forms.CharField(widget=forms.HiddenInput)
    merged_seen = forms.CharField(widget=forms.HiddenInput)

    @staticmethod
    def seen(value: str) -> dt.datetime | None:
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
