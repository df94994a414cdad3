"""The NHS.UK date input: a date typed as day, month and year in three boxes, with the error
messages the NHS.UK design system gives ("Date of birth must include a month", "... must be a real
date", "... must be in the past"). A browser's date picker is hard to use for a date of birth and
by screen readers; three boxes are what people know from every other NHS form."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.utils import timezone

PARTS = ("day", "month", "year")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class DatePartsWidget(forms.MultiWidget):
    """Three numeric boxes, named `<name>_day`, `<name>_month` and `<name>_year`."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        box = {"inputmode": "numeric"}
        super().__init__({part: forms.TextInput(attrs=box) for part in PARTS}, attrs)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str | None]:
        """The three boxes; or, from a page opened before this field had them (a form left open
        across an upgrade) or a client that sends one ISO date, that date split into them."""
        if not any(f"{name}_{part}" in data for part in PARTS) and data.get(name):
            found = ISO_DATE.match(str(data[name]).strip())
            if found is None:
                return [str(data[name])] * 3  # not a date: "must be a real date"
            year, month, day = found.groups()
            return [day, month, year]
        parts: list[str | None] = super().value_from_datadict(data, files, name)
        return parts

    def decompress(self, value: Any) -> list[str | None]:
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]

    def id_for_label(self, id_: str) -> str:
        # The error summary links to the first box, as the NHS.UK design system asks.
        return f"{id_}_day" if id_ else ""


def _today() -> dt.date:
    return timezone.localdate()


class DateField(forms.MultiValueField):
    """A date typed in three boxes. `when` limits it: "past", "today_or_past", "future" or
    "today_or_future". The messages name the field by `subject` (its label unless given, for a
    label such as "Date of birth (optional)"), as NHS.UK asks; `required` in error_messages
    overrides "Enter <subject>"."""

    widget = DatePartsWidget

    def __init__(
        self,
        *,
        when: str | None = None,
        earliest: dt.date | None = None,
        subject: str | None = None,
        today: Callable[[], dt.date] = _today,
        **kwargs: Any,
    ) -> None:
        if when not in {None, "past", "today_or_past", "future", "today_or_future"}:
            raise ValueError(f"unknown limit for a date: {when!r}")
        self.when = when
        self.earliest = earliest
        self.today = today
        self.subject = subject or str(kwargs.get("label") or "Date")
        kwargs["error_messages"] = {
            "required": f"Enter {self.subject[0].lower()}{self.subject[1:]}",
            **kwargs.get("error_messages", {}),
        }
        parts = tuple(forms.CharField(required=False) for _ in PARTS)
        super().__init__(fields=parts, require_all_fields=False, **kwargs)

    @property
    def _name(self) -> str:
        return self.subject

    def compress(self, data_list: list[str]) -> dt.date | None:
        if not data_list or not any(part.strip() for part in data_list):
            return None
        day, month, year = (part.strip() for part in data_list)
        missing = [name for name, part in zip(PARTS, (day, month, year), strict=True) if not part]
        if missing:
            raise forms.ValidationError(
                f"{self._name} must include a {' and '.join(missing)}", code="incomplete"
            )
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise forms.ValidationError(f"{self._name} must be a real date", code="invalid")
        if len(year) != 4:
            raise forms.ValidationError("Year must include 4 numbers", code="year")
        try:
            date = dt.date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(
                f"{self._name} must be a real date", code="invalid"
            ) from None
        self._check_limits(date)
        return date

    def _check_limits(self, date: dt.date) -> None:
        today = self.today()
        refused = {
            "past": (date >= today, "must be in the past"),
            "today_or_past": (date > today, "must be today or in the past"),
            "future": (date <= today, "must be in the future"),
            "today_or_future": (date < today, "must be today or in the future"),
        }
        if self.when is not None and refused[self.when][0]:
            raise forms.ValidationError(f"{self._name} {refused[self.when][1]}", code=self.when)
        if self.earliest is not None and date < self.earliest:
            raise forms.ValidationError(
                f"{self._name} must be {self.earliest.day} {self.earliest:%B %Y} or later",
                code="earliest",
            )


def parts_in_error(bound: forms.BoundField) -> set[str]:
    """Which boxes to highlight: the ones left empty or not numbers, or all three when the date
    as a whole is wrong (not a real date, or outside its limits)."""
    if not bound.errors:
        return set()
    value = bound.value()
    parts = value if isinstance(value, list | tuple) else [None, None, None]
    wrong = {
        name
        for name, part in zip(PARTS, parts, strict=False)
        if not str(part or "").strip() or not str(part).strip().isdigit()
    }
    if wrong and wrong != set(PARTS):
        return wrong
    return set(PARTS)
