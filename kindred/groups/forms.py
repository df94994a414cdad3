"""Forms for groups, venues, sessions and attendance. Each says plainly what is wrong; the
services check again, under a lock, before saving."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone

from kindred.accounts.models import User
from kindred.groups import schedule
from kindred.groups.models import (
    CAPACITY_MAX,
    HEADCOUNT_MAX,
    MISSED_DEFAULT,
    MISSED_MAX,
    NAME_MAX,
    OFFER_DAYS_DEFAULT,
    OFFER_DAYS_MAX,
    GroupMember,
    GroupModel,
    GroupRegular,
    Joining,
    Venue,
)
from kindred.groups.services import GroupDetails, VenueDetails
from kindred.nhsuk_forms.dates import DateField
from kindred.people import identifiers

TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
PATTERNS = [
    ("weekly", "Every week"),
    ("fortnightly", "Every other week"),
    ("nth", "On some weeks of the month, for example the 2nd and 4th Thursday"),
    ("monthly", "Once a month, on the same date"),
    ("once", "Once only"),
]
NTHS = [("1", "1st"), ("2", "2nd"), ("3", "3rd"), ("4", "4th"), ("-1", "Last")]


def _time(label: str, example: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=f"Use the 24-hour clock, for example {example}",
        max_length=5,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5", "autocomplete": "off"}),
        error_messages={"required": f"Enter the {label.lower()}"},
    )


def _parse_time(value: str, label: str) -> dt.time:
    found = TIME.match(value or "")
    if found is None:
        raise forms.ValidationError(f"Enter the {label} as hours and minutes, like 14:00")
    hours, minutes = int(found[1]), int(found[2])
    if hours > 23 or minutes > 59:
        raise forms.ValidationError(f"Enter the {label} as a real time, like 14:00")
    return dt.time(hours, minutes)


class VenueForm(forms.Form):
    name = forms.CharField(
        label="Name of the venue",
        max_length=NAME_MAX,
        error_messages={"required": "Enter the name of the venue"},
    )
    address = forms.CharField(
        label="Address",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Without the postcode",
        error_messages={"required": "Enter the venue's address"},
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        widget=forms.TextInput(
            attrs={"class": "nhsuk-input--width-10", "autocomplete": "postal-code"}
        ),
        error_messages={"required": "Enter the venue's postcode"},
    )
    step_free = forms.BooleanField(label="Step-free access", required=False)
    hearing_loop = forms.BooleanField(label="Hearing loop", required=False)
    accessible_toilet = forms.BooleanField(label="Accessible toilet", required=False)
    parking = forms.BooleanField(label="Parking", required=False)

    def clean_postcode(self) -> str:
        try:
            return identifiers.lookup(self.cleaned_data["postcode"]).postcode
        except identifiers.PostcodeError as unknown:
            raise forms.ValidationError(str(unknown)) from unknown

    def details(self) -> VenueDetails:
        return VenueDetails(**self.cleaned_data)

    @staticmethod
    def initial_for(venue: Venue) -> dict[str, Any]:
        return {
            name: getattr(venue, name)
            for name in ("name", "address", "postcode", "step_free", "hearing_loop",
                         "accessible_toilet", "parking")
        }  # fmt: skip


class GroupForm(forms.Form):
    name = forms.CharField(
        label="Name of the group",
        max_length=NAME_MAX,
        error_messages={"required": "Enter the name of the group"},
    )
    description = forms.CharField(
        label="What happens there",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what happens at the group"},
    )
    model = forms.ChoiceField(
        label="What kind of group is it?",
        choices=GroupModel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of group it is"},
    )
    venue = forms.ChoiceField(
        label="Where does it meet?",
        error_messages={
            "required": "Choose where the group meets",
            "invalid_choice": "Choose one of your organisation's venues",
        },
    )
    pattern = forms.ChoiceField(
        label="How often does it meet?",
        choices=PATTERNS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how often the group meets"},
    )
    nths = forms.MultipleChoiceField(
        label="Which weeks of the month? (if it meets on some weeks of the month)",
        choices=NTHS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    first_on = DateField(label="Date of the first session", help_text="For example, 8 1 2027")
    until = DateField(
        label="Date of the last session (optional)",
        subject="Date of the last session",
        required=False,
        help_text="Leave blank if it carries on",
    )
    starts = _time("Start time", "14:00")
    ends = _time("End time", "16:00")
    capacity = forms.IntegerField(
        label="Capacity (optional)",
        required=False,
        min_value=1,
        max_value=CAPACITY_MAX,
        help_text="The most people the group can take. Leave blank for no limit",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-4", "inputmode": "numeric"}),
        error_messages={
            "invalid": "Capacity must be a whole number, like 15",
            "min_value": "Capacity must be at least 1",
            "max_value": f"Capacity must be {CAPACITY_MAX} or fewer",
        },
    )
    joining = forms.ChoiceField(
        label="How do people join?",
        choices=Joining.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how people join"},
    )
    carers_welcome = forms.BooleanField(label="Carers are welcome", required=False)
    cost = forms.CharField(
        label="Cost",
        max_length=120,
        initial="Free",
        error_messages={"required": "Enter the cost, or Free"},
    )
    enquiries = forms.CharField(
        label="Contact for enquiries",
        max_length=200,
        help_text="A phone number or email address people can ask about the group",
        error_messages={"required": "Enter a contact for enquiries"},
    )
    peer_leaders = forms.MultipleChoiceField(
        label="Peer leaders (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose peer leaders from the people listed"},
    )
    professionals = forms.MultipleChoiceField(
        label="Professionals (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="A group with peer leaders and professionals is co-facilitated",
        error_messages={"invalid_choice": "Choose professionals from the people listed"},
    )
    published = forms.BooleanField(label="Publish it in the directory", required=False)
    missed_before_prompt = forms.IntegerField(
        label="Prompt the facilitators after how many missed sessions in a row?",
        help_text="For people who asked to be missed if they stop coming. Only sessions that "
        "took place, with attendance taken, count. Leave blank for 3",
        min_value=1,
        max_value=MISSED_MAX,
        initial=MISSED_DEFAULT,
        required=False,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-2", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter after how many missed sessions to prompt, like 3",
            "invalid": "Enter a whole number of sessions, like 3",
            "min_value": "Enter at least 1 session",
            "max_value": f"Enter {MISSED_MAX} sessions or fewer",
        },
    )
    offer_days = forms.IntegerField(
        label="Days to answer the offer of a place",
        help_text="When a place frees up, the next person waiting has this long to say yes. "
        "Leave blank for 7",
        min_value=1,
        max_value=OFFER_DAYS_MAX,
        initial=OFFER_DAYS_DEFAULT,
        required=False,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-2", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter how many days people have to answer, like 7",
            "invalid": "Enter a whole number of days, like 7",
            "min_value": "Enter at least 1 day",
            "max_value": f"Enter {OFFER_DAYS_MAX} days or fewer",
        },
    )
    duty_professional = forms.ChoiceField(
        label="The group's duty professional (optional)",
        required=False,
        help_text="Called when someone is in crisis at a session. If nobody is chosen, the "
        "organisation's duty professional is",
        error_messages={"invalid_choice": "Choose a duty professional from the list"},
    )

    def __init__(
        self,
        *args: Any,
        venues: list[Venue],
        people: list[User],
        duty: list[User] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.venues = {str(v.pk): v for v in venues}
        self.people = {str(u.pk): u for u in people}
        self.duty = {str(u.pk): u for u in duty or ()}
        self.fields["duty_professional"].choices = [  # type: ignore[attr-defined]
            ("", "The organisation's duty professional")
        ] + [(key, u.full_name or u.email) for key, u in self.duty.items()]
        self.fields["venue"].choices = [("", "Choose a venue")] + [  # type: ignore[attr-defined]
            (key, f"{v.name}, {v.postcode}") for key, v in self.venues.items()
        ]
        choices = [(key, u.full_name or u.email) for key, u in self.people.items()]
        self.fields["peer_leaders"].choices = choices  # type: ignore[attr-defined]
        self.fields["professionals"].choices = choices  # type: ignore[attr-defined]

    def clean_starts(self) -> dt.time:
        return _parse_time(self.cleaned_data["starts"], "start time")

    def clean_ends(self) -> dt.time:
        return _parse_time(self.cleaned_data["ends"], "end time")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts"), data.get("ends")
        if starts and ends and ends <= starts:
            self.add_error("ends", "The end time must be after the start time")
        if data.get("pattern") == "nth" and not data.get("nths"):
            self.add_error("nths", "Choose which weeks of the month the group meets")
        first, pattern = data.get("first_on"), data.get("pattern")
        if first and pattern and not self.errors:
            try:
                data["rule"] = schedule.build_rule(
                    pattern=pattern,
                    first=first,
                    nths=tuple(int(n) for n in data.get("nths") or ()),
                    until=data.get("until"),
                )
            except schedule.ScheduleError as bad:
                self.add_error("until" if data.get("until") else "pattern", str(bad))
            else:
                if starts and not schedule.has_any(rule=data["rule"], first=first, starts=starts):
                    self.add_error("pattern", "That schedule gives no sessions at all")
        overlap = set(data.get("peer_leaders") or ()) & set(data.get("professionals") or ())
        if overlap:
            self.add_error(
                "professionals", "Choose each person as a peer leader or a professional, not both"
            )
        return data

    def details(self) -> GroupDetails:
        data = self.cleaned_data
        return GroupDetails(
            name=data["name"], description=data["description"], model=data["model"],
            venue=self.venues[data["venue"]], rule=data["rule"], first_on=data["first_on"],
            starts=data["starts"], ends=data["ends"], capacity=data["capacity"],
            joining=data["joining"], carers_welcome=data["carers_welcome"], cost=data["cost"],
            enquiries=data["enquiries"], published=data["published"],
            peer_leaders=[self.people[k] for k in data["peer_leaders"]],
            professionals=[self.people[k] for k in data["professionals"]],
            missed_before_prompt=data["missed_before_prompt"] or MISSED_DEFAULT,
            offer_days=data["offer_days"] or OFFER_DAYS_DEFAULT,
            duty_professional=self.duty.get(data.get("duty_professional") or ""),
        )  # fmt: skip

    @staticmethod
    def initial_for(group: Any, facilitators: list[tuple[str, str]]) -> dict[str, Any]:
        pattern, nths, until = schedule.parse_choice(group.rule)
        return {
            "name": group.name, "description": group.description, "model": group.model,
            "venue": str(group.venue_id), "pattern": pattern, "nths": [str(n) for n in nths],
            "first_on": group.first_on, "until": until,
            "starts": f"{group.starts:%H:%M}", "ends": f"{group.ends:%H:%M}",
            "capacity": group.capacity, "joining": group.joining,
            "carers_welcome": group.carers_welcome, "cost": group.cost,
            "enquiries": group.enquiries, "published": group.published,
            "peer_leaders": [u for u, kind in facilitators if kind == "peer_leader"],
            "professionals": [u for u, kind in facilitators if kind == "professional"],
            "missed_before_prompt": group.missed_before_prompt, "offer_days": group.offer_days,
            "duty_professional": str(group.duty_professional_id or ""),
        }  # fmt: skip


class CancelForm(forms.Form):
    expected = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why is it cancelled?",
        max_length=500,
        help_text="For example, the hall is closed for repairs",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the session is cancelled"},
    )


class MoveForm(forms.Form):
    """Move one session: a new day and times (UK time), the same or another venue, and why."""

    expected = forms.CharField(widget=forms.HiddenInput)
    seen = forms.CharField(widget=forms.HiddenInput)
    starts_on = DateField(
        label="New date", subject="the new date", when="today_or_future",
        help_text="For example, 8 1 2027",
    )  # fmt: skip
    starts = _time("Start time", "14:00")
    ends = _time("End time", "16:00")
    venue = forms.ChoiceField(
        label="Where",
        error_messages={
            "required": "Choose where the session is",
            "invalid_choice": "Choose one of your organisation's venues",
        },
    )
    reason = forms.CharField(
        label="Why is it moved?",
        max_length=500,
        help_text="Members are told the new time, not the reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the session is moved"},
    )

    def __init__(self, *args: Any, venues: list[Venue], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.venues = {str(v.pk): v for v in venues}
        self.fields["venue"].choices = [  # type: ignore[attr-defined]
            (key, f"{v.name}, {v.postcode}") for key, v in self.venues.items()
        ]

    @staticmethod
    def initial_for(session: Any) -> dict[str, Any]:
        starts, ends = (
            timezone.localtime(session.starts_at, schedule.LONDON),
            timezone.localtime(session.ends_at, schedule.LONDON),
        )
        return {
            "expected": session.status, "seen": session.starts_at.isoformat(),
            "starts_on": starts.date(), "starts": f"{starts:%H:%M}", "ends": f"{ends:%H:%M}",
            "venue": str(session.venue_id),
        }  # fmt: skip

    def clean_starts(self) -> dt.time:
        return _parse_time(self.cleaned_data["starts"], "start time")

    def clean_ends(self) -> dt.time:
        return _parse_time(self.cleaned_data["ends"], "end time")

    def clean_seen(self) -> dt.datetime:
        try:
            return dt.datetime.fromisoformat(self.cleaned_data["seen"])
        except ValueError as bad:
            raise forms.ValidationError("Open the session again and try again") from bad

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, starts, ends = data.get("starts_on"), data.get("starts"), data.get("ends")
        if day and starts and ends:
            data["starts_at"] = _local(day, starts)
            data["ends_at"] = _local(day, ends)
            if data["starts_at"] is None:
                self.add_error("starts", "The clocks go forward then: that time does not exist")
            elif data["ends_at"] is None:
                self.add_error("ends", "The clocks go forward then: that time does not exist")
            elif ends <= starts:
                self.add_error("ends", "The end time must be after the start time")
        return data


def _local(day: dt.date, time: dt.time) -> dt.datetime | None:
    """That day and time in UK time, or None if the clocks skip it (the spring change)."""
    when = dt.datetime.combine(day, time, tzinfo=schedule.LONDON)
    back = when.astimezone(dt.UTC).astimezone(schedule.LONDON)
    return when if back.replace(tzinfo=None) == when.replace(tzinfo=None) else None


class AttendanceForm(forms.Form):
    expected = forms.CharField(widget=forms.HiddenInput)
    members = forms.MultipleChoiceField(
        label="Members who came",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the group's members"},
    )
    regulars = forms.MultipleChoiceField(
        label="Regulars who came",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the group's regulars"},
    )
    new_regulars = forms.CharField(
        label="Other regulars, by the name they go by (optional)",
        required=False,
        max_length=400,
        help_text="Separate names with commas, for example: Bev, Big Dave",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    headcount = forms.IntegerField(
        label="How many others came?",
        min_value=0,
        max_value=HEADCOUNT_MAX,
        initial=0,
        help_text="Everyone not ticked or named above",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter how many others came, or 0",
            "invalid": "The headcount must be a whole number, like 4",
            "min_value": "The headcount cannot be less than 0",
            "max_value": f"The headcount must be {HEADCOUNT_MAX} or fewer",
        },
    )

    def __init__(
        self, *args: Any, members: list[GroupMember], regulars: list[GroupRegular], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.member_choices = {str(m.pk): m for m in members}
        self.regular_choices = {str(r.pk): r for r in regulars}
        self.fields["members"].choices = [  # type: ignore[attr-defined]
            (k, m.person.display_name) for k, m in self.member_choices.items()
        ]
        self.fields["regulars"].choices = [  # type: ignore[attr-defined]
            (k, r.nickname) for k, r in self.regular_choices.items()
        ]

    def clean_new_regulars(self) -> list[str]:
        names = [n.strip() for n in self.cleaned_data["new_regulars"].split(",") if n.strip()]
        if any(len(n) > 40 for n in names):
            raise forms.ValidationError("Each name must be 40 characters or fewer")
        return names


class MemberForm(forms.Form):
    person = forms.ChoiceField(
        label="Who is joining?", error_messages={"required": "Choose who is joining"}
    )

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in people}
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            (k, f"{p.display_name}, {p.postcode}" if p.postcode else p.display_name)
            for k, p in self.people.items()
        ]


class RegularForm(forms.Form):
    nickname = forms.CharField(
        label="The name they go by",
        max_length=40,
        help_text="A first name or nickname only: nothing else about them is kept",
        error_messages={"required": "Enter the name they go by"},
    )


class LeaveForm(forms.Form):
    reason = forms.CharField(
        label="Why are they leaving?",
        max_length=500,
        help_text="For example, they have moved away, or feel ready to stop",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why they are leaving"},
    )


class AnswerForm(forms.Form):
    expected = forms.CharField(widget=forms.HiddenInput)
    answer = forms.ChoiceField(
        label="Did they take the place?",
        choices=[("yes", "Yes, they are joining"), ("no", "No, offer it to the next person")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether they took the place"},
    )


LEVELS = [
    ("high", "High (the usual choice)"),
    ("immediate", "Immediate danger"),
    ("medium", "Medium"),
    ("low", "Low"),
]


class PromptForm(forms.Form):
    expected = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label="Anything to add (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CrisisCallForm(forms.Form):
    who = forms.ChoiceField(
        label="Who is in crisis?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose who is in crisis",
            "invalid_choice": "Choose someone from this group",
        },
    )
    description = forms.CharField(
        label="If they are not listed, describe them",
        required=False,
        max_length=200,
        help_text="For example, a man in his 50s who came for the first time",
    )
    called = forms.CharField(
        label="Who was called?",
        max_length=300,
        help_text="For example, the crisis team upstairs, or 999",
        error_messages={"required": "Say who was called, for example the crisis team"},
    )
    detail = forms.CharField(
        label="What is happening?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what is happening, in your own words"},
    )
    level = forms.ChoiceField(
        label="How serious is it?",
        choices=LEVELS,
        initial="high",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how serious it is"},
    )

    def __init__(
        self, *args: Any, members: list[GroupMember], regulars: list[GroupRegular], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.member_choices = {f"m:{m.pk}": m for m in members}
        self.regular_choices = {f"r:{r.pk}": r for r in regulars}
        self.fields["who"].choices = (  # type: ignore[attr-defined]
            [(k, m.person.display_name) for k, m in self.member_choices.items()]
            + [(k, f"{r.nickname} (regular)") for k, r in self.regular_choices.items()]
            + [("other", "Someone not listed")]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("who") == "other" and not (data.get("description") or "").strip():
            self.add_error("description", "Describe the person in crisis, as they are not listed")
        return data
