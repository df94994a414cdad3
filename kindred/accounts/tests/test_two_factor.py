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


def verified(client):
    """A signed-in client that has also passed the second step."""
    device = TOTPDevice.objects.create(
        user_id=client.session["_auth_user_id"], name="app", confirmed=True
    )
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


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
    shown = re.search(r"<code>([A-Z2-7 ]+)</code>", page)
    assert shown is not None
    key = shown.group(1)
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


def test_an_admin_cannot_reset_someone_who_also_works_for_another_organisation(
    client_as, coordinator, organisation, other_organisation
):
    """The attack as found: the admin presses "Reset two-step verification" on a user who also
    belongs to another organisation (brought into the team by email), and their authenticator
    was deleted everywhere."""
    from kindred.accounts.models import Role
    from kindred.accounts.tests.factories import MembershipFactory

    MembershipFactory(user=coordinator, organisation=other_organisation, role=Role.COORDINATOR)
    device = TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    admin = verified(client_as(Role.ORGANISATION_ADMIN))
    membership = coordinator.memberships.get(organisation=organisation)
    page = admin.post(
        reverse("accounts:two_factor_reset", kwargs={"membership_id": membership.pk}),
        follow=True,
    ).content.decode()
    assert "only the people who run Kindred can reset their two-step verification" in page
    assert other_organisation.name not in page
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert AuditEvent.objects.filter(
        action="user.two_factor_reset_refused", target_id=str(coordinator.pk)
    ).exists()
    assert not AuditEvent.objects.filter(action="user.two_factor_reset").exists()


def test_a_network_role_counts_as_a_role_outside_the_organisation(
    client_as, make_user, organisation
):
    from kindred.accounts import services
    from kindred.accounts.models import Role
    from kindred.accounts.tests.factories import MembershipFactory
    from kindred.core.services import Acting

    someone = make_user(Role.COORDINATOR, organisation=organisation)
    MembershipFactory(user=someone, organisation=organisation, role=Role.COMMISSIONER)
    TOTPDevice.objects.create(user=someone, name="app", confirmed=True)
    admin = make_user(Role.ORGANISATION_ADMIN, organisation=organisation)
    with pytest.raises(services.TwoFactorResetRefused):
        services.two_factor_reset(by=Acting(admin, organisation), user=someone)
    assert TOTPDevice.objects.filter(user=someone).exists()


def test_only_an_organisation_admin_resets_at_the_service(make_user, coordinator, organisation):
    from kindred.accounts import services
    from kindred.accounts.models import Role
    from kindred.core.services import Acting

    TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    for role in [Role.COORDINATOR, Role.NETWORK_ADMIN]:
        with pytest.raises(services.TwoFactorResetRefused):
            services.two_factor_reset(
                by=Acting(make_user(role, organisation=organisation), organisation),
                user=coordinator,
            )
    with pytest.raises(services.TwoFactorResetRefused):  # no user at all: not the operator
        services.two_factor_reset(by=Acting(None, organisation), user=coordinator)
    assert TOTPDevice.objects.filter(user=coordinator).exists()
