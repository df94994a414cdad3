"""What the referrer and the supporter are told (issue 13, item 5; ADR-098): a coordinator writes a
note for Maud's supporters, which Tom reads on My people; records who may see Maud's crisis plan,
confirming it is her own decision; and declines a referral with a category the referrer sees."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.referrals.tests.factories import ReferralFactory
from kindred.relationships.tests.factories import RelationshipFactory
from kindred.tests.system.conftest import assert_accessible, sign_in
from kindred.volunteers.tests.factories import VolunteerFactory
from kindred.wellbeing import services as wellbeing

pytestmark = pytest.mark.django_db(transaction=True)


def sign_out(page) -> None:
    page.context.clear_cookies()


def test_the_coordinator_tells_the_supporter_and_records_the_persons_own_decision(
    page, make_user, organisation, coordinator, password
):
    user = make_user(Role.VOLUNTEER, organisation=organisation, email="tom@example.com")
    tom = VolunteerFactory(organisation=organisation, user=user, given_name="Tom")
    relationship = RelationshipFactory(
        organisation=organisation,
        supporters=[tom],
        person__given_name="Maud",
        person__family_name="Ashworth",
    )
    wellbeing.crisis_plan_save(
        by=Acting(coordinator, organisation),
        person=relationship.person,
        based_on=0,
        content=wellbeing.PlanContent(practical_things="Ray next door feeds the cat"),
        sharing=wellbeing.Sharing(supporters=True, crisis_line=False, facilitators=False, gp=False),
        own_decision=True,
    )

    # When the coordinator writes a note for Maud's supporters
    sign_in(page, coordinator.email, password)
    page.goto(reverse("relationships:detail", kwargs={"relationship_id": relationship.pk}))
    page.get_by_label("Note for supporters").fill("Hard of hearing: speak slowly")
    page.get_by_role("button", name="Save the note for supporters").click()
    expect(page.get_by_text("The note for supporters has been saved")).to_be_visible()
    assert_accessible(page)
    # (saving it again unchanged is refused, saying why, with an error summary)
    page.get_by_role("button", name="Save the note for supporters").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("the same as before")
    assert_accessible(page)

    # And records who may see her plan, confirming it is Maud's own decision
    page.goto(
        reverse("wellbeing:crisis_plan_sharing", kwargs={"person_id": relationship.person.pk})
    )
    page.get_by_label("Group facilitators").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("own decision")
    assert_accessible(page)
    page.get_by_label("This is the person's own decision").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("who confirmed it was Maud's own decision")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # Then Tom reads the note on My people, and may not change who sees the plan
    sign_in(page, "tom@example.com", password)
    page.goto(reverse("relationships:mine"))
    expect(page.get_by_text("Hard of hearing: speak slowly")).to_be_visible()
    assert_accessible(page)
    page.goto(reverse("wellbeing:crisis_plan", kwargs={"person_id": relationship.person.pk}))
    expect(page.get_by_role("link", name="Change who may see it")).to_have_count(0)
    assert_accessible(page)


def test_the_referrer_sees_why_a_referral_was_declined_only_where_the_person_agreed(
    page, make_user, organisation, coordinator, password
):
    nurse = make_user(Role.REFERRER, organisation=organisation, email="nurse@practice.example")
    shared = ReferralFactory(
        organisation=organisation,
        referrer_user=nurse,
        consent_share_with_referrer=True,
        person_as_sent={"given_name": "Edna", "family_name": "Moss"},
    )
    ReferralFactory(
        organisation=organisation,
        referrer_user=nurse,
        consent_share_with_referrer=False,
        person_as_sent={"given_name": "Ivy", "family_name": "Lane"},
    )

    # When the coordinator declines Edna's referral, choosing why
    sign_in(page, coordinator.email, password)
    page.goto(reverse("referrals:detail", kwargs={"referral_id": shared.pk}))
    page.get_by_label("Better served by another service").check()
    page.get_by_label("Your note on why").fill("Private: needs the drug and alcohol team")
    page.get_by_role("button", name="Decline").click()
    expect(page.get_by_text("The referral has been declined")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # Then the nurse sees the category, never the note; and only "received" for Ivy
    sign_in(page, nurse.email, password)
    page.goto(reverse("referrals:mine"))
    table = page.get_by_role("table").first
    expect(table).to_contain_text("Better served by another service")
    expect(table).not_to_contain_text("drug and alcohol")
    expect(table).to_contain_text("Updates are not shared")
    assert_accessible(page)
