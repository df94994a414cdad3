"""Turn Django bound fields into the parameters of NHS.UK design system components.

Templates call `{{ field(form.email) }}` from `nhsuk_forms/macros.jinja`; this module works out which
component a widget maps to and what its label, hint, value, items and error message are.
"""

from __future__ import annotations

from typing import Any

from django import forms

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
    elif component == "checkbox":
        params.pop("label")
        params["idPrefix"] = params.pop("id")
        params["items"] = [{"value": "on", "text": str(bound.label), "checked": bool(value)}]
        component = "checkboxes"
    params.update(overrides)
    return {"component": component, "params": params}


def error_summary_items(form: forms.Form) -> list[dict[str, str]]:
    """Links from the error summary to each field in error, in field order; form-wide errors first."""
    items = [{"text": str(e)} for e in form.non_field_errors()]
    for bound in form:
        if bound.errors:
            target = bound.id_for_label or bound.html_name
            if COMPONENT_FOR_WIDGET.get(bound.widget_type) in {"radios", "checkboxes", "checkbox"}:
                target = f"{bound.id_for_label or bound.html_name}"
            items.extend({"text": str(e), "href": f"#{target}"} for e in bound.errors)
    return items
