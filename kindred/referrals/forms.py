"""The three referral forms: referrer's, coordinator's (both with the full person record) and the
public self-referral form (only what someone needs to tell us about themselves)."""

from __future__ import annotations

from typing import Any

from django import forms

from kindred.nhsuk_forms.honeypot import HoneypotForm
from kindred.people.forms import PersonForm, PostcodeField
from kindred.people.models import ConsentKind, ContactMethod
from kindred.people.services import PersonDetails
from kindred.referrals.models import GpConcern, Outcome, Source, Urgency, Wants
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
    urgency = forms.ChoiceField(
        label="How soon they need support",
        choices=Urgency.choices,
        initial=Urgency.ROUTINE,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how soon they need support"},
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

    def referral_details(self) -> ReferralDetails:
        data = self.cleaned_data
        return ReferralDetails(
            source=data["source"],
            reason=data["reason"],
            wants=data["wants"],
            urgency=data["urgency"],
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
    date_of_birth = forms.DateField(
        label="Date of birth (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
        error_messages={"invalid": "Date of birth must be a real date"},
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
    status = forms.ChoiceField(label="Status", required=False)
    source = forms.ChoiceField(label="Who referred", required=False)
    overdue = forms.BooleanField(label="Only those past their first-contact date", required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        from kindred.referrals.models import Status

        self.fields["status"].choices = [("", "Any status"), *Status.choices]  # type: ignore[attr-defined]
        self.fields["source"].choices = [("", "Anyone"), *Source.choices]  # type: ignore[attr-defined]


class DeclineForm(forms.Form):
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
