"""A crisis line supporter, on a phone, says which shifts they can do (overnight ones too) and
offers a shift for a swap; the coordinator sees the rota with its gaps. Every page is checked
with axe; the supporter's pages also work with JavaScript switched off."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kindred.accounts.models import Role
from kindred.crisis.models.rota import ShiftSwap
from kindred.crisis.tests.factories import ShiftFactory, assign, crisis_supporter, local
from kindred.tests.system.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def shift(organisation, make_user):
    user = make_user(Role.VOLUNTEER, organisation=organisation, email="ann@example.com")
    ann = crisis_supporter(
        organisation, user=user, email=user.email, given_name="Ann", family_name="Briggs"
    )
    day = timezone.localdate() + dt.timedelta(days=3)
    shift = ShiftFactory(
        organisation=organisation, starts_at=local(day, "18:00"),
        ends_at=local(day + dt.timedelta(days=1), "08:00"),
    )  # fmt: skip
    assign(shift, [ann])
    return shift


def test_a_supporter_gives_availability_and_offers_a_shift_on_a_phone(page, shift, password):
    page.set_viewport_size(PHONE)
    sign_in(page, "ann@example.com", password)
    page.goto("/crisis/rota/me/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("My crisis line shifts")
    expect(page.get_by_text(shift.when).first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Say which shifts you can do").click()
    assert_accessible(page)
    page.get_by_label("Monday night, 18:00 to 08:00").check()
    page.get_by_label("Saturday day, 08:00 to 18:00").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("your coordinator will use this for the rota")).to_be_visible()

    page.get_by_role("button", name="Offer for a swap").click()
    expect(page.get_by_text("Your shift is offered to the other supporters")).to_be_visible()
    assert_accessible(page)
    assert ShiftSwap.objects.filter(shift=shift, status="offered").exists()


def test_the_coordinator_sees_the_rota_and_its_gaps(page, shift, password, coordinator):
    sign_in(page, coordinator.email, password)
    page.goto(f"/crisis/rota/{shift.rota_id}/")
    expect(page.get_by_text("no professional").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=shift.when).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(shift.when)
    assert_accessible(page)
    page.goto("/crisis/rota/settings/")
    assert_accessible(page)


def test_availability_works_without_javascript(browser, live_server, shift, password):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=PHONE
    )
    page = context.new_page()
    try:
        sign_in(page, "ann@example.com", password, audit=False)
        page.goto("/crisis/rota/me/availability/")
        page.get_by_label("Friday night, 18:00 to 08:00").check()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("your coordinator will use this for the rota")).to_be_visible()
    finally:
        context.close()
