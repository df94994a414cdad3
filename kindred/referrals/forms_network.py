"""The network admin's form for sending a network referral on (ADR-092). Declining uses the
referral's own DeclineForm; the public form is the organisation's SelfReferralForm."""

from __future__ import annotations

from typing import Any

from django import forms


class RouteForm(forms.Form):
    organisation = forms.ChoiceField(
        label="Which organisation should it go to",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the organisation to send it to",
            "invalid_choice": "Choose one of the network's organisations",
        },
    )
    note = forms.CharField(
        label="Note for the organisation (optional)",
        help_text="Shown in the referral's history. Do not repeat what the referral says",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = choices  # type: ignore[attr-defined]
