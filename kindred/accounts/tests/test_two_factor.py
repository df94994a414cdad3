"""Two-step verification: a password, then a code from an authenticator app."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kindred.core.models import AuditEvent


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.KINDRED_TWO_FACTOR = True


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def sign_in_with_password(client, user, password):
    response = client.post(reverse("accounts:sign_in"), {"email": user.email, "password": password})
    assert response.status_code == 302
    return response


def test_first_sign_in_sets_up_an_app_and_nothing_is_reachable_before(
    client, coordinator, password
):
    sign_in_with_password(client, coordinator, password)
    for name in ["core:home", "people:list", "accounts:choose_organisation"]:
        assert client.get(reverse(name))["Location"] == reverse("accounts:two_factor")

    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "Set up two-step verification" in page and "data:image/svg+xml" in page
    key = re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1)
    device = TOTPDevice.objects.get(user=coordinator)
    assert not device.confirmed and key.replace(" ", "") and len(key.replace(" ", "")) >= 32

    wrong = client.post(reverse("accounts:two_factor"), {"code": "12345"}).content.decode()
    assert "The code must be 6 numbers" in wrong
    response = client.post(reverse("accounts:two_factor"), {"code": code_for(device)})
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    actions = set(
        AuditEvent.objects.filter(target_id=str(coordinator.pk)).values_list("action", flat=True)
    )
    assert {"user.two_factor_set_up", "user.two_factor_verified"} <= actions


def test_later_sign_ins_ask_for_the_code_and_refuse_a_wrong_one(client, coordinator, password):
    device = TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    sign_in_with_password(client, coordinator, password)
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert (
        "Enter your code" in page and "data:image/svg+xml" not in page
    )  # the key is never shown again
    right = code_for(device)
    wrong = "000000" if right != "000000" else "111111"
    response = client.post(reverse("accounts:two_factor"), {"code": wrong})
    assert "The code is not right" in response.content.decode()
    assert client.get(reverse("core:home")).status_code == 302
    assert AuditEvent.objects.filter(action="user.two_factor_failed").count() == 1
    # django-otp slows down the next try after a failure
    retry = client.post(reverse("accounts:two_factor"), {"code": right}).content.decode()
    assert "Too many wrong codes" in retry


def test_an_admin_resets_a_lost_phone(client_as, coordinator, organisation):
    TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    from kindred.accounts.models import Role

    admin = client_as(Role.ORGANISATION_ADMIN)
    admin_user = admin.session["_auth_user_id"]
    device = TOTPDevice.objects.create(user_id=admin_user, name="app", confirmed=True)
    session = admin.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    membership = coordinator.memberships.get()
    response = admin.post(
        reverse("accounts:two_factor_reset", kwargs={"membership_id": membership.pk})
    )
    assert response["Location"] == reverse("accounts:members")
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert AuditEvent.objects.filter(
        action="user.two_factor_reset", target_id=str(coordinator.pk)
    ).exists()
