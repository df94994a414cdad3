"""Forms for outcomes. A questionnaire form is built from the measure's own items and options
(the pure `measures` module), so an answer outside an item's options is refused with a field
error naming the question; the service checks again before saving."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms

from kindred.nhsuk_forms.dates import DateField
from kindred.outcomes import measures
from kindred.outcomes.models import CollectionStatus, CostItem, CostKind, UseSource
from kindred.outcomes.services import UseFigures

USE_FIELDS = (
    ("gp_appointments", "GP appointments"),
    ("ae_attendances", "A&E attendances"),
    ("emergency_admissions", "Emergency admissions (staying in hospital overnight or longer)"),
    ("bed_days", "Nights spent in hospital"),
)


def questions(code: str) -> list[tuple[str, str, list[tuple[int, str]]]]:
    """(field name, question, [(value, label)]) of each item of a measure, in order."""
    instrument = measures.MEASURES[code]
    return [
        (
            f"{code}_{number}",
            str(item.text),
            [(int(option.value), str(option.label)) for option in item.options],
        )
        for number, item in enumerate(instrument.items, start=1)
    ]


class QuestionnaireForm(forms.Form):
    """Every item of every measure asked at a time point; healthcare use when `ask_use`."""

    def __init__(
        self, *args: Any, measure_codes: Sequence[str], ask_use: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.measure_codes = list(measure_codes)
        self.sections: list[tuple[str, str, list[str], str]] = []
        for code in self.measure_codes:
            instrument = measures.MEASURES[code]
            names = []
            for number, (name, text, options) in enumerate(questions(code), start=1):
                self.fields[name] = forms.TypedChoiceField(
                    label=f"{number}. {text}",
                    choices=[(str(value), label) for value, label in options],
                    coerce=int,
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": f"Answer question {number} of {instrument.short_title}",
                        "invalid_choice": (
                            f"Choose one of the answers given for question {number} of "
                            f"{instrument.short_title}"
                        ),
                    },
                )
                names.append(name)
            self.sections.append((code, str(instrument.short_title), names, instrument.preamble))
        self.ask_use = ask_use
        if ask_use:
            for name, label in USE_FIELDS:
                self.fields[name] = forms.IntegerField(
                    label=label,
                    required=False,
                    min_value=0,
                    max_value=92,
                    widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4"}),
                    error_messages={
                        "invalid": "Enter a whole number, like 2",
                        "min_value": "Enter 0 or more",
                        "max_value": "Enter a number up to 92 (3 months)",
                    },
                )
            self.fields["source"] = forms.ChoiceField(
                label="Who told us about healthcare use?",
                choices=UseSource.choices,
                initial=UseSource.SELF,
                widget=forms.RadioSelect,
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.ask_use:
            given = [data.get(name) for name, _label in USE_FIELDS]
            if any(v is not None for v in given) and any(v is None for v in given):
                for name, _label in USE_FIELDS:
                    if data.get(name) is None and name not in self.errors:
                        self.add_error(name, "Enter a number, or 0 if none")
        return data

    def answers(self) -> dict[str, list[int]]:
        return {
            code: [self.cleaned_data[name] for name in names]
            for code, _title, names, _preamble in self.sections
        }

    def use(self) -> UseFigures | None:
        if not self.ask_use:
            return None
        data = self.cleaned_data
        if any(data.get(name) is None for name, _label in USE_FIELDS):
            return None
        return UseFigures(
            gp_appointments=data["gp_appointments"],
            ae_attendances=data["ae_attendances"],
            emergency_admissions=data["emergency_admissions"],
            bed_days=data["bed_days"],
            source=data.get("source") or UseSource.SELF,
        )


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label="Why was it not completed?",
        choices=[
            (CollectionStatus.DECLINED.value, CollectionStatus.DECLINED.label),
            (CollectionStatus.COULD_NOT_CONTACT.value, CollectionStatus.COULD_NOT_CONTACT.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why it was not completed"},
    )


class UseForm(forms.Form):
    """Healthcare use on its own (from the referrer, for instance)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in USE_FIELDS:
            self.fields[name] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=92,
                widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4"}),
                error_messages={
                    "required": "Enter a number, or 0 if none",
                    "invalid": "Enter a whole number, like 2",
                    "min_value": "Enter 0 or more",
                    "max_value": "Enter a number up to 92 (3 months)",
                },
            )
        self.fields["source"] = forms.ChoiceField(
            label="Who told us?",
            choices=UseSource.choices,
            widget=forms.RadioSelect,
            error_messages={"required": "Choose who told us"},
        )

    def figures(self) -> UseFigures:
        data = self.cleaned_data
        return UseFigures(
            gp_appointments=data["gp_appointments"],
            ae_attendances=data["ae_attendances"],
            emergency_admissions=data["emergency_admissions"],
            bed_days=data["bed_days"],
            source=data["source"],
        )


class UnitCostForm(forms.Form):
    item = forms.ChoiceField(
        label="Cost of",
        choices=CostItem.choices,
        error_messages={"required": "Choose what the cost is of"},
    )
    value = forms.DecimalField(
        label="Cost in pounds",
        min_value=0,
        max_digits=10,
        decimal_places=2,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "inputmode": "decimal"}),
        error_messages={
            "required": "Enter the cost in pounds",
            "invalid": "Enter the cost in pounds, like 42.50",
            "min_value": "Enter a cost of 0 or more",
        },
    )
    year = forms.CharField(
        label="Price year",
        help_text="For example, 2023/24",
        max_length=9,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10"}),
        error_messages={"required": "Enter the price year, like 2023/24"},
    )
    source = forms.CharField(
        label="Source",
        help_text="Where the figure comes from, for example PSSRU Unit Costs of Health and "
        "Social Care 2023",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter where the cost comes from"},
    )


class ServiceCostForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of cost",
        choices=CostKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose staff, expenses or overheads"},
    )
    starts_on = DateField(label="From", error_messages={"required": "Enter the first day"})
    ends_on = DateField(label="To", error_messages={"required": "Enter the last day"})
    amount = forms.DecimalField(
        label="Amount in pounds",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "inputmode": "decimal"}),
        error_messages={
            "required": "Enter the amount in pounds",
            "invalid": "Enter the amount in pounds, like 1200.00",
            "min_value": "Enter an amount of 0 or more",
        },
    )
    note = forms.CharField(label="Note (optional)", max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if isinstance(starts, dt.date) and isinstance(ends, dt.date) and ends < starts:
            self.add_error("ends_on", "The last day must be on or after the first day")
        return data


class ReportForm(forms.Form):
    quarter = forms.ChoiceField(label="Quarter")
    organisation = forms.ChoiceField(label="Organisation", required=False)

    def __init__(
        self,
        *args: Any,
        quarters: Sequence[tuple[str, str]],
        organisations: Sequence[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = list(quarters)  # type: ignore[attr-defined]
        self.fields["quarter"].error_messages["invalid_choice"] = "Choose a quarter from the list"
        self.fields["organisation"].choices = list(organisations)  # type: ignore[attr-defined]
        self.fields["organisation"].error_messages["invalid_choice"] = (
            "Choose an organisation from the list"
        )


class SettingsForm(forms.Form):
    """Which questionnaires the organisation asks, and when after the baseline it asks again."""

    measures = forms.MultipleChoiceField(
        label="Questionnaires to ask",
        choices=[(code, m.title) for code, m in measures.MEASURES.items()],
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. Each is asked at the baseline and at every follow-up.",
        error_messages={"required": "Select at least one questionnaire"},
    )
    follow_up_months = forms.TypedMultipleChoiceField(
        label="Follow-ups after the baseline",
        choices=[(3, "3 months"), (6, "6 months"), (12, "12 months")],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. With none, only the baseline is asked.",
    )
