"""A befriender, on their phone, logs a visit and says they are a bit worried; the coordinator sees
it on their home page and in the caseload's worried filter. And with JavaScript off, a very
worried befriender is offered a concern for the coordinator there and then, and raises it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kindred.accounts.models import Role
from kindred.relationships.models import ConcernLink, Contact
from kindred.relationships.tests.factories import RelationshipFactory
from kindred.safeguarding.models import Concern
from kindred.tests.system.conftest import assert_accessible, sign_in
from kindred.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def befriending(make_user, organisation):
    """Tom visits Maud every fortnight; his last visit was ten days ago."""
    user = make_user(Role.VOLUNTEER, organisation=organisation, email="tom@example.com")
    tom = VolunteerFactory(
        organisation=organisation, user=user, given_name="Tom", family_name="Hughes"
    )
    return RelationshipFactory(
        organisation=organisation,
        supporters=[tom],
        person__given_name="Maud",
        person__family_name="Ashworth",
        person__phone="07700 900123",
        person__address="4 Mill Lane, Leeds",
        last_contact_on=timezone.localdate() - dt.timedelta(days=10),
    )


def test_a_befriender_logs_a_worrying_visit_and_the_coordinator_sees_it(
    page, browser, live_server, befriending, coordinator, password, organisation
):
    # Given Tom, a befriender, on his phone
    page.set_viewport_size(PHONE)
    sign_in(page, "tom@example.com", password)

    # Then his home page says when his next contact with Maud is due
    expect(page.get_by_role("heading", name="Your next contacts")).to_be_visible()
    expect(page.get_by_text("Maud Ashworth: next contact by")).to_be_visible()
    assert_accessible(page)

    # When he opens My people, he sees how to reach Maud and the button to log a contact
    page.get_by_role("link", name="My people and logging a contact").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("My people")
    expect(page.get_by_text("07700 900123")).to_be_visible()
    assert_accessible(page)

    # And he logs today's visit in one screen: the date and the usual mode are already chosen
    page.get_by_role("link", name="Log a contact with Maud").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Log a contact")
    assert_accessible(page)
    expect(page.get_by_label("Visit", exact=True)).to_be_checked()
    expect(page.get_by_label("It happened")).to_be_checked()

    # It went well enough, but he is a bit worried
    page.get_by_label("A bit worried").check()
    page.get_by_label("How long, in minutes (optional)").fill("45")
    page.get_by_label("Short note (optional)").fill("Seemed low; the heating is broken again")
    page.get_by_role("button", name="Save contact").click()

    # Then he is thanked, back on My people, and the visit is among his last contacts
    expect(page.get_by_text("Contact with Maud logged. Thank you")).to_be_visible()
    expect(page.get_by_text("visit, it happened (a bit worried)")).to_be_visible()
    assert_accessible(page)
    contact = Contact.objects.get()
    assert (contact.feeling, contact.duration_minutes) == ("a_bit_worried", 45)

    # A mistake is explained beside the field, and nothing is saved
    page.get_by_role("link", name="Log a contact with Maud").click()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2999")
    page.get_by_label("Fine").check()
    page.get_by_role("button", name="Save contact").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "The date of the contact must be today or in the past"
    )
    assert_accessible(page)
    assert Contact.objects.count() == 1

    # When the coordinator signs in
    context = browser.new_context(base_url=live_server.url)
    office = context.new_page()
    try:
        sign_in(office, coordinator.email, password)

        # Then their home page shows Tom's worry
        expect(
            office.get_by_role("heading", name="Worries and concerns from supporters")
        ).to_be_visible()
        worries = office.get_by_role("region", name="Worries and concerns from supporters")
        expect(worries).to_contain_text("Maud Ashworth: a bit worried after a visit")
        assert_accessible(office)

        # And the caseload's worried filter finds Maud
        worries.get_by_role("link", name="See everyone with a worry").click()
        expect(office.get_by_role("heading", level=1)).to_contain_text("Caseload")
        expect(office.get_by_text("1 relationship.")).to_be_visible()
        expect(office.get_by_role("cell", name="Worried")).to_be_visible()
        assert_accessible(office)

        # And downloads that list, as filtered, as a spreadsheet (ADR-093)
        with office.expect_download() as downloading:
            office.get_by_role("link", name="Download the 1 relationship as a CSV file").click()
        download = downloading.value
        assert download.suggested_filename == (
            f"{organisation.slug}-caseload-{timezone.localdate().isoformat()}.csv"
        )
        rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text("utf-8-sig"))))
        assert [(r["Given name"], r["Supporters"], r["Worried in the last 30 days"])
                for r in rows] == [("Maud", "Tom Hughes", "Yes")]  # fmt: skip
        assert "07700 900123" not in Path(download.path()).read_text("utf-8-sig")

        # And her record shows the visit, latest first, with Tom's note
        office.get_by_role("link", name="Maud Ashworth").click()
        expect(office.get_by_role("heading", level=1)).to_contain_text("Maud Ashworth")
        expect(office.get_by_text("Seemed low; the heating is broken again")).to_be_visible()
        assert_accessible(office)
    finally:
        context.close()


def test_with_javascript_off_a_very_worried_befriender_raises_a_concern(
    browser, live_server, befriending, password, coordinator
):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=PHONE
    )
    page = context.new_page()
    try:
        sign_in(page, "tom@example.com", password, audit=False)
        page.goto("/relationships/mine/")
        page.get_by_role("link", name="Log a contact with Maud").click()
        page.get_by_label("Phone call").check()
        page.get_by_label("Very worried").check()
        page.get_by_role("button", name="Save contact").click()
        # The concern is offered there and then
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            "You are very worried: raise a concern now"
        )
        page.get_by_label("They need crisis follow-up").check()
        page.get_by_label("High: they could come to serious harm soon").check()
        page.get_by_label("What worries you?").fill("Said she cannot see the point any more")
        page.get_by_role("button", name="Send the concern").click()
        # No safeguarding lead: it went to the coordinators, and Tom is told so plainly
        expect(page.get_by_text(f"sent to {coordinator.full_name} (coordinators)")).to_be_visible()
        expect(page.get_by_text("sent to your safeguarding lead")).to_have_count(0)
    finally:
        context.close()
    concern = Concern.objects.get()
    assert (concern.kind, ConcernLink.objects.get().contact) == (
        "crisis_follow_up",
        Contact.objects.get(),
    )
