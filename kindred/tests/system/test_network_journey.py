"""Given a network the operator built, when its network admin signs in, then they find the
network's organisations from their home page, invite the first admin of one that has none (by
keyboard, correcting a mistake), and see who holds roles across the network (ADR-091)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kindred.accounts.models import Invitation, Role
from kindred.accounts.tests.factories import OrganisationFactory
from kindred.tests.system.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_network_admin_invites_the_first_admin_of_an_organisation(
    page, make_user, organisation, password
):
    # Given a network of Crafty Needles and a GP surgery that has no admin yet
    OrganisationFactory(
        slug="surgery",
        name="Chapeltown Surgery",
        network=organisation.network,
        kind="gp_practice",
        is_nhs=True,
    )
    jo = make_user(Role.NETWORK_ADMIN, organisation=organisation, email="jo@example.com")
    make_user(Role.COMMISSIONER, organisation=organisation, email="helen@example.com")

    # When Jo signs in and acts for Crafty Needles
    sign_in(page, jo.email, password)
    page.get_by_role("button", name="Act for Crafty Needles").click()
    expect(page.get_by_role("heading", name="Your network")).to_be_visible()
    assert_accessible(page)

    # Then the header leads to the network's organisations, the surgery marked as an NHS body
    page.get_by_role("link", name="Network", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Organisations in the network")
    surgery = page.get_by_role("row").filter(has_text="Chapeltown Surgery")
    expect(surgery).to_contain_text("GP practice")
    expect(surgery.get_by_role("cell").nth(2)).to_have_text("Yes")
    assert_accessible(page)

    # And she invites its first admin, by keyboard, after correcting a mistake
    surgery.get_by_role("link", name="Invite its first admin").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Invite its first admin")
    assert_accessible(page)
    page.get_by_label("Full name").fill("Ruth Adeyemi")
    page.get_by_label("Email address").fill("ruth@")
    page.get_by_label("Email address").press("Enter")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter an email address in the correct format"
    )
    assert_accessible(page)
    page.get_by_label("Email address").fill("ruth@example.com")
    page.get_by_label("Email address").press("Enter")
    expect(
        page.get_by_text("We have invited Ruth Adeyemi to be the organisation admin")
    ).to_be_visible()
    expect(surgery).to_contain_text("Invitation waiting")
    assert_accessible(page)
    assert Invitation.objects.get().organisation.slug == "surgery"

    # And she sees who holds roles across the network
    page.get_by_role("link", name="See who holds roles across").click()
    expect(page.get_by_role("table")).to_contain_text("helen@example.com")
    expect(page.get_by_role("table")).to_contain_text("Commissioner")
    assert_accessible(page)
