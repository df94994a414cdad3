"""A facilitator takes attendance for a knitting session on a phone: two named members, one
regular known only by a nickname, and a headcount of four; the group's trend then shows seven.
Every page is checked with axe; the same page works with JavaScript switched off."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.groups import services
from kindred.groups.tests.factories import make_group
from kindred.people.tests.factories import PersonFactory
from kindred.tests.system.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def knitting(organisation, make_user):
    make_user(Role.FACILITATOR, organisation=organisation, email="cindy@example.com")
    group = make_group(organisation, name="Crafty Needles")
    by = Acting.system("test", organisation=organisation)
    for given, family in (("Ann", "Briggs"), ("Raj", "Patel"), ("Doreen", "Holt")):
        person = PersonFactory(organisation=organisation, given_name=given, family_name=family)
        services.member_add(by=by, group=group, person=person)
    return group


def test_a_facilitator_takes_attendance_on_a_phone(page, knitting, password):
    page.set_viewport_size(PHONE)
    sign_in(page, "cindy@example.com", password)
    page.goto("/groups/")
    assert_accessible(page)
    page.get_by_role("link", name="Crafty Needles", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Crafty Needles")
    assert_accessible(page)

    # When she takes attendance for today's session
    page.get_by_role("link", name="Take attendance").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Who came on")
    assert_accessible(page)
    page.get_by_label("Ann Briggs").check()
    page.get_by_label("Raj Patel").check()
    page.get_by_label("Other regulars, by the name they go by (optional)").fill("Bev")
    page.get_by_label("How many others came?").fill("4")
    page.get_by_role("button", name="Save attendance").click()

    # Then the group's trend shows seven: two members, one regular and four others
    expect(page.get_by_text("Attendance saved: 7 came")).to_be_visible()
    row = page.locator("table tbody tr").first
    expect(row.locator("td")).to_have_text(["2", "1", "4", "7"])
    expect(page.get_by_role("listitem").filter(has_text="Bev")).to_be_visible()
    assert_accessible(page)


def test_attendance_works_without_javascript(browser, live_server, knitting, password):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=PHONE
    )
    page = context.new_page()
    try:
        sign_in(page, "cindy@example.com", password, audit=False)
        session = knitting.sessions.order_by("starts_at")[0]
        page.goto(f"/groups/sessions/{session.pk}/attendance/")
        page.get_by_label("Doreen Holt").check()
        page.get_by_label("How many others came?").fill("lots")
        page.get_by_role("button", name="Save attendance").click()
        expect(
            page.get_by_text("The headcount must be a whole number, like 4").first
        ).to_be_visible()
        page.get_by_label("How many others came?").fill("2")
        page.get_by_role("button", name="Save attendance").click()
        expect(page.get_by_text("Attendance saved: 3 came")).to_be_visible()
    finally:
        context.close()
