"""A coordinator accepts a befriending referral and is in one step on the person's matching page,
with what the referral said filled in for her to confirm (ADR-097)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.people.services import PersonDetails
from kindred.referrals.models import Channel, Source
from kindred.referrals.services import ReferralDetails, referral_receive
from kindred.tests.system.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_accepting_a_befriending_referral_lands_on_the_prefilled_matching_page(
    page, make_user, organisation, password
):
    # Given a befriending referral for Edna, who has COPD, speaks Urdu and would rather be phoned
    coordinator = make_user(Role.COORDINATOR, organisation=organisation, email="coord@example.com")
    referral_receive(
        by=Acting.system("test", organisation=organisation),
        person=PersonDetails(
            given_name="Edna",
            family_name="Moss",
            postcode="SK1 3XE",
            language="Urdu",
            preferred_contact="phone",
        ),
        details=ReferralDetails(
            source=Source.PRACTICE_NURSE,
            reason="Lonely since her husband died",
            wants="befriending",
            conditions="COPD",
        ),
        channel=Channel.COORDINATOR_FORM,
    )

    # When the coordinator opens the referral and accepts it
    sign_in(page, coordinator.email, password)
    page.get_by_role("link", name="Referrals", exact=True).click()
    page.get_by_role("link", name="Edna Moss").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edna Moss")
    assert_accessible(page)
    page.get_by_role("button", name="Accept").click()

    # Then she is on Edna's matching page, told where Edna is, with the referral's answers in
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "What matters in finding them a supporter"
    )
    main = page.locator("main")
    expect(main).to_contain_text("Referral accepted. Edna Moss is now waiting for a match")
    expect(main).to_contain_text("Some answers are filled in from the referral")
    expect(page.get_by_label("COPD", exact=True)).to_be_checked()
    expect(page.get_by_label("Phone calls")).to_be_checked()
    expect(page.get_by_label("Languages they speak")).to_have_value("Urdu")
    expect(page.get_by_text("From the referral: check this")).to_have_count(3)
    assert_accessible(page)

    # When she confirms them, adding what the referral could not say
    page.get_by_label("Interests (optional)").fill("knitting")
    page.get_by_role("button", name="Save matching profile").click()

    # Then Edna is among the people waiting for a match
    expect(main).to_contain_text("Matching profile saved for Edna Moss")
    expect(page.get_by_role("heading", level=1)).to_contain_text("People waiting for a match")
    expect(main).to_contain_text("Edna Moss")
    assert_accessible(page)

    # And the referral's page says where she is, accepted then waiting in its history
    page.get_by_role("link", name="Referrals", exact=True).click()
    page.get_by_role("link", name="Edna Moss").click()
    expect(main).to_contain_text("Edna is waiting for a match with a supporter")
    history = page.get_by_role("table")
    expect(history).to_contain_text("Accepted")
    expect(history).to_contain_text("Waiting for a match or place")
    assert_accessible(page)
    page.get_by_role("link", name="Edna's matching page").click()
    expect(page.get_by_label("Interests (optional)")).to_have_value("knitting")
    expect(main).not_to_contain_text("filled in from the referral")
    assert_accessible(page)
