"""A coordinator finds that Kindred holds two records of one person, merges them, and then the old
record's link opens the record that stays (ADR-090)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kindred.people.models import Person
from kindred.people.tests.factories import PersonFactory
from kindred.referrals.tests.factories import ReferralFactory
from kindred.tests.system.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coordinator_merges_two_records_of_one_person(page, coordinator, organisation, password):
    # Given two records of Edith Shaw: one added by hand with her phone number, and one made by a
    # GP's referral with her NHS number
    kept = PersonFactory(
        organisation=organisation, given_name="Edith", family_name="Shaw", phone="0113 496 0000"
    )
    old = PersonFactory(
        organisation=organisation, given_name="Edith", family_name="Shaw", nhs_number="9434765919"
    )
    ReferralFactory(organisation=organisation, person=old)

    # When the coordinator opens the first record and asks to merge it with another
    sign_in(page, coordinator.email, password)
    page.goto(f"/people/{kept.pk}/")
    page.get_by_role("link", name="Merge with another record").click()

    # Then the duplicate rules list the other record
    expect(page.get_by_role("heading", level=1)).to_contain_text("Merge with another record")
    expect(page.get_by_role("table", name="Records the duplicate rules match")).to_contain_text(
        "Edith Shaw"
    )
    assert_accessible(page)

    # And when they compare the two, side by side
    page.get_by_role("link", name="Compare").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Compare the two records")
    expect(page.get_by_role("table", name="Their details")).to_contain_text("943 476 5919")
    expect(page.get_by_role("table", name="What each record holds")).to_contain_text(
        "Referrals and concerns for the GP"
    )
    assert_accessible(page)

    # Continuing without choosing asks them to choose
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose which record stays")
    assert_accessible(page)

    # And they keep the first record
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check before merging")
    expect(page.get_by_role("main")).to_contain_text(
        "Referrals and concerns for the GP: 1 moves to the record that stays"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Merge these records").click()

    # Then they land on the record that stays, which says what was merged into it
    expect(page).to_have_url(f"{page.url.split('/people/')[0]}/people/{kept.pk}/")
    expect(page.get_by_role("status")).to_contain_text("was merged into this one")
    expect(page.get_by_role("main")).to_contain_text("943 476 5919")
    expect(page.get_by_role("main")).to_contain_text("(from practice nurse)")  # the referral moved
    expect(page.get_by_role("heading", name="Other records of this person")).to_be_visible()
    assert_accessible(page)

    # And the old record's link opens the record that stays, saying so
    page.goto(f"/people/{old.pk}/")
    expect(page).to_have_url(f"{page.url.split('/people/')[0]}/people/{kept.pk}/")
    expect(page.get_by_role("status")).to_contain_text(
        "The record you opened was merged into this one"
    )
    assert_accessible(page)
    old.refresh_from_db()
    assert old.merged_into == kept and Person.objects.filter(merged_into__isnull=True).count() == 1
