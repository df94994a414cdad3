from __future__ import annotations

from django import forms


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

    def clean_practice_ods(self) -> str:
        value: str = self.cleaned_data.get("practice_ods", "").strip().upper()
        if value and not (value.isalnum() and 3 <= len(value) <= 10):
            raise forms.ValidationError(
                "Enter an ODS code made of letters and numbers, like P84001"
            )
        return value


class TokenRevokeForm(forms.Form):
    token_id = forms.UUIDField()
