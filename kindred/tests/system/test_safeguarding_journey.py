"""Issue 16: a befriender marks a visit "very worried" and raises a high concern; the named
safeguarding lead sees it on their home page, acknowledges it within its target, records a
referral to the local authority under section 42 of the Care Act 2014, and closes it. Every
page is axe-clean; the befriender sees that it is being looked at, never the lead's work."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kindred.accounts.models import Role
from kindred.relationships.tests.factories import RelationshipFactory
from kindred.safeguarding.models import Arrangements, Concern
from kindred.tests.system.conftest import assert_accessible, sign_in
from kindred.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def tom_and_maud(make_user, organisation):
    user = make_user(Role.VOLUNTEER, organisation=organisation, email="tom@example.com")
    tom = VolunteerFactory(
        organisation=organisation, user=user, given_name="Tom", family_name="Hughes"
    )
    return RelationshipFactory(
        organisation=organisation,
        supporters=[tom],
        person__given_name="Maud",
        person__family_name="Ashworth",
        last_contact_on=timezone.localdate() - dt.timedelta(days=10),
    )


@pytest.fixture
def lead(make_user, organisation):
    user = make_user(Role.SAFEGUARDING_LEAD, organisation=organisation, email="grace@example.com")
    user.full_name = "Grace Okoro"
    user.save()
    Arrangements.objects.create(organisation=organisation, lead=user)
    return user


def test_a_very_worried_visit_becomes_a_case_the_lead_works_and_closes(
    page, browser, live_server, tom_and_maud, lead, coordinator, password
):
    # Given Tom, a befriender, on his phone, back from a visit to Maud
    page.set_viewport_size(PHONE)
    sign_in(page, "tom@example.com", password)
    page.get_by_role("link", name="My people and logging a contact").click()
    page.get_by_role("link", name="Log a contact with Maud").click()

    # When he marks the visit "very worried"
    page.get_by_label("Very worried").check()
    page.get_by_role("button", name="Save contact").click()

    # Then he is offered a concern there and then, with 999 first
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "You are very worried: raise a concern now"
    )
    expect(page.get_by_text("If someone is in immediate danger, call 999 now")).to_be_visible()
    assert_accessible(page)

    # A concern with no words is refused, plainly, and nothing is saved
    page.get_by_label("A safeguarding concern").check()
    page.get_by_label("High: they could come to serious harm soon").check()
    page.get_by_role("button", name="Send the concern").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Say what worries you")
    assert_accessible(page)
    assert not Concern.objects.exists()

    # When he says what he saw, as a high concern
    page.get_by_label("High: they could come to serious harm soon").check()
    page.get_by_label("What worries you?").fill("A man shouted at her and took her pension card")
    page.get_by_role("button", name="Send the concern").click()

    # Then he is told it went to Grace, the safeguarding lead, and sees it is waiting for her
    expect(page.get_by_text("sent to Grace Okoro (safeguarding lead)")).to_be_visible()
    expect(page.get_by_text("waiting for the safeguarding lead")).to_be_visible()
    assert_accessible(page)
    concern = Concern.objects.get()
    assert (concern.level, concern.status, concern.source) == ("high", "raised", "contact")

    # When Grace signs in
    context = browser.new_context(base_url=live_server.url)
    office = context.new_page()
    try:
        sign_in(office, lead.email, password)
        # Then the concern waits on her home page
        panel = office.get_by_role(
            "region", name="Safeguarding concerns waiting to be acknowledged"
        )
        expect(panel).to_contain_text("High: Maud Ashworth")
        assert_accessible(office)

        # And she opens it, reads Tom's words, and acknowledges it within its target
        panel.get_by_role("link", name="High: Maud Ashworth").click()
        expect(office.get_by_text("took her pension card")).to_be_visible()
        assert_accessible(office)
        office.get_by_role("button", name="Acknowledge this concern").click()
        expect(office.get_by_text("You have acknowledged the concern")).to_be_visible()
        expect(office.get_by_text("Acknowledged within its target")).to_be_visible()
        assert_accessible(office)

        # And records a section 42 referral to the local authority
        office.get_by_role("link", name="Record an action or decision").click()
        assert_accessible(office)
        office.get_by_label("Referral to the local authority (Care Act 2014, section 42)").check()
        office.get_by_label("What was done or decided?").fill(
            "Referred to Leeds adult social care, reference AS-1234"
        )
        office.get_by_role("button", name="Add to the timeline").click()
        expect(office.get_by_text("reference AS-1234")).to_be_visible()
        assert_accessible(office)

        # And closes it with its outcome
        office.get_by_role("link", name="Close this concern with its outcome").click()
        assert_accessible(office)
        office.get_by_label("What was the outcome?").fill(
            "Social care visited; her pension is now paid into her own account"
        )
        office.get_by_role("button", name="Close the concern").click()
        expect(office.get_by_text("The concern is closed")).to_be_visible()
        assert_accessible(office)
    finally:
        context.close()

    concern.refresh_from_db()
    assert concern.status == "closed"
    assert [c.to_state for c in concern.history.all()] == ["raised", "acknowledged", "closed"]
    assert concern.timeline.filter(kind="section_42").exists()

    # And Tom sees that his concern was looked at, but not the lead's notes
    page.reload()
    expect(page.get_by_text("has been looked at and the case is closed")).to_be_visible()
    expect(page.get_by_text("AS-1234")).to_have_count(0)
    assert_accessible(page)
