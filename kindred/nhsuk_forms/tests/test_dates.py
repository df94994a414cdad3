"""The NHS.UK date input: three boxes, the NHS.UK error messages, and the boxes in error
highlighted."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django import forms
from django.template import engines

from kindred.nhsuk_forms.dates import DateField
from kindred.nhsuk_forms.rendering import error_summary_items, field

TODAY = dt.date(2026, 12, 6)


class BirthForm(forms.Form):
    date_of_birth = DateField(
        label="Date of birth", when="past", earliest=dt.date(1900, 1, 1), today=lambda: TODAY
    )
    met_on = DateField(
        label="Date you met", required=False, when="today_or_past", today=lambda: TODAY
    )


def typed(day: str = "", month: str = "", year: str = "", **more: str) -> BirthForm:
    data = {"date_of_birth_day": day, "date_of_birth_month": month, "date_of_birth_year": year}
    return BirthForm({**data, **more})


def test_a_date_typed_in_three_boxes_is_that_date():
    form = typed("7", "03", "1948")
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"date_of_birth": dt.date(1948, 3, 7), "met_on": None}


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("", "", ""), "Enter date of birth"),
        (("7", "", "1948"), "Date of birth must include a month"),
        (("", "", "1948"), "Date of birth must include a day and month"),
        (("31", "2", "1948"), "Date of birth must be a real date"),
        (("7", "March", "1948"), "Date of birth must be a real date"),
        (("7", "3", "48"), "Year must include 4 numbers"),
        (("6", "12", "2026"), "Date of birth must be in the past"),
        (("1", "1", "1899"), "Date of birth must be 1 January 1900 or later"),
    ],
)
def test_each_mistake_has_the_nhsuk_message(parts, message):
    form = typed(*parts)
    assert not form.is_valid()
    assert form.errors["date_of_birth"] == [message]


def test_today_is_allowed_where_the_date_may_be_today_and_an_optional_date_may_be_left_out():
    form = typed("7", "3", "1948", met_on_day="6", met_on_month="12", met_on_year="2026")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["met_on"] == TODAY
    tomorrow = typed("7", "3", "1948", met_on_day="7", met_on_month="12", met_on_year="2026")
    assert tomorrow.errors["met_on"] == ["Date you met must be today or in the past"]


def test_only_the_boxes_in_error_are_highlighted_and_the_summary_links_to_the_first_box():
    form = typed("7", "", "1948")
    assert not form.is_valid()
    params = field(form["date_of_birth"])["params"]
    assert [(i["name"], i["value"], i["classes"]) for i in params["items"]] == [
        ("date_of_birth_day", "7", ""),
        ("date_of_birth_month", "", "nhsuk-input--error"),
        ("date_of_birth_year", "1948", ""),
    ]
    assert params["fieldset"]["legend"]["text"] == "Date of birth"
    assert error_summary_items(form) == [
        {"text": "Date of birth must include a month", "href": "#id_date_of_birth_day"}
    ]
    impossible = field(typed("31", "2", "1948")["date_of_birth"])["params"]
    assert all(i["classes"] == "nhsuk-input--error" for i in impossible["items"])


def test_it_renders_as_the_nhsuk_date_input_and_shows_a_saved_date():
    source = '{% from "nhsuk_forms/macros.jinja" import field %}{{ field(form.date_of_birth) }}'
    html = (
        engines["jinja2"]
        .from_string(source)
        .render({"form": BirthForm(initial={"date_of_birth": dt.date(1948, 3, 7)})})
    )
    assert 'class="nhsuk-date-input"' in html and "<legend" in html
    assert re.search(r'<label[^>]*for="id_date_of_birth_month"[^>]*>\s*Month', html)
    boxes = re.findall(r'<input[^>]*name="(date_of_birth_\w+)"[^>]*value="(\d+)"', html)
    assert boxes == [
        ("date_of_birth_day", "7"),
        ("date_of_birth_month", "3"),
        ("date_of_birth_year", "1948"),
    ]
    assert 'inputmode="numeric"' in html


def test_a_page_opened_before_the_boxes_or_a_client_sending_one_iso_date_still_works():
    old_page = BirthForm({"date_of_birth": "1948-03-07"})
    assert old_page.is_valid()
    assert old_page.cleaned_data["date_of_birth"] == dt.date(1948, 3, 7)
    assert BirthForm({"date_of_birth": "7th March"}).errors["date_of_birth"] == [
        "Date of birth must be a real date"
    ]


def test_the_messages_can_name_the_date_apart_from_its_label():
    class Optional(forms.Form):
        born = DateField(label="Date of birth (optional)", subject="Date of birth", required=False)

    assert Optional({}).is_valid()
    assert Optional({"born_day": "7", "born_year": "1948"}).errors["born"] == [
        "Date of birth must include a month"
    ]
