"""Given two-step verification is on, when a coordinator signs in for the first time, then they
set up an authenticator app from an accessible page and reach their home page."""

from __future__ import annotations

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from kindred.tests.system.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coordinator_sets_up_two_step_verification(page, settings, coordinator, password):
    settings.KINDRED_TWO_FACTOR = True
    sign_in(page, coordinator.email, password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step verification")
    expect(
        page.get_by_role("img", name="QR code for adding Kindred to an authenticator app")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Code from your authenticator app").fill("12")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("The code must be 6 numbers")
    assert_accessible(page)

    device = TOTPDevice.objects.get(user=coordinator)
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    page.get_by_label("Code from your authenticator app").fill(f"{code:06d}")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("What needs your attention today")
