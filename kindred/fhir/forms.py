from __future__ import annotations

from django import forms

from kindred.accounts.models import REFERRALS_ONLY, Scope


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label="Name",
        help_text="Which system will use it, for example 'Brinnington Surgery EMIS'",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Enter a name for the token"},
    )
    practice_ods = forms.CharField(
        label="GP practice ODS code (optional)",
        help_text="If a GP practice will use it: it can then read concerns for that practice",
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "nhsuk-input--width-10"}),
    )

    scopes = forms.MultipleChoiceField(
        label="What it may do",
        help_text="A GP practice's token can only send referrals",
        choices=Scope.choices,
        initial=list(Scope.values),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_practice_ods(self) -> str:
        value: str = self.cleaned_data.get("practice_ods", "").strip().upper()
        if value and not (value.isalnum() and 3 <= len(value) <= 10):
            raise forms.ValidationError(
                "Enter an ODS code made of letters and numbers, like P84001"
            )
        return value

    def clean(self) -> dict[str, object]:
        cleaned: dict[str, object] = super().clean() or {}
        scopes = cleaned.get("scopes") or []
        assert isinstance(scopes, list)
        if cleaned.get("practice_ods") and set(scopes) - REFERRALS_ONLY:
            self.add_error("scopes", "A GP practice's token can only send referrals")
        elif not cleaned.get("practice_ods") and not scopes:
            self.add_error("scopes", "Choose at least one thing the token may do")
        # A practice's token with nothing ticked sends referrals (ADR-119).
        cleaned["scopes"] = scopes or None
        return cleaned


class TokenRevokeForm(forms.Form):
    token_id = forms.UUIDField()
