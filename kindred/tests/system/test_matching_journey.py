"""A coordinator suggests matches, reads why a supporter was suggested, accepts one, and later
says support has started; someone who needs a pair of supporters gets both in one decision; and
a network admin matches across the organisations that agree to share."""

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
    for reason in ("Both stroke survivors", "Both enjoy gardening"):
        expect(page.get_by_role("listitem").filter(has_text=reason).first).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Score")

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


def eligible(organisation, given, family, **profile):
    role = RoleFactory(organisation=organisation, dbs_level="basic")
    volunteer = SupporterProfileFactory(
        volunteer__organisation=organisation,
        volunteer__given_name=given,
        volunteer__family_name=family,
        **profile,
    ).volunteer
    volunteer.roles.add(role)
    DbsCheckFactory(volunteer=volunteer, level="basic")
    return volunteer


def test_a_coordinator_matches_someone_with_a_pair_of_supporters(
    page, make_user, organisation, password
):
    # Given Edna, who is best supported by two people together, and two befrienders
    coordinator = make_user(Role.COORDINATOR, organisation=organisation, email="coord@example.com")
    eligible(organisation, "Sam", "Okafor", experiences=["stroke"], interests=["gardening"])
    eligible(organisation, "Tia", "Reed", experiences=["stroke"], interests=[])
    edna = PersonFactory(organisation=organisation, given_name="Edna", family_name="Moss")
    WaitingProfileFactory(
        referral__organisation=organisation,
        referral__person=edna,
        experiences=["stroke"],
        interests=["gardening"],
    )

    # When the coordinator says on her matching profile that she needs a pair of supporters
    sign_in(page, coordinator.email, password)
    page.get_by_role("link", name="see everyone waiting").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("People waiting for a match")
    assert_accessible(page)
    page.get_by_role("link", name="Change matching profile for Edna Moss").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("What matters in finding them")
    assert_accessible(page)
    page.get_by_label("A pair of supporters").check()
    page.get_by_role("button", name="Save matching profile").click()
    expect(page.locator("main")).to_contain_text("Matching profile saved for Edna Moss")
    assert_accessible(page)

    # Then suggestions propose both supporters together, each with why
    page.get_by_role("link", name="Suggest matches").first.click()
    expect(
        page.get_by_role("heading", level=2, name="Edna Moss with Sam Okafor and Tia Reed")
    ).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Edna Moss needs a pair of supporters")
    for reason in ("Both stroke survivors", "Both enjoy gardening"):
        expect(main.get_by_role("listitem").filter(has_text=reason).first).to_be_visible()
    expect(page.get_by_role("heading", level=3, name="Tia Reed")).to_be_visible()
    assert_accessible(page)

    # When she accepts the pair in one decision
    page.get_by_role("button", name="Accept Sam Okafor and Tia Reed as a pair").click()

    # Then Edna is to be introduced to both, as one introduction
    expect(main).to_contain_text("Edna Moss is to be introduced to Sam Okafor and Tia Reed")
    assert_accessible(page)
    page.get_by_role("link", name="See introductions being made").click()
    expect(page.get_by_role("row", name="Edna Moss")).to_contain_text("Sam Okafor and Tia Reed")
    assert_accessible(page)
    # The introduction is one relationship, with both supporters
    page.get_by_role("link", name="Edna Moss").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edna Moss")
    expect(page.locator("main")).to_contain_text("Sam Okafor")
    expect(page.locator("main")).to_contain_text("Tia Reed")
    assert_accessible(page)
    page.go_back()
    page.get_by_role("button", name="Introduction made, support started for Edna Moss").click()
    expect(main).to_contain_text("Support has started for Edna Moss with Sam Okafor and Tia Reed")
    assert_accessible(page)


def test_a_network_admin_matches_across_organisations_that_share(
    page, make_user, organisation, password
):
    # Given two organisations of one network, each with an admin who agrees to share
    from kindred.accounts.tests.factories import OrganisationFactory

    neighbour = OrganisationFactory(
        slug="maecare", name="MAEcare Leeds", network=organisation.network
    )
    ours = make_user(Role.ORGANISATION_ADMIN, organisation=organisation, email="admin@example.com")
    make_user(Role.ORGANISATION_ADMIN, organisation=neighbour, email="theirs@example.com")
    from kindred.matching.models import NetworkSharing

    NetworkSharing.objects.create(organisation=neighbour, shares=True)
    network_admin = make_user(
        Role.NETWORK_ADMIN, organisation=organisation, email="network@example.com"
    )
    eligible(neighbour, "Sam", "Okafor", experiences=["stroke"], interests=["gardening"])
    edna = PersonFactory(organisation=organisation, given_name="Edna", family_name="Moss")
    WaitingProfileFactory(
        referral__organisation=organisation,
        referral__person=edna,
        experiences=["stroke"],
        interests=["gardening"],
    )

    # When our organisation admin agrees to share for matching
    sign_in(page, ours.email, password)
    page.get_by_role("link", name="Decide whether to share").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Matching across the network")
    assert_accessible(page)
    page.get_by_label("Yes, share for matching").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("can now match your people and supporters")
    expect(page.locator("main")).to_contain_text("Other organisations that share: MAEcare Leeds")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    # Then the network admin is offered a supporter from the other organisation, and accepts
    sign_in(page, network_admin.email, password)
    # a network role reaches every organisation of the network: they choose one (ADR-070)
    page.get_by_role("button", name="Act for Crafty Needles").click()
    page.get_by_role("link", name="Suggest matches across the network").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Suggested matches across the network"
    )
    main = page.locator("main")
    expect(main).to_contain_text("Sam Okafor (MAEcare Leeds)")
    for reason in ("Both stroke survivors", "Both enjoy gardening"):
        expect(main.get_by_role("listitem").filter(has_text=reason).first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Accept match with Sam Okafor").click()
    expect(main).to_contain_text("Edna Moss is to be introduced to Sam Okafor")
    assert_accessible(page)
