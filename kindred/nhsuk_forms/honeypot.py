"""A field people never see and robots fill in, for the public forms that need no sign-in.

Render it with `{{ honeypot(form) }}` from nhsuk_forms/macros.jinja; a form whose `is_robot()` is
true is answered as if it had worked, and nothing is saved."""

from __future__ import annotations

from django import forms


class HoneypotForm(forms.Form):
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_robot(self) -> bool:
        return bool(self.data.get("website"))
