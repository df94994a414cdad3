"""Django form fields rendered as NHS.UK design system components: labels, hint text, error
messages in the NHS.UK style (the message beside the field, and an error summary that links to
it), choices, and the honeypot the public forms use."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django import forms
from django.template import engines

from kindred.nhsuk_forms.honeypot import HoneypotForm
from kindred.nhsuk_forms.rendering import error_summary_items, field


class ExampleForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="We will only use this to reply to you",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "class": "nhsuk-input--width-20"}),
        error_messages={"required": "Enter your email address"},
    )
    password = forms.CharField(label="Password", widget=forms.PasswordInput)
    contact = forms.ChoiceField(
        label="How should we contact you?",
        choices=[("phone", "Phone"), ("letter", "Letter")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how we should contact you"},
    )
    team = forms.ChoiceField(label="Team", choices=[("", "Choose"), ("north", "North")])
    notes = forms.CharField(label="Anything else", required=False, widget=forms.Textarea)
    agree = forms.BooleanField(label="I agree", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("team") == "north" and data.get("contact") == "letter":
            raise forms.ValidationError("The north team cannot send letters")
        return data


def render(source: str, **context: Any) -> str:
    return engines["jinja2"].from_string(source).render(context)


def test_a_text_field_has_its_label_hint_value_autocomplete_and_width():
    form = ExampleForm({"email": "peggy@example.com"})
    spec = field(form["email"])
    assert spec["component"] == "input"
    params = spec["params"]
    assert (params["id"], params["name"], params["type"]) == ("id_email", "email", "email")
    assert params["label"] == {"text": "Email address"}
    assert params["hint"] == {"text": "We will only use this to reply to you"}
    assert params["value"] == "peggy@example.com"
    assert params["autocomplete"] == "email"
    assert params["classes"] == "nhsuk-input--width-20"
    # Autocomplete and class have their own parameters; the rest are the input's attributes.
    assert params["attributes"] == {"maxlength": "320", "required": True}
    assert params["errorMessage"] is None


def test_a_field_in_error_carries_its_message_as_nhsuk_expects():
    form = ExampleForm({"email": ""})
    assert not form.is_valid()
    assert field(form["email"])["params"]["errorMessage"] == {"text": "Enter your email address"}


def test_a_password_is_never_sent_back_to_the_browser():
    form = ExampleForm({"password": "correct horse"})
    spec = field(form["password"])
    assert spec["component"] == "password"
    assert (spec["params"]["type"], spec["params"]["value"]) == ("password", "")


def test_radios_are_a_fieldset_with_a_legend_and_the_chosen_item_checked():
    form = ExampleForm({"contact": "letter"})
    spec = field(form["contact"])
    assert spec["component"] == "radios"
    params = spec["params"]
    assert "label" not in params and "id" not in params
    # Django gives a group of radios no id of its own: the first radio gets the field's name.
    assert params["idPrefix"] == "contact"
    assert params["fieldset"] == {"legend": {"text": "How should we contact you?", "size": "s"}}
    assert [(i["value"], i["checked"]) for i in params["items"]] == [
        ("phone", False),
        ("letter", True),
    ]


def test_a_select_marks_the_chosen_option_and_a_single_checkbox_is_a_checkboxes_component():
    form = ExampleForm({"team": "north", "agree": "on"})
    select = field(form["team"])
    assert select["component"] == "select"
    assert [(i["value"], i["selected"]) for i in select["params"]["items"]] == [
        ("", False),
        ("north", True),
    ]
    agree = field(form["agree"])
    assert agree["component"] == "checkboxes"
    assert agree["params"]["items"] == [{"value": "on", "text": "I agree", "checked": True}]
    assert "required" not in agree["params"]["attributes"]


def test_overrides_replace_what_the_field_says():
    form = ExampleForm()
    params = field(form["notes"], label={"text": "Notes", "size": "m"}, rows=3)["params"]
    assert params["label"] == {"text": "Notes", "size": "m"} and params["rows"] == 3


def test_the_error_summary_lists_form_errors_first_then_each_field_in_order_with_a_link():
    form = ExampleForm({"email": "", "team": "north", "contact": "letter"})
    assert not form.is_valid()
    assert error_summary_items(form) == [
        {"text": "The north team cannot send letters"},
        {"text": "Enter your email address", "href": "#id_email"},
        {"text": "This field is required.", "href": "#id_password"},
    ]
    radios = ExampleForm({"email": "a@example.com", "password": "x", "team": "north"})
    assert not radios.is_valid()
    # A group of radios is linked to its first radio, which the macro gives the idPrefix as id.
    assert error_summary_items(radios) == [
        {"text": "Choose how we should contact you", "href": "#contact"}
    ]
    html = render(MACROS + "{{ field(form.contact) }}", form=radios)
    assert re.search(r'<input[^>]*id="contact"[^>]*value="phone"', html)


MACROS = '{% from "nhsuk_forms/macros.jinja" import field, error_summary, honeypot %}'


def test_the_macros_render_nhsuk_components_with_the_error_beside_the_field_and_summarised():
    form = ExampleForm({"email": ""})
    assert not form.is_valid()
    html = render(MACROS + "{{ error_summary(form) }}{{ field(form.email) }}", form=form)
    assert "nhsuk-error-summary" in html and "There is a problem" in html
    assert re.search(r'<a href="#id_email"[^>]*>\s*Enter your email address', html)
    assert "nhsuk-form-group--error" in html
    assert re.search(
        r'class="nhsuk-error-message"[^>]*>\s*<span class="nhsuk-u-visually-hidden">Error:'
        r"\s*</span>\s*Enter your email address",
        html,
    )
    assert re.search(r'class="nhsuk-hint"[^>]*>\s*We will only use this to reply to you', html)
    assert re.search(r'<input[^>]*class="nhsuk-input[^"]*nhsuk-input--error', html)
    assert 'aria-describedby="id_email-hint id_email-error"' in html


def test_a_form_without_errors_has_no_summary_and_no_error_message():
    form = ExampleForm(
        {"email": "peggy@example.com", "password": "x", "contact": "phone", "team": "north"}
    )
    assert form.is_valid()
    html = render(MACROS + "{{ error_summary(form) }}{{ field(form.email) }}", form=form)
    assert "nhsuk-error" not in html
    assert 'value="peggy@example.com"' in html


class EnquiryForm(HoneypotForm):
    name = forms.CharField(label="Your name")


def test_the_honeypot_is_hidden_from_people_and_out_of_the_tab_order():
    html = render(MACROS + "{{ honeypot(form) }}", form=EnquiryForm())
    assert re.search(r'<div class="nhsuk-u-visually-hidden" aria-hidden="true">', html)
    assert re.search(r'<input[^>]*name="website"', html)
    assert 'tabindex="-1"' in html and 'autocomplete="off"' in html
    assert "required" not in html


@pytest.mark.parametrize(("website", "robot"), [("", False), ("https://spam.example", True)])
def test_a_form_whose_honeypot_is_filled_in_is_a_robot(website, robot):
    form = EnquiryForm({"name": "Peggy", "website": website})
    assert form.is_valid()  # answered as if it worked: the robot learns nothing
    assert form.is_robot() is robot
