from __future__ import annotations

from typing import Any

from django import forms

from kindred.core.selectors import AuditSearch


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label="Who (email address contains)", required=False, max_length=254)
    action = forms.ChoiceField(label="What they did", required=False)
    record_id = forms.UUIDField(
        label="Record ID",
        required=False,
        error_messages={
            "invalid": "Record ID must be an ID like 0b5e6a1c-3f0e-4c8e-9a43-2c1d5b7e9f10"
        },
    )
    date_from = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "From must be a real date"},
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "To must be a real date"},
    )

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [("", "Anything"), *((a, a) for a in actions)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "To must be the same as or after From")
        return data

    def search(self) -> AuditSearch:
        data = self.cleaned_data
        return AuditSearch(
            actor=data.get("actor", "").strip(),
            action=data.get("action", ""),
            record_id=str(data["record_id"]) if data.get("record_id") else "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
