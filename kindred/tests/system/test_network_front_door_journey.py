"""Someone asks a whole network for support; a network admin sends the request to the nearest
organisation offering befriending, whose coordinator finds it in their referrals (ADR-092)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kindred.accounts.models import Role
from kindred.accounts.reach import operator
from kindred.accounts.tests.factories import OrganisationFactory
from kindred.referrals.network import organisation_place_locate
from kindred.tests.system.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_request_to_the_network_reaches_the_right_organisation(
    page, make_user, organisation, password
):
    # Given a network of two organisations: Crafty Needles in Stockport (groups) and MAEcare in
    # Leeds (befriending), and its network admin
    leeds = OrganisationFactory(slug="maecare", name="MAEcare Leeds", network=organisation.network)
    for place, postcode, offers in (
        (organisation, "SK1 3XE", ["group"]),
        (leeds, "LS7 3JB", ["befriending"]),
    ):
        organisation_place_locate(
            by=operator("test"), organisation=place, postcode=postcode, support_offered=offers
        )
    admin = make_user(Role.NETWORK_ADMIN, organisation=organisation, email="jo@network.example")
    coordinator = make_user(Role.COORDINATOR, organisation=leeds, email="kath@maecare.example")

    # When someone in Leeds asks the network for befriending on its public form
    page.goto(f"/refer-yourself/network/{organisation.network.slug}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ask for peer support")
    assert_accessible(page)
    page.get_by_label("First name").fill("Doreen")
    page.get_by_label("Last name").fill("Atkinson")
    page.get_by_label("Postcode").fill("LS8 1AA")
    page.get_by_label("Phone number (optional)").fill("07700 900555")
    page.get_by_label("What would you like help with").fill("I hardly see anyone since I moved")
    page.get_by_label("Befriending").check()
    page.get_by_label("I agree to be contacted about peer support").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thank you, we have your request")
    assert_accessible(page)

    # Then the network admin finds it in the network's referrals, with MAEcare suggested
    sign_in(page, admin.email, password)
    page.get_by_role("button", name=f"Act for {organisation.name}").click()
    page.get_by_role("link", name="Network referrals").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referrals to the network")
    assert_accessible(page)
    page.get_by_role("link", name="Doreen Atkinson").click()
    expect(page.locator("main")).to_contain_text("MAEcare Leeds (suggested)")
    expect(page.locator("main")).to_contain_text("Offers befriending")
    assert_accessible(page)

    # (sending it without choosing where is refused plainly)
    page.get_by_role("button", name="Send it to this organisation").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Choose the organisation to send it to"
    )
    assert_accessible(page)

    # When they send it to MAEcare
    page.get_by_label("MAEcare Leeds (suggested)").check()
    page.get_by_role("button", name="Send it to this organisation").click()
    expect(page.locator("main")).to_contain_text("Sent to MAEcare Leeds")
    assert_accessible(page)
    page.context.clear_cookies()

    # Then MAEcare's coordinator has it, and sees it came through the network's front door
    sign_in(page, coordinator.email, password)
    page.get_by_role("link", name="Referrals", exact=True).click()
    page.get_by_role("link", name="Doreen Atkinson").click()
    expect(page.locator(".nhsuk-summary-list")).to_contain_text("front door")
    assert_accessible(page)
