"""A volunteer, on their phone, logs two hours and sees that their safeguarding refresher is due;
a coordinator sees the recruitment board and the volunteer's record; a coordinator records a
recruit's references and DBS check before moving them on (and is told what is missing when they
try too soon), records a course for a group and invites a volunteer to sign in; someone asks about
volunteering on the public form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kindred.accounts.models import Invitation, Role
from kindred.core.services import Acting
from kindred.people.tests.factories import PersonFactory
from kindred.tests.system.conftest import assert_accessible, sign_in
from kindred.volunteers import services
from kindred.volunteers.models import (
    Reference,
    Stage,
    TrainingRecord,
    Volunteer,
    VolunteerHours,
)
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
    expect(page.get_by_text("You have given 2 hours in all.")).to_be_visible()
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


def test_a_coordinator_records_references_and_the_dbs_check_before_moving_a_recruit_on(
    page, coordinator, organisation, password
):
    # Given Erin, waiting at the references stage with nothing recorded yet
    erin = VolunteerFactory(
        organisation=organisation, stage=Stage.REFERENCES, given_name="Erin", family_name="Doyle"
    )
    sign_in(page, coordinator.email, password)
    page.goto(f"/volunteers/{erin.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Erin Doyle")
    expect(page.get_by_text("0 of the 2 satisfactory references needed")).to_be_visible()
    assert_accessible(page)

    # When the coordinator tries to move her on too soon
    page.get_by_role("link", name="Move them on").click()
    page.get_by_label("DBS check").check()
    page.get_by_role("button", name="Move them").click()

    # Then they are told what is missing, and she has not moved
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Erin Doyle needs 2 satisfactory references before moving on to the DBS check"
    )
    assert_accessible(page)
    erin.refresh_from_db()
    assert erin.stage == Stage.REFERENCES

    # When they record two references asked for, the first with a mistake put right
    for referee, relationship in [("Margaret Holt", "Former employer"), ("Huw Jenkins", "Tutor")]:
        page.goto(f"/volunteers/{erin.pk}/")
        page.get_by_role("link", name="Ask for a reference").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Ask for a reference")
        assert_accessible(page)
        page.get_by_label("Referee's name").fill(referee)
        page.get_by_label("How they know the volunteer").fill(relationship)
        if referee == "Margaret Holt":
            page.get_by_role("button", name="Save the reference").click()
            expect(page.locator(".nhsuk-error-summary")).to_contain_text(
                "Enter how to contact the referee"
            )
            assert_accessible(page)
        page.get_by_label("How to contact the referee").fill("referee@example.com")
        page.get_by_role("button", name="Save the reference").click()
        expect(page.get_by_text("The reference has been recorded as asked for")).to_be_visible()

    # And record each as received and satisfactory
    for referee in ["Margaret Holt", "Huw Jenkins"]:
        page.get_by_role("link", name=f"Record it received from {referee}").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(referee)
        assert_accessible(page)
        page.get_by_label("Satisfactory", exact=True).check()
        page.get_by_role("button", name="Save the reference").click()
        expect(page.get_by_text(f"The reference from {referee} has been recorded")).to_be_visible()
    expect(page.get_by_text("2 of the 2 satisfactory references needed")).to_be_visible()
    assert_accessible(page)
    assert Reference.objects.filter(volunteer=erin, outcome="satisfactory").count() == 2

    # Then she moves on to the DBS check
    page.get_by_role("link", name="Move them on").click()
    page.get_by_label("DBS check").check()
    page.get_by_role("button", name="Move them").click()
    expect(page.get_by_text("Erin Doyle's stage has been changed")).to_be_visible()

    # But not past it until her DBS check is recorded
    page.get_by_role("link", name="Move them on").click()
    page.get_by_label("Induction and training").check()
    page.get_by_role("button", name="Move them").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Record Erin Doyle's DBS check before moving them on to induction and training"
    )
    assert_accessible(page)
    page.goto(f"/volunteers/{erin.pk}/")
    page.get_by_role("link", name="Record a DBS check").click()
    page.get_by_label("Enhanced", exact=True).check()
    page.get_by_label("Certificate number").fill("0012 3456 7890")
    _type_date(page, timezone.localdate() - dt.timedelta(days=3))
    page.get_by_role("button", name="Save the DBS check").click()
    expect(page.get_by_text("ending 7890")).to_be_visible()
    page.get_by_role("link", name="Move them on").click()
    page.get_by_label("Induction and training").check()
    page.get_by_role("button", name="Move them").click()
    expect(page.get_by_text("Erin Doyle's stage has been changed")).to_be_visible()
    assert_accessible(page)
    assert Volunteer.objects.get(pk=erin.pk).stage == Stage.INDUCTION


def test_a_coordinator_records_a_course_for_a_group_and_invites_a_volunteer_to_sign_in(
    page, make_user, organisation, password
):
    # Given a coordinator who is also the organisation's admin, and three recruits at induction
    lead = make_user(
        Role.COORDINATOR, Role.ORGANISATION_ADMIN, organisation=organisation,
        email="sam@example.com",
    )  # fmt: skip
    course = CourseFactory(organisation=organisation, name="Safeguarding adults")
    gwen, hal, ivy = (
        VolunteerFactory(organisation=organisation, stage=Stage.INDUCTION, given_name=name,
                         family_name="Tait", email=f"{name.lower()}@example.com")
        for name in ["Gwen", "Hal", "Ivy"]
    )  # fmt: skip
    sign_in(page, lead.email, password)

    # When they record the course for the two who came
    page.get_by_role("link", name="Volunteers", exact=True).click()
    page.get_by_role("link", name="Record training for a group").click()
    assert_accessible(page)
    page.get_by_label("Course").select_option(label="Safeguarding adults")
    page.get_by_role("button", name="Show who needs it").click()
    expect(page.get_by_role("heading", name="Who attended Safeguarding adults")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Record the training").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose who attended")
    assert_accessible(page)
    _type_date(page, timezone.localdate())
    page.get_by_label("Gwen Tait").check()
    page.get_by_label("Hal Tait").check()
    page.get_by_role("button", name="Record the training").click()

    # Then both have it, and only Ivy is still listed
    expect(
        page.get_by_text("Safeguarding adults has been recorded for 2 volunteers")
    ).to_be_visible()
    expect(page.get_by_label("Ivy Tait")).to_be_visible()
    expect(page.get_by_label("Gwen Tait")).to_have_count(0)
    assert_accessible(page)
    assert set(TrainingRecord.objects.filter(course=course).values_list("volunteer", flat=True)) == {
        gwen.pk, hal.pk,
    }  # fmt: skip

    # When they invite Gwen to sign in from her record
    page.goto(f"/volunteers/{gwen.pk}/")
    page.get_by_role("button", name="Invite them to sign in").click()

    # Then she is emailed an invitation, and her record says so
    expect(page.get_by_text("We have emailed Gwen Tait an invitation to sign in")).to_be_visible()
    expect(page.get_by_text("waiting for them to accept")).to_be_visible()
    assert_accessible(page)
    assert Invitation.objects.get().email == "gwen@example.com"
    assert ivy.training.count() == 0


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


def test_a_coordinator_links_a_volunteer_to_their_support_record_by_searching(
    page, coordinator, organisation, password
):
    # Given a volunteer who was once supported, among many people with the same surname
    PersonFactory.create_batch(25, organisation=organisation, family_name="Ashby")
    gwen = PersonFactory(
        organisation=organisation, given_name="Gwen", family_name="Ashby", postcode="LS8 2AP"
    )
    recruit = VolunteerFactory(
        organisation=organisation, given_name="Gwen", family_name="Ashby", has_had_support=True,
        consent_to_link=True,
    )  # fmt: skip
    sign_in(page, coordinator.email, password)

    # When the coordinator opens the link page from the volunteer's record and searches
    page.goto(f"/volunteers/{recruit.pk}/")
    page.get_by_role("link", name="Link to their support record").click()
    assert_accessible(page)
    page.get_by_label("Search by name, postcode, phone number, NHS number or email address").fill(
        "gwen ashby"
    )
    page.get_by_role("button", name="Search").click()
    assert_accessible(page)

    # Then they choose her record from the matches and confirm
    page.get_by_role("link", name="Gwen Ashby", exact=True).click()
    expect(page.get_by_text("Their support record: Gwen Ashby, LS8 2AP")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Link the records").click()
    expect(page.get_by_text("Their volunteer and support records are linked")).to_be_visible()
    recruit.refresh_from_db()
    assert recruit.person == gwen


def _type_date(page, date: dt.date) -> None:
    """Type a date into the page's one NHS.UK date input (day, month and year boxes)."""
    page.get_by_label("Day").fill(str(date.day))
    page.get_by_label("Month").fill(str(date.month))
    page.get_by_label("Year").fill(str(date.year))
