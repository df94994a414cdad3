"""A coordinator signs in, sees what needs their attention, looks someone up and checks who has
seen their record."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kindred.accounts.models import Role
from kindred.people.tests.factories import PersonFactory
from kindred.tests.system.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coordinator_signs_in_and_sees_their_home_page(page, coordinator, organisation, password):
    # Given a coordinator whose organisation supports Dorothy, added today
    PersonFactory(organisation=organisation, given_name="Dorothy", family_name="Ashworth")

    # When they sign in
    sign_in(page, coordinator.email, password)

    # Then they see what needs their attention, for the organisation they act for
    expect(page.get_by_role("heading", level=1)).to_contain_text("What needs your attention today")
    expect(page.get_by_role("banner")).to_contain_text(f"Acting for {organisation.name}")
    expect(page.get_by_role("link", name="Dorothy Ashworth")).to_be_visible()
    assert_accessible(page)

    # And when they open Dorothy's record and its audit trail
    page.get_by_role("link", name="Dorothy Ashworth").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dorothy Ashworth")
    assert_accessible(page)
    page.get_by_role("link", name="Who has viewed or changed this record").click()
    # Then their own look at the record is there
    expect(page.get_by_role("table")).to_contain_text("person.viewed")
    expect(page.get_by_role("table")).to_contain_text(coordinator.email)
    assert_accessible(page)

    # And the people list works and is accessible
    page.get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_text("1 person.")).to_be_visible()
    assert_accessible(page)


def test_the_skip_link_is_the_first_thing_the_keyboard_reaches(page, coordinator, password):
    page.goto("/sign-in/", wait_until="load")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    # The next Tab lands inside the main content, past the header, whether the NHS.UK script has
    # taken over the skip link (it focuses <main>) or the browser followed the #maincontent link.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('main')?.id") == "maincontent"
    assert page.evaluate("() => document.activeElement.name") == "email"


def test_a_wrong_password_shows_the_error_summary(page, coordinator):
    sign_in(page, coordinator.email, "not-the-password")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(page).to_have_title(re.compile("^Error: Sign in"))
    assert_accessible(page)


def add_someone(page, audit: bool) -> None:
    page.goto("/people/add/")
    if audit:
        assert_accessible(page)
    page.get_by_label("First name").fill("Arthur")
    page.get_by_label("Last name").fill("Pendle")
    page.get_by_label("Postcode (optional)").fill("ZZ9 9ZZ")
    page.get_by_role("button", name="Add this person").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "ZZ9 9ZZ is not a postcode we can find"
    )
    if audit:
        assert_accessible(page)
    page.get_by_label("Postcode (optional)").fill("SK1 3XE")
    page.get_by_role("button", name="Add this person").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Arthur Pendle")
    expect(page.get_by_text("Arthur Pendle has been added")).to_be_visible()
    if audit:
        assert_accessible(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_coordinator_adds_someone_fixing_a_mistake(
    browser, live_server, make_user, organisation, password, javascript
):
    user = make_user(Role.COORDINATOR, organisation=organisation, email="adder@example.com")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    try:
        page = context.new_page()
        sign_in(page, user.email, password, audit=javascript)
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            "What needs your attention today"
        )
        add_someone(page, audit=javascript)
    finally:
        context.close()


def test_an_organisation_admin_searches_the_audit_log(page, make_user, organisation, password):
    admin = make_user(Role.ORGANISATION_ADMIN, organisation=organisation, email="admin@example.com")
    sign_in(page, admin.email, password)
    assert_accessible(page)
    page.get_by_role("link", name="Audit log").first.click()
    expect(page.get_by_role("table")).to_contain_text("user.signed_in")
    assert_accessible(page)
    page.get_by_label("Record ID").fill("nonsense")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Record ID must be an ID like")
    assert_accessible(page)


def test_the_not_found_page_is_accessible(page):
    page.goto("/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)
