"""Turn Django bound fields into the parameters of NHS.UK design system components.

Templates call `{{ field(form.email) }}` from `nhsuk_forms/macros.jinja`; this module works out which
component a widget maps to and what its label, hint, value, items and error message are.
"""

from __future__ import annotations

from typing import Any

from django import forms

from kindred.nhsuk_forms.dates import PARTS, parts_in_error

# Django widget_type -> NHS.UK component
COMPONENT_FOR_WIDGET = {
    "text": "input",
    "email": "input",
    "password": "password",
    "number": "input",
    "tel": "input",
    "url": "input",
    "date": "input",
    "search": "input",
    "textarea": "textarea",
    "select": "select",
    "radioselect": "radios",
    "checkbox": "checkbox",
    "checkboxselectmultiple": "checkboxes",
    "dateparts": "date_input",
}


def _error(bound: forms.BoundField) -> dict[str, str] | None:
    return {"text": " ".join(str(e) for e in bound.errors)} if bound.errors else None


def _choices(bound: forms.BoundField, selected: set[str]) -> list[dict[str, Any]]:
    return [
        {
            "value": str(value),
            "text": str(label),
            "selected": str(value) in selected,
            "checked": str(value) in selected,
        }
        for value, label in bound.field.choices  # type: ignore[attr-defined]
    ]


def field(bound: forms.BoundField, **overrides: Any) -> dict[str, Any]:
    """Parameters for the NHS.UK macro that renders this field, and which macro to use."""
    widget = bound.field.widget
    component = COMPONENT_FOR_WIDGET.get(bound.widget_type, "input")
    value = bound.value()
    attrs = dict(widget.attrs)
    params: dict[str, Any] = {
        "id": bound.id_for_label or bound.html_name,
        "name": bound.html_name,
        "label": {"text": str(bound.label)},
        "errorMessage": _error(bound),
        "attributes": {k: v for k, v in attrs.items() if k not in {"autocomplete", "class"}},
    }
    if bound.help_text:
        params["hint"] = {"text": str(bound.help_text)}
    if attrs.get("autocomplete"):
        params["autocomplete"] = attrs["autocomplete"]
    if bound.field.required and component not in {"checkbox"}:
        params["attributes"]["required"] = True
    if component in {"input", "password"}:
        params["type"] = getattr(widget, "input_type", "text")
        if component == "password":
            params["type"] = "password"
        params["value"] = "" if value is None or component == "password" else str(value)
        if attrs.get("class"):
            params["classes"] = attrs["class"]
    elif component == "textarea":
        params["value"] = "" if value is None else str(value)
    elif component == "select":
        params["items"] = _choices(bound, {"" if value is None else str(value)})
    elif component in {"radios", "checkboxes"}:
        selected = {
            str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v is not None
        }
        params.pop("label")
        params["idPrefix"] = params.pop("id")
        params["fieldset"] = {"legend": {"text": str(bound.label), "size": "s"}}
        params["items"] = _choices(bound, selected)
    elif component == "date_input":
        params = _date_input(bound, params)
    elif component == "checkbox":
        params.pop("label")
        params["idPrefix"] = params.pop("id")
        params["items"] = [{"value": "on", "text": str(bound.label), "checked": bool(value)}]
        component = "checkboxes"
    params.update(overrides)
    return {"component": component, "params": params}


def _date_input(bound: forms.BoundField, params: dict[str, Any]) -> dict[str, Any]:
    """Three boxes in a fieldset whose legend is the label; the boxes in error are highlighted."""
    value = bound.value()
    if not isinstance(value, list | tuple):
        value = bound.field.widget.decompress(value)
    wrong = parts_in_error(bound)
    base = bound.auto_id or bound.html_name
    params.pop("id")
    params.pop("label")
    params["id"] = f"{base}-input"
    params["fieldset"] = {"legend": {"text": str(bound.label), "size": "s"}}
    required = params.pop("attributes").pop("required", False)
    params["items"] = [
        {
            "id": f"{base}_{part}",
            "name": f"{bound.html_name}_{part}",
            "label": part.capitalize(),
            "value": "" if part_value is None else str(part_value),
            "width": 4 if part == "year" else 2,
            "classes": "nhsuk-input--error" if part in wrong else "",
            "autocomplete": _autocomplete(bound, part),
            "attributes": {"required": True} if required else {},
        }
        for part, part_value in zip(PARTS, value, strict=False)
    ]
    params.pop("autocomplete", None)
    return params


def _autocomplete(bound: forms.BoundField, part: str) -> str | None:
    """A date of birth's boxes tell the browser which part of a birthday each one is."""
    if bound.field.widget.attrs.get("autocomplete") == "bday":
        return f"bday-{part}"
    return None


def error_summary_items(form: forms.Form) -> list[dict[str, str]]:
    """Links from the error summary to each field in error, in field order; form-wide errors first."""
    items = [{"text": str(e)} for e in form.non_field_errors()]
    for bound in form:
        if bound.errors:
            # The field's id, or (radios and checkboxes, which Django gives no id of their own)
            # its name: `field` makes that the idPrefix, which is the first item's id.
            target = bound.id_for_label or bound.html_name
            items.extend({"text": str(e), "href": f"#{target}"} for e in bound.errors)
    return items
