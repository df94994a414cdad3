"""Forms for the crisis line's support requests. Each says plainly what is wrong; the services
check again (a request with no way to reach the person is refused there too)."""

from __future__ import annotations

from typing import Any

from django import forms

from kindred.nhsuk_forms.honeypot import HoneypotForm
from kindred.safeguarding.models import Level

YES_NO = [("yes", "Yes"), ("no", "No")]


class _RequestFields(forms.Form):
    name = forms.CharField(
        label="What should we call you?",
        help_text="Your first name, or a name you are happy for us to use.",
        max_length=200,
        error_messages={"required": "Enter what we should call you"},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    phone = forms.CharField(
        label="Phone number",
        help_text="We will call or text you on this number. For example, 07700 900 982.",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    email = forms.EmailField(
        label="Email address",
        help_text="If you would rather we emailed you.",
        max_length=254,
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    message = forms.CharField(
        label="What would you like to talk about? (optional)",
        help_text="Say as much or as little as you like.",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not cleaned.get("phone") and not cleaned.get("email"):
            self.add_error(
                "phone", "Give a phone number or an email address, so that someone can reach you"
            )
        return cleaned


class AskForm(_RequestFields, HoneypotForm):
    """The public "ask for support tonight" form."""


class LogForm(_RequestFields):
    """A supporter logs a call they took."""

    channel = forms.ChoiceField(
        label="How did they get in touch?",
        choices=[("call", "A phone call"), ("sms", "A text message")],
        widget=forms.RadioSelect,
        initial="call",
        error_messages={"required": "Choose how they got in touch"},
    )
    name = forms.CharField(
        label="Their name, or what they asked to be called",
        max_length=200,
        error_messages={"required": "Enter their name, or what they asked to be called"},
    )
    phone = forms.CharField(
        label="Their phone number",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    email = forms.EmailField(
        label="Their email address",
        max_length=254,
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    message = forms.CharField(
        label="What they said (optional)",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    field_order = ["channel", "name", "phone", "email", "message"]


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="Search for their record",
        help_text="Their name, NHS number or postcode. Nothing is linked until you choose a record.",
        max_length=100,
        required=False,
    )


class LinkForm(forms.Form):
    person = forms.UUIDField(
        error_messages={"required": "Choose their record", "invalid": "Choose their record"}
    )


class ConcernForm(forms.Form):
    level = forms.ChoiceField(
        label="How worried are you?",
        choices=[
            (Level.IMMEDIATE.value, "Immediate danger: someone is at risk of serious harm now"),
            (Level.HIGH.value, "High: they could come to serious harm soon"),
            (Level.MEDIUM.value, "Medium: something is wrong and needs looking at"),
            (Level.LOW.value, "Low: something does not feel right"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how worried you are"},
    )
    detail = forms.CharField(
        label="What did you see or hear?",
        help_text="In your own words: what was said, and what worries you.",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Say what you saw or heard"},
    )


class EscalateForm(forms.Form):
    note = forms.CharField(
        label="What should the professional know? (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseForm(forms.Form):
    outcome = forms.CharField(
        label="What happened?",
        help_text="What you talked about, what was agreed, and anything the next supporter should know.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say what happened"},
    )
    professional_help = forms.ChoiceField(
        label="Was professional help involved?",
        help_text="For example the professional on call, NHS 111, their crisis team, 999.",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether professional help was involved"},
    )
    hard_call = forms.ChoiceField(
        label="Was this a hard call for you?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether this was a hard call for you"},
    )


class SupervisionForm(forms.Form):
    note = forms.CharField(
        label="Anything you would like your coordinator to know? (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
