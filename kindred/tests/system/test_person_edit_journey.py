"""A coordinator finds someone by the phone number they rang from, written another way than it is
on the record, changes their phone number and GP practice through the Change links on their
record, fixing a mistake on the way, and sees both changes in the record's history."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kindred.people.models import Person, PersonChange
from kindred.people.tests.factories import PersonFactory
from kindred.tests.system.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coordinator_finds_someone_by_phone_and_corrects_their_record(
    page, coordinator, organisation, password
):
    # Given Edna, whose record has her old landline and no GP practice
    edna = PersonFactory(
        organisation=organisation,
        given_name="Edna",
        family_name="Pickles",
        phone="01614960000",
    )
    PersonFactory(organisation=organisation, given_name="Arthur", family_name="Pendle")
    sign_in(page, coordinator.email, password)

    # When the coordinator searches the people list for the number she rang from
    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_label("Search by name, postcode, phone number, NHS number or email address").fill(
        "+44 161 496 0000"
    )
    page.get_by_role("button", name="Search").click()

    # Then Edna, and only Edna, is found
    expect(page.get_by_text('1 person found for "+44 161 496 0000"')).to_be_visible()
    expect(page.get_by_role("link", name="Arthur Pendle")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Edna Pickles").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edna Pickles")
    expect(page.get_by_text("Nobody has changed Edna's details")).to_be_visible()
    assert_accessible(page)

    # When they change her phone number through its Change link
    page.get_by_role("link", name="Change phone number").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("How to contact them")
    expect(page.get_by_label("Phone number (optional)")).to_have_value("01614960000")
    assert_accessible(page)
    page.get_by_label("Phone number (optional)").fill("07700 900123")
    page.get_by_role("radio", name="Text message").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Edna's details have been changed")).to_be_visible()

    # And her GP practice through its Change link, mistyping the code first
    page.get_by_role("link", name="Change GP practice").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Their GP practice")
    assert_accessible(page)
    page.get_by_label("GP practice ODS code (optional)").fill("P84-001")
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Enter an ODS code made of letters and numbers")
    assert_accessible(page)
    summary.get_by_role("link").click()  # the summary takes them to the field
    expect(page.get_by_label("GP practice ODS code (optional)")).to_be_focused()
    page.get_by_label("GP practice ODS code (optional)").fill("p84001")
    page.get_by_role("button", name="Save").click()

    # Then her record shows the new details, and its history shows both changes
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edna Pickles")
    history = page.get_by_role("table", name="Changes to Edna Pickles's details, latest first")
    expect(history).to_contain_text("GP practice ODS code: Not given changed to P84001")
    expect(history).to_contain_text("Phone number: 01614960000 changed to 07700 900123")
    expect(history).to_contain_text("How they prefer to be contacted: No preference changed to")
    expect(history).to_contain_text(coordinator.email)
    assert_accessible(page)
    now = Person.objects.get(pk=edna.pk)
    assert (now.phone, now.gp_practice_ods) == ("07700 900123", "P84001")
    assert PersonChange.objects.filter(person=now).count() == 2

    # And the new number finds her, however it is written
    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_label("Search by name, postcode, phone number, NHS number or email address").fill(
        "+447700900123"
    )
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Edna Pickles")).to_be_visible()
