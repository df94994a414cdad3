"""Forms for relationships: the caseload filters, introducing by hand, starting, pausing and
ending, the one-screen contact log, and concerns. Each says plainly what is wrong; the services
check again before saving."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from kindred.nhsuk_forms.dates import DateField
from kindred.relationships import selectors
from kindred.relationships.models import (
    NOTE_FOR_SUPPORTERS_MAX,
    ContactMode,
    ContactOutcome,
    EndReason,
    Feeling,
    Kind,
    Mode,
    NextStep,
    Outcome,
    Relationship,
    Status,
)
from kindred.safeguarding.forms import level_field
from kindred.safeguarding.models import Kind as ConcernKind
from kindred.volunteers.models import Volunteer

OFF = {"autocomplete": "off"}


class CaseloadFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("open", "Introduced, active or paused"), ("", "Any status"), *Status.choices],
    )
    quiet = forms.BooleanField(label="Only those gone quiet", required=False)
    review_due = forms.BooleanField(
        label=f"Only those with a review overdue or due in the next {selectors.REVIEW_SOON_DAYS} days",
        required=False,
    )
    worried = forms.BooleanField(
        label=f"Only those with a worry (a supporter worried in the last {selectors.WORRIED_DAYS} days, or a concern not yet answered)",
        required=False,
    )
    q = forms.CharField(
        label="Name of the person",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", **OFF}),
    )

    def filters(self) -> selectors.CaseloadFilter:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return selectors.CaseloadFilter(
            status=data.get("status", "") if "status" in self.data else "open",
            quiet=bool(data.get("quiet")),
            review_due=bool(data.get("review_due")),
            worried=bool(data.get("worried")),
            search=(data.get("q") or "").strip(),
        )


def _supporter_label(volunteer: Volunteer, load: int) -> str:
    if not load:
        return f"{volunteer.display_name} (supports nobody yet)"
    return f"{volunteer.display_name} (supports {load} {'person' if load == 1 else 'people'} now)"


class IntroduceForm(forms.Form):
    supporters = forms.MultipleChoiceField(
        label="Who will support them",
        help_text="Choose one, or two for a pair. Only volunteers whose checks and training are "
        "up to date are listed.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose one or two supporters"},
    )
    kind = forms.ChoiceField(
        label="What kind of support",
        choices=Kind.choices,
        initial=Kind.BEFRIENDING,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of support"},
    )
    rhythm_days = forms.IntegerField(
        label="How often they plan to be in touch, in days",
        help_text="For example, 14 for every two weeks",
        initial=14,
        min_value=1,
        max_value=92,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "nhsuk-input--width-3", **OFF}
        ),
        error_messages={
            "required": "Enter how many days apart contacts are planned",
            "invalid": "Enter a number of days, like 14",
            "min_value": "Enter at least 1 day",
            "max_value": "Enter 92 days or fewer",
        },
    )
    usual_mode = forms.ChoiceField(
        label="How they will usually meet",
        choices=Mode.choices,
        initial=Mode.VISIT,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they will usually meet"},
    )
    referral = forms.ChoiceField(label="The referral this support answers", required=False)
    note = forms.CharField(
        label="Note for the history (optional)",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs=OFF),
    )

    def __init__(
        self,
        *args: Any,
        volunteers: list[Volunteer],
        loads: dict[Any, int],
        referrals: list[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._volunteers = {str(v.pk): v for v in volunteers}
        self._referrals = {str(r.pk): r for r in referrals}
        self.fields["supporters"].choices = [  # type: ignore[attr-defined]
            (str(v.pk), _supporter_label(v, loads.get(v.pk, 0))) for v in volunteers
        ]
        self.fields["referral"].choices = [  # type: ignore[attr-defined]
            ("", "None"),
            *(
                (str(r.pk), f"Received {timezone.localdate(r.received_at):%d %B %Y}: "
                 f"{r.get_status_display().lower()}")
                for r in referrals
            ),
        ]  # fmt: skip
        if referrals:
            self.initial.setdefault("referral", str(referrals[0].pk))

    def clean_supporters(self) -> list[Volunteer]:
        chosen = self.cleaned_data.get("supporters") or []
        if len(chosen) > 2:
            raise forms.ValidationError("Choose no more than two supporters")
        return [self._volunteers[pk] for pk in chosen]

    def clean_referral(self) -> Any:
        chosen = self.cleaned_data.get("referral") or ""
        return self._referrals.get(chosen)


class MoveForm(forms.Form):
    """Start, pause or resume: the status the coordinator saw travels with the form."""

    expected = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    to = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=500, widget=forms.TextInput(attrs=OFF)
    )


class NoteForSupportersForm(forms.Form):
    """The note the person's supporters see before they meet them; the version the coordinator
    saw travels with the form."""

    based_on = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={"required": "Open the relationship again and change the note there"},
    )
    text = forms.CharField(
        label="Note for supporters",
        help_text=(
            "What the person's supporters should know before they meet, such as "
            '"hard of hearing: speak slowly". They see it on their My people page. Leave it '
            "empty to take the note away. Do not write anything here the person would not want "
            "their supporters to know."
        ),
        required=False,
        max_length=NOTE_FOR_SUPPORTERS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": f"The note must be {NOTE_FOR_SUPPORTERS_MAX} characters or fewer"
        },
    )


class EndForm(forms.Form):
    expected = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label="Why is it ending?",
        choices=EndReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the relationship is ending"},
    )
    outcome = forms.ChoiceField(
        label="How is the person now, compared with when support started?",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the person is now"},
    )
    next_step = forms.ChoiceField(
        label="What next step was offered to them?",
        choices=NextStep.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the next step offered"},
    )
    note = forms.CharField(
        label="Anything else to record (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ContactForm(forms.Form):
    """One screen, on a phone, in under 30 seconds: everything but the date and how it went has
    a sensible default or is optional."""

    happened_on = DateField(
        label="Date",
        subject="The date of the contact",
        when="today_or_past",
        error_messages={"required": "Enter the date of the contact"},
    )
    mode = forms.ChoiceField(
        label="How were you in touch?",
        choices=ContactMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you were in touch"},
    )
    outcome = forms.ChoiceField(
        label="Did it happen?",
        choices=ContactOutcome.choices,
        initial=ContactOutcome.HAPPENED,
        widget=forms.RadioSelect,
        help_text="Missed and cancelled contacts count too",
        error_messages={"required": "Choose whether it happened"},
    )
    feeling = forms.ChoiceField(
        label="How did it go?",
        help_text="If you are very worried, you can tell your coordinator next",
        choices=Feeling.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    duration_minutes = forms.IntegerField(
        label="How long, in minutes (optional)",
        required=False,
        min_value=1,
        max_value=12 * 60,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "nhsuk-input--width-3", **OFF}
        ),
        error_messages={
            "invalid": "Enter the length in minutes, like 45",
            "min_value": "Enter at least 1 minute",
            "max_value": "Enter 720 minutes (12 hours) or fewer",
        },
    )
    note = forms.CharField(
        label="Short note (optional)",
        help_text="What you did or talked about. Keep it short and factual.",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Keep the note to 500 characters or fewer"},
    )
    volunteer = forms.ChoiceField(label="Who was in touch", required=False)

    def __init__(
        self,
        *args: Any,
        relationship: Relationship,
        supporters: list[Volunteer] | None = None,
        **kwargs: Any,
    ) -> None:
        """`supporters` is given when a coordinator logs: they say which supporter it was (or
        that it was them). A supporter logging is always themselves."""
        super().__init__(*args, **kwargs)
        self.relationship = relationship
        self.initial.setdefault("happened_on", timezone.localdate())
        if relationship.usual_mode in ContactMode.values:
            self.initial.setdefault("mode", relationship.usual_mode)
        self._supporters = {str(v.pk): v for v in supporters or []}
        if supporters is None:
            del self.fields["volunteer"]
        else:
            self.fields["volunteer"].choices = [  # type: ignore[attr-defined]
                *((str(v.pk), v.display_name) for v in supporters),
                ("", "You (not one of their supporters)"),
            ]
            if supporters:
                self.initial.setdefault("volunteer", str(supporters[0].pk))

    def clean_volunteer(self) -> Volunteer | None:
        return self._supporters.get(self.cleaned_data.get("volunteer") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == ContactOutcome.HAPPENED and not data.get("feeling"):
            self.add_error("feeling", "Choose how it went")
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "happened_on": data["happened_on"],
            "mode": data["mode"],
            "outcome": data["outcome"],
            "duration_minutes": data.get("duration_minutes"),
            "note": data.get("note") or "",
            "feeling": data.get("feeling") or "",
        }


class ConcernForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of concern is it?",
        choices=[
            (ConcernKind.SAFEGUARDING.value, "A safeguarding concern"),
            (ConcernKind.CRISIS_FOLLOW_UP.value, "They need crisis follow-up"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of concern this is"},
    )
    level = level_field()
    detail = forms.CharField(
        label="What worries you?",
        help_text="What you saw or heard, in your own words, and when. Your safeguarding lead "
        "will read this.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say what worries you"},
    )


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="Search by name or postcode",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", **OFF}),
    )
