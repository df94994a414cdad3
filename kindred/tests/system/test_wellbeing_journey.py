"""A befriender, on their phone, opens the crisis plan of the person they support, changes it with
them, and a second change made on an older copy of the page is refused with the newer text shown
so nothing is lost; they merge it and save. Then they record a goal and a progress review."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.relationships.tests.factories import RelationshipFactory
from kindred.tests.system.conftest import assert_accessible, sign_in
from kindred.volunteers.tests.factories import VolunteerFactory
from kindred.wellbeing import services
from kindred.wellbeing.models import CrisisPlanVersion, ProgressReview

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def supported(make_user, organisation, coordinator):
    """Emilio befriends Nicole; Nicole's plan (version 1) may be seen by her supporters."""
    user = make_user(Role.VOLUNTEER, organisation=organisation, email="emilio@example.com")
    volunteer = VolunteerFactory(organisation=organisation, user=user, given_name="Emilio")
    relationship = RelationshipFactory(
        organisation=organisation,
        person__given_name="Nicole",
        person__family_name="Adebayo",
        supporters=[volunteer],
    )
    services.crisis_plan_save(
        by=Acting(coordinator, organisation),
        person=relationship.person,
        based_on=0,
        content=services.PlanContent(
            warning_signs="I stop answering the phone",
            practical_things="Ray next door feeds the cat",
        ),
        sharing=services.Sharing(supporters=True, crisis_line=True, facilitators=False, gp=False),
    )
    return user, relationship.person


def test_a_supporter_changes_the_plan_and_a_stale_save_is_refused_with_the_merge_message(
    page, supported, password
):
    user, person = supported
    plan_url = reverse("wellbeing:crisis_plan", kwargs={"person_id": person.pk})
    page.set_viewport_size(PHONE)
    sign_in(page, user.email, password)
    assert_accessible(page)  # their home page

    # When they open Nicole's plan
    page.goto(plan_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Crisis and wellbeing plan")
    expect(page.get_by_text("Ray next door feeds the cat")).to_be_visible()
    assert_accessible(page)

    # And open the form to change it, in this tab and (forgotten about) in another
    page.get_by_role("link", name="Change the plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change the plan")
    assert_accessible(page)
    stale = page.context.new_page()
    stale.set_viewport_size(PHONE)
    stale.goto(page.url)

    # When they write what helps with Nicole and save
    page.get_by_label("What helps").fill("A walk by the river with Emilio")
    page.get_by_role("button", name="Save plan").click()

    # Then version 2 is shown
    expect(page.get_by_text("Nicole's plan saved as version 2")).to_be_visible()
    expect(page.get_by_text("A walk by the river with Emilio")).to_be_visible()
    assert_accessible(page)

    # When the older copy of the form is saved with a different change
    stale.get_by_label("Early warning signs").fill("I stop answering the phone and stay in bed")
    stale.get_by_role("button", name="Save plan").click()

    # Then it is refused, saying why, with the newer text to merge and their own text kept
    summary = stale.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("saved a newer version of this plan (version 2")
    expect(summary).to_contain_text("Your changes have not been saved yet")
    expect(stale.locator(".kindred-newer-version")).to_contain_text(
        "A walk by the river with Emilio"
    )
    expect(stale.get_by_label("Early warning signs")).to_have_value(
        "I stop answering the phone and stay in bed"
    )
    assert_accessible(stale)
    assert CrisisPlanVersion.objects.count() == 2

    # When they bring the newer words in and save again
    stale.get_by_label("What helps").fill("A walk by the river with Emilio")
    stale.get_by_role("button", name="Save plan").click()

    # Then both changes are in version 3, and the earlier versions are kept
    expect(stale.get_by_text("Nicole's plan saved as version 3")).to_be_visible()
    expect(stale.get_by_text("I stop answering the phone and stay in bed")).to_be_visible()
    expect(stale.get_by_text("A walk by the river with Emilio").first).to_be_visible()
    expect(stale.get_by_text("Earlier versions")).to_be_visible()
    assert_accessible(stale)
    latest = CrisisPlanVersion.objects.get(number=3)
    assert latest.based_on == 2
    stale.close()

    # And they record a goal and a progress review with Nicole
    page.goto(plan_url)
    page.get_by_role("link", name="Their goals and progress reviews").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Goals and progress reviews")
    assert_accessible(page)
    page.get_by_role("link", name="Add a goal").click()
    assert_accessible(page)
    page.get_by_role("button", name="Add goal").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter their goal, in their words")
    assert_accessible(page)
    page.get_by_label("Their goal, in their words").fill("Get the bus into town on my own")
    page.get_by_role("button", name="Add goal").click()
    expect(page.get_by_text("Goal added for Nicole")).to_be_visible()
    page.get_by_role("link", name="Record a progress review").click()
    assert_accessible(page)
    page.get_by_label("Made a start").check()
    page.get_by_label("Goal 1: what they said about it (optional)").fill("Went as far as the stop")
    page.get_by_label("What happens next").fill("Try one stop together next week")
    page.get_by_role("button", name="Record review").click()
    expect(page.get_by_text("Review recorded. The next is due by")).to_be_visible()
    expect(page.get_by_text("Went as far as the stop")).to_be_visible()
    assert_accessible(page)
    assert ProgressReview.objects.get().progress.get().rating == 2
