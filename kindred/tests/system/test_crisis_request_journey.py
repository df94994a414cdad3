"""Issue 18: someone asks for support tonight from the public form on their phone; the
supporters on call see it on their phones (without JavaScript too) but nobody takes it; it climbs
to the backup step and then to the professional on call, who acknowledges it from their phone.
Every page is axe-clean (WCAG 2.2 AA)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kindred.crisis import requests_services as services
from kindred.crisis.models.requests import Status, SupportRequest
from kindred.crisis.tests import requests_setup
from kindred.tests.system.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_a_request_nobody_takes_reaches_the_professional_who_acknowledges_it(
    page,
    browser,
    live_server,
    organisation,
    coordinator,
    password,
):
    team = requests_setup.on_call(organisation, timezone.now(), supporters=2)
    professional = team.professional
    assert professional is not None
    professional.set_password(password)
    professional.save()
    supporter = team.users[0]
    supporter.set_password(password)
    supporter.save()

    # Given someone on their phone, asking for support tonight
    page.set_viewport_size(PHONE)
    page.goto(f"/crisis/ask/{organisation.slug}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ask for support tonight")
    expect(page.get_by_text("If your life is at risk now, call 999")).to_be_visible()
    assert_accessible(page)
    # With no way to reach them, they are told plainly
    page.get_by_label("What should we call you?").fill("Sam")
    page.get_by_role("button", name="Ask for support").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Give a phone number or an email")
    assert_accessible(page)
    page.get_by_label("Phone number").fill("07911 123 456")
    page.get_by_label("What would you like to talk about? (optional)").fill("A bad night")
    page.get_by_role("button", name="Ask for support").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("we have your request")
    assert_accessible(page)
    request = SupportRequest.objects.get()

    # The supporters on call see it on their phones, without JavaScript, with a Refresh link
    no_script = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=PHONE
    )
    phone = no_script.new_page()
    sign_in(phone, supporter.email, password, audit=False)
    phone.goto("/crisis/requests/")
    expect(phone.get_by_role("button", name="Take this request from Sam")).to_be_visible()
    expect(phone.get_by_role("link", name="Refresh the list of requests")).to_be_visible()
    no_script.close()
    sign_in(page, supporter.email, password)
    page.goto("/crisis/requests/")
    expect(page.get_by_role("button", name="Take this request from Sam")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Sam, web form").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sam")
    assert_accessible(page)
    page.context.clear_cookies()

    # When nobody takes it: the backup step, then the professional on call (the timer's due
    # logic, run as the worker would at each step's time)
    step = dt.timedelta(seconds=services.offer_seconds())
    services.support_request_advance(request_id=request.pk, now=request.received_at + step)
    services.support_request_advance(request_id=request.pk, now=request.received_at + 2 * step)
    request.refresh_from_db()
    assert request.step == "professional" and request.professional == professional

    # Then the professional, on their phone, sees what reached them and acknowledges it
    sign_in(page, professional.email, password)
    page.goto("/crisis/requests/")
    expect(
        page.get_by_role("heading", name="Reached you as the professional on call")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Request received").first.click()
    expect(page.get_by_text("Offered to professional")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Acknowledge this request").click()
    expect(page.get_by_text("You have acknowledged this request")).to_be_visible()
    assert_accessible(page)
    request.refresh_from_db()
    assert request.status == Status.ACCEPTED and request.acknowledged_by == professional
    assert request.concern_id is None
