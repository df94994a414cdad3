"""Matching that says why (ADR-094): a coordinator opens someone nobody suits and reads why,
rule by rule, with who comes nearest; then reads why a supporter is suggested for someone
else, in words rather than scores, and that the supporter said this month they are not great,
so she talks to them first."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.matching.tests.factories import SupporterProfileFactory, WaitingProfileFactory
from kindred.people.tests.factories import PersonFactory
from kindred.tests.system.conftest import assert_accessible, sign_in
from kindred.volunteers.models import WellbeingCheckIn
from kindred.volunteers.services.support import wellbeing_check_in
from kindred.volunteers.tests.factories import DbsCheckFactory, RoleFactory

pytestmark = pytest.mark.django_db(transaction=True)


def supporter(organisation, given, family, role=None, **profile):
    volunteer = SupporterProfileFactory(
        volunteer__organisation=organisation,
        volunteer__given_name=given,
        volunteer__family_name=family,
        modes=["phone"],
        **profile,
    ).volunteer
    if role is not None:
        volunteer.roles.add(role)
        DbsCheckFactory(volunteer=volunteer, level="basic")
    return volunteer


def waiting(organisation, given, family, **profile):
    person = PersonFactory(organisation=organisation, given_name=given, family_name=family)
    WaitingProfileFactory(
        referral__organisation=organisation, referral__person=person, modes=["phone"], **profile
    )
    return person


def test_a_coordinator_reads_why_nobody_suits_someone_and_why_a_supporter_is_suggested(
    page, make_user, organisation, password
):
    # Given Ada, who would prefer a woman as her supporter, and Edna, who has no preference
    coordinator = make_user(Role.COORDINATOR, organisation=organisation, email="coord@example.com")
    befriender = RoleFactory(organisation=organisation, dbs_level="basic")
    waiting(organisation, "Ada", "Lovell", gender_preference="woman", interests=[])
    waiting(organisation, "Edna", "Moss", interests=["gardening"])
    # and Sam and Tia, befrienders, neither recorded as a woman; Dana, who is, is not a
    # befriender yet
    sam = supporter(
        organisation, "Sam", "Okafor", befriender, gender="man", interests=["gardening"]
    )
    supporter(organisation, "Tia", "Reed", befriender, gender="", interests=[])
    supporter(organisation, "Dana", "Burns", gender="woman", interests=[])
    # and Sam said in this month's check-in that things are not great
    wellbeing_check_in(
        by=Acting(user=None, organisation=organisation),
        volunteer=sam,
        feeling=WellbeingCheckIn.Feeling.NOT_GREAT,
    )
    today = timezone.localdate()

    # When the coordinator asks for suggested matches
    sign_in(page, coordinator.email, password)
    page.get_by_role("link", name="Suggest matches").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Suggested matches")
    assert_accessible(page)
    expect(page.get_by_role("heading", level=2, name="No supporter available yet")).to_be_visible()

    # and opens Ada, whom nobody suits
    page.get_by_role("link", name="See why no supporter is suggested for Ada Lovell").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Suggested matches for Ada Lovell")
    assert_accessible(page)

    # Then she reads why, rule by rule
    main = page.locator("main")
    expect(
        page.get_by_role("heading", level=2, name="No supporter suits Ada Lovell yet")
    ).to_be_visible()
    expect(main).to_contain_text("None of the 3 supporters can be matched with Ada.")
    rules = page.get_by_role("heading", level=3, name="What rules supporters out")
    expect(rules).to_be_visible()
    expect(main).to_contain_text(
        "2 supporters are not the gender Ada would prefer (a woman); 1 of them has no gender "
        "recorded"
    )
    expect(main).to_contain_text("1 supporter does not hold the befriender role")
    # and who comes nearest, with what to change
    expect(page.get_by_role("heading", level=3, name="Nearest to suiting Ada")).to_be_visible()
    expect(main).to_contain_text("Dana Burns would suit but is not a befriender.")
    expect(main).to_contain_text(
        "Sam Okafor would suit but is not the gender Ada would prefer (a woman)."
    )
    expect(page.get_by_role("link", name="See Dana Burns's volunteer record")).to_be_visible()
    expect(main).not_to_contain_text("Score")

    # When she goes back to everyone's suggestions
    page.get_by_role("link", name="See suggestions for everyone").click()
    expect(page.get_by_role("heading", level=2, name="Edna Moss with Sam Okafor")).to_be_visible()
    assert_accessible(page)

    # Then she reads why Sam is suggested for Edna, most important first, with no score
    reasons = page.get_by_role("list").filter(has_text="Both enjoy gardening").first
    expect(reasons.get_by_role("listitem")).to_have_text(
        [
            "Both stroke survivors",
            "Both enjoy gardening",
            "Both speak English",
            "Has room for 2 more people",
        ]
    )
    expect(main).to_contain_text("They would meet by phone calls.")
    expect(main).not_to_contain_text("Score")
    # and that Sam said this month things are not great: she talks to Sam first
    expect(page.get_by_role("heading", name="Talk to Sam Okafor first")).to_be_visible()
    expect(main).to_contain_text(
        f"Sam Okafor said on {today.day} {today:%B} they are not great: talk to them first."
    )
    # Tia is the next best, and the coordinator may still choose either
    expect(page.get_by_role("heading", level=3, name="Next best supporters")).to_be_visible()
    expect(page.get_by_role("row", name="Tia Reed")).to_contain_text("Both stroke survivors")
    expect(page.get_by_role("button", name="Accept match with Sam Okafor")).to_be_visible()
    expect(page.get_by_role("button", name="Accept Tia Reed instead")).to_be_visible()
