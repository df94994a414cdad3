"""A coordinator suggests matches, reads why a supporter was suggested, accepts one, and later
says support has started."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kindred.accounts.models import Role
from kindred.matching.tests.factories import SupporterProfileFactory, WaitingProfileFactory
from kindred.people.tests.factories import PersonFactory
from kindred.tests.system.conftest import assert_accessible, sign_in
from kindred.volunteers.tests.factories import DbsCheckFactory, RoleFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coordinator_suggests_matches_reads_why_and_accepts_one(
    page, make_user, organisation, password
):
    # Given Edna, a stroke survivor waiting for support, and Sam, a befriender who is one too
    coordinator = make_user(Role.COORDINATOR, organisation=organisation, email="coord@example.com")
    role = RoleFactory(organisation=organisation, dbs_level="basic")
    sam = SupporterProfileFactory(
        volunteer__organisation=organisation,
        volunteer__given_name="Sam",
        volunteer__family_name="Okafor",
        experiences=["stroke"],
        interests=["gardening"],
    ).volunteer
    sam.roles.add(role)
    DbsCheckFactory(volunteer=sam, level="basic")
    edna = PersonFactory(organisation=organisation, given_name="Edna", family_name="Moss")
    WaitingProfileFactory(
        referral__organisation=organisation,
        referral__person=edna,
        experiences=["stroke"],
        interests=["gardening"],
    )

    # When the coordinator opens matching from the home page and asks for suggestions
    sign_in(page, coordinator.email, password)
    expect(page.get_by_role("heading", name="People waiting for a match")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Suggest matches").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Suggested matches")
    assert_accessible(page)

    # Then she reads why Sam is suggested for Edna
    expect(page.get_by_role("heading", level=2, name="Edna Moss with Sam Okafor")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Both stroke survivors. Both enjoy gardening.")

    # When she accepts the match
    page.get_by_role("button", name="Accept match with Sam Okafor").click()

    # Then Edna is to be introduced to Sam, and support starts when they have met
    expect(page.locator("main")).to_contain_text("Edna Moss is to be introduced to Sam Okafor")
    assert_accessible(page)
    page.get_by_role("link", name="See introductions being made").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Introductions being made")
    assert_accessible(page)
    page.get_by_role("button", name="Introduction made, support started for Edna Moss").click()
    expect(page.locator("main")).to_contain_text(
        "Support has started for Edna Moss with Sam Okafor"
    )
    assert_accessible(page)
