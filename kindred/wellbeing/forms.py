"""Forms for goals, progress reviews and crisis plans. Each says plainly what is wrong; the
services check again, under a lock, before saving."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone

from kindred.nhsuk_forms.dates import DateField
from kindred.relationships.models import Relationship
from kindred.wellbeing.models import (
    GOAL_MAX,
    PLAN_FIELD_MAX,
    PLAN_FIELDS,
    WHAT_NEXT_MAX,
    WORDS_MAX,
    Audience,
    CrisisPlanSharing,
    CrisisPlanVersion,
    Goal,
    GoalStatus,
    Progress,
)
from kindred.wellbeing.services import PlanContent, ProgressEntry, Sharing

OFF = {"autocomplete": "off"}
_OUT_OF_DATE = "This page was out of date. Open the plan again and make your change"
STALE = {"required": _OUT_OF_DATE, "invalid": _OUT_OF_DATE, "min_value": _OUT_OF_DATE}


def _date(label: str, required_message: str) -> DateField:
    """Typed in the NHS.UK date input's three boxes (day, month, year)."""
    return DateField(
        label=label,
        help_text="For example, 27 3 2026",
        error_messages={"required": required_message},
    )


def _not_future(value: dt.date, what: str) -> dt.date:
    if value > timezone.localdate():
        raise forms.ValidationError(f"{what} must be today or in the past")
    return value


def support_label(relationship: Relationship) -> str:
    supporters = ", ".join(
        link.volunteer.display_name for link in relationship.supporter_links.all()
    )
    return f"{relationship.get_kind_display()} with {supporters or 'no supporter'}"


class GoalForm(forms.Form):
    text = forms.CharField(
        label="Their goal, in their words",
        help_text="Write it as they said it, for example: get back to the allotment by spring",
        max_length=GOAL_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter their goal, in their words",
            "max_length": f"The goal must be {GOAL_MAX} characters or fewer",
        },
    )
    relationship = forms.ChoiceField(
        label="Is this goal part of their support from someone in particular?",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the supports listed"},
    )
    set_on = _date("Date the goal was set", "Enter the date the goal was set")

    def __init__(self, *args: Any, relationships: list[Relationship], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.relationships = {str(r.pk): r for r in relationships}
        field = self.fields["relationship"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            *((key, support_label(r)) for key, r in self.relationships.items()),
            ("", "No, it is their own goal"),
        ]

    def clean_set_on(self) -> dt.date:
        return _not_future(self.cleaned_data["set_on"], "The date the goal was set")

    def chosen_relationship(self) -> Relationship | None:
        return self.relationships.get(self.cleaned_data.get("relationship") or "")


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Where is this goal now?",
        choices=GoalStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the goal is now"},
    )
    note = forms.CharField(
        label="Anything to add (optional)",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=OFF),
        error_messages={"max_length": "Keep it to 200 characters or fewer"},
    )
    expected = forms.ChoiceField(choices=GoalStatus.choices, widget=forms.HiddenInput)


class ReviewForm(forms.Form):
    """When the review was held, then for each current goal how it is going as the person sees
    it and what they said, then what happens next. `goals` records which goals the form showed,
    so a goal added or closed meanwhile is noticed rather than missed."""

    held_on = _date("Date of the review", "Enter the date of the review")
    what_next = forms.CharField(
        label="What happens next",
        help_text="For example, new goals, more or less contact, or ending support",
        max_length=WHAT_NEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter what happens next",
            "max_length": f"What happens next must be {WHAT_NEXT_MAX} characters or fewer",
        },
    )
    goals = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, goals: list[Goal], started_on: dt.date | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.goal_list = goals
        self.started_on = started_on
        self.initial.setdefault("goals", ",".join(str(g.pk) for g in goals))
        self.initial.setdefault("held_on", timezone.localdate())
        for index, goal in enumerate(goals, 1):
            self.fields[f"rating_{goal.pk}"] = forms.TypedChoiceField(
                label=f"Goal {index}: how is it going, as they see it?",
                choices=Progress.choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose how goal {index} is going"},
            )
            self.fields[f"words_{goal.pk}"] = forms.CharField(
                label=f"Goal {index}: what they said about it (optional)",
                required=False,
                max_length=WORDS_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={
                    "max_length": f"What they said must be {WORDS_MAX} characters or fewer"
                },
            )

    def rows(self) -> list[tuple[Goal, forms.BoundField, forms.BoundField]]:
        return [(g, self[f"rating_{g.pk}"], self[f"words_{g.pk}"]) for g in self.goal_list]

    def clean_held_on(self) -> dt.date:
        held_on: dt.date = self.cleaned_data["held_on"]
        _not_future(held_on, "The date of the review")
        if self.started_on is not None and held_on < self.started_on:
            raise forms.ValidationError(
                "The date of the review must be on or after support started "
                f"({self.started_on.day} {self.started_on:%B %Y})"
            )
        return held_on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen = {part for part in (data.get("goals") or "").split(",") if part}
        if seen != {str(g.pk) for g in self.goal_list}:
            # Shown again with the goals as they are now, so the next save is based on them.
            data = QueryDict(mutable=True)
            data.update(self.data)
            data["goals"] = ",".join(str(g.pk) for g in self.goal_list)
            self.data = data
            raise forms.ValidationError(
                "Their goals changed while you were recording this review. Check each goal "
                "below and save again."
            )
        return data

    def entries(self) -> list[ProgressEntry]:
        return [
            ProgressEntry(
                goal_id=uuid.UUID(str(goal.pk)),
                rating=self.cleaned_data[f"rating_{goal.pk}"],
                in_their_words=self.cleaned_data[f"words_{goal.pk}"],
            )
            for goal in self.goal_list
        ]


def _audiences() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Who would they like to be able to see their plan?",
        help_text=(
            "Coordinators can always see it: they hold the record. Leave every box unticked if "
            "nobody else may see it. Select all that apply."
        ),
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def _own_decision() -> forms.BooleanField:
    """The coordinator confirms the choice is the person's own (ADR-098); kept with it."""
    return forms.BooleanField(
        label="This is the person's own decision, and I am recording what they told me",
        error_messages={"required": "Confirm that this is the person's own decision"},
    )


def sharing_from(audiences: list[str]) -> Sharing:
    chosen = set(audiences)
    return Sharing(
        supporters=Audience.SUPPORTERS in chosen,
        crisis_line=Audience.CRISIS_LINE in chosen,
        facilitators=Audience.FACILITATORS in chosen,
        gp=Audience.GP in chosen,
    )


class CrisisPlanForm(forms.Form):
    """The plan's six parts, the version it was based on and, for a new plan, who may see it."""

    based_on = forms.IntegerField(min_value=0, widget=forms.HiddenInput, error_messages=STALE)

    def __init__(self, *args: Any, new: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label, hint in PLAN_FIELDS:
            self.fields[name] = forms.CharField(
                label=label,
                help_text=hint,
                required=False,
                max_length=PLAN_FIELD_MAX,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                error_messages={
                    "max_length": f"{label} must be {PLAN_FIELD_MAX} characters or fewer"
                },
            )
        self.new = new
        if new:
            self.fields["audiences"] = _audiences()
            self.fields["own_decision"] = _own_decision()

    @staticmethod
    def initial_from(version: CrisisPlanVersion | None) -> dict[str, Any]:
        if version is None:
            return {"based_on": 0, "audiences": []}
        return {"based_on": version.number, **version.content()}

    def part_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _label, _hint in PLAN_FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any((data.get(name) or "").strip() for name, _l, _h in PLAN_FIELDS):
            raise forms.ValidationError("Write at least one part of the plan")
        return data

    def content(self) -> PlanContent:
        return PlanContent(**{name: self.cleaned_data[name] for name, _l, _h in PLAN_FIELDS})

    def sharing(self) -> Sharing | None:
        return sharing_from(self.cleaned_data["audiences"]) if self.new else None


class SharingForm(forms.Form):
    audiences = _audiences()
    own_decision = _own_decision()
    based_on = forms.IntegerField(min_value=0, widget=forms.HiddenInput, error_messages=STALE)

    @staticmethod
    def initial_from(current: CrisisPlanSharing | None) -> dict[str, Any]:
        if current is None:
            return {"based_on": 0, "audiences": []}
        return {"based_on": current.number, "audiences": current.audiences()}

    def sharing(self) -> Sharing:
        return sharing_from(self.cleaned_data["audiences"])
