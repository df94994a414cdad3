"""A volunteer, on their phone, logs two hours and sees that their safeguarding refresher is due;
a coordinator sees the recruitment board and the volunteer's record; someone asks about
volunteering on the public form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.people.tests.factories import PersonFactory
from kindred.tests.system.conftest import assert_accessible, sign_in
from kindred.volunteers import services
from kindred.volunteers.models import Stage, VolunteerHours
from kindred.volunteers.tests.factories import (
    CourseFactory,
    DbsCheckFactory,
    TrainingRecordFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def volunteer(make_user, organisation):
    user = make_user(Role.VOLUNTEER, organisation=organisation, email="cindy@example.com")
    volunteer = VolunteerFactory(
        organisation=organisation, user=user, given_name="Cindy", family_name="Walsh"
    )
    safeguarding = CourseFactory(
        organisation=organisation, kind="safeguarding_adults", name="Safeguarding adults"
    )
    TrainingRecordFactory(
        volunteer=volunteer, course=safeguarding,
        completed_on=timezone.localdate() - dt.timedelta(days=3 * 365 - 20),
        expires_on=timezone.localdate() + dt.timedelta(days=20),
    )  # fmt: skip
    DbsCheckFactory(volunteer=volunteer)
    return volunteer


def test_a_volunteer_logs_two_hours_and_sees_their_safeguarding_refresher_is_due(
    page, volunteer, password
):
    # Given a volunteer on a phone whose safeguarding training runs out in 20 days
    page.set_viewport_size(PHONE)

    # When they sign in
    sign_in(page, volunteer.user.email, password)

    # Then their home page tells them the refresher is due
    expect(page.get_by_role("heading", name="Your volunteering")).to_be_visible()
    expect(page.get_by_text("Your Safeguarding adults training is due on")).to_be_visible()
    assert_accessible(page)

    # When they log two hours
    page.get_by_role("link", name="Log your hours").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("My hours and expenses")
    assert_accessible(page)
    page.get_by_label("Hours", exact=True).fill("2")
    page.get_by_label("What you did (optional)").fill("Knitting group")
    page.get_by_role("button", name="Log hours").click()

    # Then they are thanked and the two hours are counted
    expect(page.get_by_text("2 hours logged. Thank you")).to_be_visible()
    expect(page.get_by_text("You have given 2.0 hours in all.")).to_be_visible()
    assert_accessible(page)
    assert VolunteerHours.objects.get().minutes == 120

    # And their training page shows the refresher is due
    page.get_by_role("link", name="Training and checks").click()
    expect(page.get_by_text("Your Safeguarding adults training is due on")).to_be_visible()
    assert_accessible(page)

    # And every other page of their own is accessible on a phone
    for link, heading in [
        ("When I am free", "When I am free"),
        ("Supervision and support", "Supervision and support"),
        ("My details", "My volunteering"),
    ]:
        page.get_by_role("navigation", name="My volunteering").get_by_role(
            "link", name=link
        ).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_accessible(page)

    # And a mistake is explained, not saved
    page.get_by_role("link", name="Hours and expenses").first.click()
    page.get_by_label("Hours", exact=True).fill("30")
    page.get_by_role("button", name="Log hours").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter 24 hours or fewer")
    assert_accessible(page)
    assert VolunteerHours.objects.count() == 1


def test_a_coordinator_sees_the_board_and_a_volunteers_record(
    page, coordinator, organisation, volunteer, password
):
    # Given volunteers at several stages, an expense claim and the usual roles
    VolunteerFactory(organisation=organisation, stage=Stage.REFERENCES, given_name="Erin")
    by = Acting(user=coordinator, organisation=organisation)
    services.standard_roles_ensure(by=by)
    services.expense_claim(
        by=by, volunteer=volunteer, spent_on=timezone.localdate(), amount=Decimal("3.40"),
        description="Bus fare",
    )  # fmt: skip
    services.wellbeing_check_in(by=by, volunteer=volunteer, feeling=2)
    sign_in(page, coordinator.email, password)
    assert_accessible(page)  # the home page, with the volunteer panels
    expect(page.get_by_text("Safeguarding adults training runs out on")).to_be_visible()

    # When they open the volunteers board
    page.get_by_role("link", name="Volunteers", exact=True).click()
    expect(page.get_by_role("heading", name="References (1)")).to_be_visible()
    assert_accessible(page)

    # And the volunteer's record, and the pages to act on it
    page.get_by_role("link", name="Cindy Walsh").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cindy Walsh")
    expect(page.get_by_text("ending 7890")).to_be_visible()
    assert_accessible(page)
    for link in ["Record a DBS check", "Record training", "Add a step to their journey"]:
        page.get_by_role("link", name=link).click()
        assert_accessible(page)
        page.go_back()
    page.goto("/volunteers/roles/")
    page.get_by_role("link", name="Befriender", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Befriender")
    assert_accessible(page)
    page.goto("/volunteers/roles/")
    page.get_by_role("link", name="Change what a driver needs").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("What a driver needs")
    assert_accessible(page)
    page.goto("/volunteers/expenses/")
    page.get_by_role("button", name="Mark as paid").click()
    expect(page.get_by_text("is marked as paid")).to_be_visible()
    assert_accessible(page)
    maud = PersonFactory(organisation=organisation, given_name="Maud", email="maud@example.com")
    page.goto(f"/volunteers/invite/{maud.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Email them an invitation").click()
    expect(page.get_by_text("has been invited to volunteer")).to_be_visible()
    for path in ["/volunteers/supervision/", "/volunteers/supervision/add/", "/volunteers/roles/",
                 "/volunteers/value/", "/volunteers/all/", "/volunteers/expenses/"]:  # fmt: skip
        page.goto(path)
        assert_accessible(page)


def test_someone_asks_about_volunteering(page, organisation):
    page.set_viewport_size(PHONE)
    page.goto(f"/volunteers/join/{organisation.slug}/")
    assert_accessible(page)
    page.get_by_role("button", name="Send my enquiry").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter your first name")
    assert_accessible(page)
    page.get_by_label("First name").fill("Aled")
    page.get_by_label("Last name").fill("Price")
    page.get_by_label("Phone number (optional if you give an email address)").fill("07700 900123")
    page.get_by_label("I have had support from this organisation myself").check()
    page.get_by_role("button", name="Send my enquiry").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thank you for your enquiry")
    assert_accessible(page)
