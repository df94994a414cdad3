"""A visitor, not signed in, finds a group near them in the public directory, opens its page and
finds how to join; axe checks the search page (with results and with an error) and the group
page. The search works by keyboard and without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kindred.directory.tests.conftest import real_postcode
from kindred.groups.tests.factories import make_group, make_venue
from kindred.tests.system.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def groups(organisation, other_organisation):
    near = make_venue(organisation, name="Mersey hall", postcode=real_postcode("SK1"))
    far = make_venue(other_organisation, name="Oakwood hall", postcode=real_postcode("LS8"))
    make_group(other_organisation, venue=far, name="Roundhay walking club")
    return make_group(organisation, venue=near, name="Crafty Needles")


def test_a_visitor_finds_the_nearest_group_and_how_to_join(page, groups):
    page.goto("/directory/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a peer support group")
    assert_accessible(page)

    # A postcode we cannot find is a field error, linked from the summary
    page.get_by_label("Postcode").fill("ZZ9 9ZZ")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("alert")).to_contain_text("ZZ9 9ZZ is not a postcode we can find")
    assert_accessible(page)

    # By keyboard: type the postcode, choose any distance, press Enter
    page.get_by_label("Postcode").fill(real_postcode("SK1"))
    page.get_by_label("Within").select_option("")
    page.get_by_label("Postcode").press("Enter")
    headings = page.locator("h3.nhsuk-card__heading")
    expect(headings).to_have_text(["Crafty Needles", "Roundhay walking club"])
    assert_accessible(page)

    page.get_by_role("link", name="Crafty Needles").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Crafty Needles")
    expect(page.get_by_text("Open door: anyone can come along")).to_be_visible()
    expect(page.get_by_role("link", name="Add the sessions to your calendar")).to_be_visible()
    assert_accessible(page)


def test_the_directory_works_without_javascript(browser, live_server, groups):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/directory/")
        page.get_by_label("Postcode").fill(real_postcode("SK1"))
        page.get_by_label("Step-free access").check()
        page.get_by_role("button", name="Search").click()
        expect(page.locator("h3.nhsuk-card__heading")).to_have_text(["Crafty Needles"])
        page.get_by_role("link", name="Crafty Needles").click()
        expect(page.get_by_text("Enquiries: 0161 496 0000")).to_be_visible()
    finally:
        context.close()
