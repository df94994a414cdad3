"""A practice nurse refers a lonely COPD patient, a coordinator accepts the referral, and the nurse
sees the status change. Someone also refers themselves on the public form."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kindred.accounts.models import Role
from kindred.tests.system.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def sign_out(page) -> None:
    page.context.clear_cookies()


def test_a_nurse_refers_a_lonely_copd_patient_and_sees_it_accepted(
    page, make_user, organisation, password
):
    # Given a practice nurse and a coordinator at the same organisation
    nurse = make_user(Role.REFERRER, organisation=organisation, email="nurse@practice.example")
    coordinator = make_user(Role.COORDINATOR, organisation=organisation, email="coord@example.com")

    # When the nurse refers Edna, who has COPD and is lonely
    sign_in(page, nurse.email, password)
    assert_accessible(page)
    page.get_by_role("link", name="Refer someone").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Refer someone")
    assert_accessible(page)
    page.get_by_label("First name").fill("Edna")
    page.get_by_label("Last name").fill("Moss")
    page.get_by_label("NHS number (optional)").fill("943 476 5919")
    page.get_by_label("Postcode (optional)").fill("SK1 3XE")
    page.get_by_label("Practice nurse").check()
    page.get_by_label("Why are you referring them").fill(
        "Lonely since her husband died; COPD means she rarely leaves the house"
    )
    page.get_by_label("Befriending").check()
    page.get_by_label("Conditions that matter for matching (optional)").fill("COPD")
    page.get_by_label("To share updates with the referrer or GP").check()
    page.get_by_role("button", name="Send referral").click()

    # Then she sees it on her referrals page, received
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your referrals")
    expect(page.get_by_role("table")).to_contain_text("Edna Moss")
    expect(page.get_by_role("table")).to_contain_text("Received")
    assert_accessible(page)
    sign_out(page)

    # When the coordinator opens the referral inbox and accepts it
    sign_in(page, coordinator.email, password)
    page.get_by_role("link", name="Referrals", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referrals")
    assert_accessible(page)
    page.get_by_role("link", name="Edna Moss").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edna Moss")
    assert_accessible(page)
    # (declining without saying why is refused on the referral's page, with an error summary)
    page.get_by_role("button", name="Decline").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter why the referral is declined"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edna Moss")
    assert_accessible(page)
    page.get_by_role("button", name="Accept").click()
    # (befriending: accepted, Edna is waiting for a match, on her matching page: ADR-097)
    expect(page.locator("main")).to_contain_text("Edna Moss is now waiting for a match")
    assert_accessible(page)
    sign_out(page)

    # Then the nurse sees the status change
    sign_in(page, nurse.email, password)
    page.get_by_role("link", name="Your referrals", exact=True).first.click()
    expect(page.get_by_role("table")).to_contain_text("Waiting for a match")
    assert_accessible(page)


def test_someone_refers_themselves_and_is_told_what_happens_next(page, organisation):
    # Given the organisation's public self-referral page
    page.goto(f"/refer-yourself/{organisation.slug}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ask for peer support")
    assert_accessible(page)

    # When they send it with a mistake, they are told plainly
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter your first name")
    assert_accessible(page)

    # And when they put it right
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Postcode").fill("LS8 2AP")
    page.get_by_label("Email address (optional)").fill("sam@example.com")
    page.get_by_label("What would you like help with").fill("Low since losing my job")
    page.get_by_label("I agree to be contacted about peer support").check()
    page.get_by_role("button", name="Send").click()

    # Then they see a plain confirmation
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thank you, we have your request")
    assert_accessible(page)


def test_a_coordinator_confirms_a_referral_of_someone_already_known(
    page, make_user, organisation, password
):
    """Issue 10 item 4: the referrer never sees the record held; the coordinator is shown the
    match and confirms it, choosing what to record."""
    import datetime as dt

    from kindred.people.tests.factories import PersonFactory
    from kindred.referrals.models import PersonLink, Referral

    # Given someone already supported, and a nurse who knows only their NHS number
    known = PersonFactory(
        organisation=organisation,
        given_name="Philippa",
        family_name="Quennell",
        nhs_number="9434765919",
        date_of_birth=dt.date(1961, 7, 30),
    )
    nurse = make_user(Role.REFERRER, organisation=organisation, email="nurse@practice.example")
    coordinator = make_user(Role.COORDINATOR, organisation=organisation, email="coord@example.com")

    # When the nurse refers "Pippa Q" with that NHS number
    sign_in(page, nurse.email, password)
    page.get_by_role("link", name="Refer someone").first.click()
    page.get_by_label("First name").fill("Pippa")
    page.get_by_label("Last name").fill("Q")
    page.get_by_label("NHS number (optional)").fill("943 476 5919")
    page.get_by_label("GP", exact=True).check()
    page.get_by_label("Why are you referring them").fill("Low since retiring")
    page.get_by_label("To share updates with the referrer or GP").check()
    page.get_by_role("button", name="Send referral").click()

    # Then her page shows the name she gave, not the record held
    expect(page.get_by_role("table")).to_contain_text("Pippa Q")
    expect(page.locator("main")).not_to_contain_text("Philippa")
    expect(page.locator("main")).not_to_contain_text("Quennell")
    sign_out(page)

    # When the coordinator opens the referral
    sign_in(page, coordinator.email, password)
    referral = Referral.objects.get()
    page.goto(f"/referrals/{referral.pk}/")
    expect(page.get_by_role("heading", name="Check who this referral is about")).to_be_visible()
    assert_accessible(page)
    # Then they see what it says differently, and confirm it, recording the consent it gives
    page.get_by_label(
        "To share updates with the referrer or GP: Yes (on record: Not asked)"
    ).check()
    page.get_by_role("button", name="Confirm this is Philippa Quennell").click()
    expect(page.get_by_text("Confirmed: this referral is about Philippa Quennell")).to_be_visible()
    expect(page.get_by_role("heading", name="Check who this referral is about")).to_have_count(0)
    assert_accessible(page)
    referral.refresh_from_db()
    assert referral.person_link == PersonLink.CONFIRMED
    assert known.consents.get().given is True
    known.refresh_from_db()
    assert known.given_name == "Philippa"  # no detail was ticked, so none was copied
