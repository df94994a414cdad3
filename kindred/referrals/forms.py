"""The three referral forms: referrer's, coordinator's (both with the full person record) and the
public self-referral form (only what someone needs to tell us about themselves)."""

from __future__ import annotations

from typing import Any

from django import forms

from kindred.nhsuk_forms.dates import DateField, DatePartsWidget
from kindred.nhsuk_forms.honeypot import HoneypotForm
from kindred.people.forms import EARLIEST_BIRTH, PersonForm, PostcodeField
from kindred.people.models import ConsentKind, ContactMethod
from kindred.people.services import PersonDetails
from kindred.referrals.models import (
    URGENT_PRIORITIES,
    DeclineCategory,
    GpConcern,
    Outcome,
    Priority,
    Source,
    Status,
    Urgency,
    Wants,
)
from kindred.referrals.services import ReferralDetails

TEXT = {"autocomplete": "off"}


class ReferralForm(PersonForm):
    """A professional or coordinator referring someone."""

    source = forms.ChoiceField(
        label="Who is making this referral",
        choices=[(s.value, s.label) for s in Source if s != Source.SELF],
        widget=forms.RadioSelect,
        error_messages={"required": "Select who is making this referral"},
    )
    referrer_name = forms.CharField(
        label="Referrer's name", max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    referrer_role = forms.CharField(
        label="Referrer's job title (optional)",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )
    referrer_organisation = forms.CharField(
        label="Referrer's organisation or practice (optional)",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )
    referrer_ods_code = forms.CharField(
        label="Practice or organisation ODS code (optional)",
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "class": "nhsuk-input--width-10"}),
    )
    referrer_email = forms.EmailField(
        label="Referrer's email address, for updates (optional)",
        required=False,
        widget=forms.EmailInput(attrs=TEXT),
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    referrer_phone = forms.CharField(
        label="Referrer's phone number (optional)",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "type": "tel"}),
    )
    reason = forms.CharField(
        label="Why are you referring them",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter why you are referring them"},
    )
    wants = forms.ChoiceField(
        label="What kind of support they would like",
        choices=Wants.choices,
        initial=Wants.NOT_SURE,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of support they would like"},
    )
    priority = forms.ChoiceField(
        label="How urgent is this?",
        help_text=(
            "Coordinators see urgent referrals first, are told about them at once and aim to be "
            "in touch sooner. If someone is in danger now, call 999"
        ),
        choices=[
            (Priority.ROUTINE.value, Priority.ROUTINE.label),
            (Priority.URGENT.value, Priority.URGENT.label),
            (Priority.ASAP.value, Priority.ASAP.label),
        ],
        initial=Priority.ROUTINE,
        # Routine is ticked to start with; a form posted without it (an older page still open
        # in a browser) is routine, as before.
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select routine, urgent or as soon as possible"},
    )
    conditions = forms.CharField(
        label="Conditions that matter for matching (optional)",
        help_text="For example, COPD, stroke, bereavement",
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )
    lived_experience = forms.CharField(
        label="Experiences they would like a supporter to share (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_priority(self) -> str:
        return str(self.cleaned_data.get("priority") or Priority.ROUTINE)

    def referral_details(self) -> ReferralDetails:
        data = self.cleaned_data
        return ReferralDetails(
            source=data["source"],
            reason=data["reason"],
            wants=data["wants"],
            # The older "how soon" answer follows the priority (ADR-096).
            urgency=Urgency.URGENT if data["priority"] in URGENT_PRIORITIES else Urgency.ROUTINE,
            priority=data["priority"],
            conditions=data["conditions"],
            lived_experience=data["lived_experience"],
            referrer_name=data["referrer_name"],
            referrer_role=data["referrer_role"],
            referrer_organisation=data["referrer_organisation"],
            referrer_ods_code=data["referrer_ods_code"].strip().upper(),
            referrer_email=data["referrer_email"],
            referrer_phone=data["referrer_phone"],
        )

    def details(self) -> PersonDetails:
        referral_fields = set(ReferralForm.declared_fields) - set(PersonForm.declared_fields)
        saved = {name: self.cleaned_data.pop(name) for name in referral_fields}
        try:
            return super().details()
        finally:
            self.cleaned_data.update(saved)


class SelfReferralForm(HoneypotForm):
    """Someone referring themselves. Plain language; nothing about anyone else is ever shown."""

    given_name = forms.CharField(
        label="First name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": "Enter your first name"},
    )
    family_name = forms.CharField(
        label="Last name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": "Enter your last name"},
    )
    preferred_name = forms.CharField(
        label="What you like to be called (optional)",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    date_of_birth = DateField(
        label="Date of birth (optional)",
        subject="Date of birth",
        required=False,
        when="past",
        earliest=EARLIEST_BIRTH,
        help_text="For example, 27 3 1950",
        widget=DatePartsWidget(attrs={"autocomplete": "bday"}),
    )
    postcode = PostcodeField(
        label="Postcode",
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "class": "nhsuk-input--width-10"}
        ),
        error_messages={"required": "Enter your postcode"},
    )
    phone = forms.CharField(
        label="Phone number (optional)",
        max_length=30,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "class": "nhsuk-input--width-20"}
        ),
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    preferred_contact = forms.ChoiceField(
        label="How should we get in touch",
        choices=[c for c in ContactMethod.choices if c[0] != ContactMethod.POST],
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="What would you like help with",
        help_text="Tell us as much or as little as you like",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Tell us what you would like help with"},
    )
    wants = forms.ChoiceField(
        label="What kind of support would you like",
        choices=Wants.choices,
        initial=Wants.NOT_SURE,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of support you would like"},
    )
    consent_contact = forms.BooleanField(
        label="I agree to be contacted about peer support",
        error_messages={"required": "Tick the box to say we can contact you, so we can reply"},
    )
    consent_evaluation = forms.BooleanField(
        label="You can use my answers, without my name, to show whether peer support works (optional)",
        required=False,
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("phone") and not data.get("email") and not self.has_error("email"):
            self.add_error("phone", "Enter a phone number or an email address, so we can reply")
        return data

    def details(self) -> PersonDetails:
        data = self.cleaned_data
        return PersonDetails(
            given_name=data["given_name"],
            family_name=data["family_name"],
            preferred_name=data["preferred_name"],
            date_of_birth=data["date_of_birth"],
            postcode=data["postcode"],
            phone=data["phone"],
            email=data["email"],
            preferred_contact=data["preferred_contact"],
            consents={
                ConsentKind.CONTACT.value: True,
                ConsentKind.EVALUATION.value: bool(data["consent_evaluation"]),
            },
        )

    def referral_details(self) -> ReferralDetails:
        return ReferralDetails(
            source=Source.SELF, reason=self.cleaned_data["reason"], wants=self.cleaned_data["wants"]
        )


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *Status.choices]
    )
    source = forms.ChoiceField(
        label="Who referred", required=False, choices=[("", "Anyone"), *Source.choices]
    )
    overdue = forms.BooleanField(label="Only those past their first-contact date", required=False)

    def filters(self) -> dict[str, Any]:
        """The filters as `selectors.referrals_of` takes them (none while the form is not
        valid): the inbox and its CSV download (ADR-093) both read them from here."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "status": data.get("status", ""),
            "source": data.get("source", ""),
            "overdue": bool(data.get("overdue")),
        }


class DeclineForm(forms.Form):
    """Why a referral is declined, in the decliner's words, and where else to go (a network's
    front door declines with this)."""

    reason = forms.CharField(
        label="Why is it declined",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the referral is declined"},
    )
    signposted_to = forms.CharField(
        label="Another service you suggested (optional)",
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )


class ReferralDeclineForm(DeclineForm):
    """An organisation declines a referral: a category the referrer may be told, and the
    coordinator's own note, kept inside the organisation (ADR-098)."""

    category = forms.ChoiceField(
        label="Why is it declined",
        help_text="The referrer is told this, if the person agreed to updates going to them",
        choices=DeclineCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the referral is declined"},
    )
    reason = forms.CharField(
        label="Your note on why",
        help_text="Kept in your organisation: the referrer is not shown it",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the referral is declined"},
    )

    field_order = ["category", "reason", "signposted_to"]


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    note = forms.CharField(
        label="Anything to add (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label="Note (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GpConcernForm(forms.Form):
    noticed = forms.CharField(
        label="What did you notice",
        help_text="Describe what you saw or heard, not a diagnosis",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what you noticed"},
    )
    urgency = forms.ChoiceField(
        label="How soon should the practice know",
        choices=GpConcern.Urgency.choices,
        initial=GpConcern.Urgency.ROUTINE,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how soon the practice should know"},
    )


class ConfirmPersonForm(forms.Form):
    """A coordinator confirms who a referral is about, and which of what it said differently to
    copy onto the person's record. Nothing is copied unless ticked."""

    copy_details = forms.MultipleChoiceField(
        label="Copy these details from the referral onto their record (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    record_consents = forms.MultipleChoiceField(
        label="Record these consents the referral says they gave (optional)",
        help_text="Only if you have checked with them",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose only consents this referral records"},
    )

    def __init__(
        self,
        *args: Any,
        details: list[tuple[str, str]],
        consents: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["copy_details"].choices = details  # type: ignore[attr-defined]
        self.fields["record_consents"].choices = consents  # type: ignore[attr-defined]
        self.fields["copy_details"].error_messages["invalid_choice"] = (
            "Choose only details this referral gives differently"
        )
