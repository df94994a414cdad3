from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kindred.accounts.models import Role
from kindred.accounts.tests.factories import MembershipFactory
from kindred.core.models import AuditEvent


def test_a_coordinator_signs_in_by_email_and_lands_on_their_home_page(
    client, coordinator, password, organisation
):
    response = client.post(
        reverse("accounts:sign_in"),
        {"email": "Coordinator@Example.com", "password": password},
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("core:home")
    assert "What needs your attention today" in page
    assert f"Acting for {organisation.name}" in page
    assert AuditEvent.objects.filter(actor=coordinator, action="user.signed_in").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "password": ""}, "Enter your email address"),
        (
            {"email": "not-an-email", "password": "x"},
            "Enter an email address in the correct format",
        ),
        ({"email": "coordinator@example.com", "password": ""}, "Enter your password"),
        (
            {"email": "coordinator@example.com", "password": "wrong"},
            "Enter a correct email address and password",
        ),
        (
            {"email": "nobody@example.com", "password": "wrong"},
            "Enter a correct email address and password",
        ),
    ],
)
def test_sign_in_errors_are_shown_in_the_nhs_style(client, coordinator, data, message):
    response = client.post(reverse("accounts:sign_in"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in page and "There is a problem" in page
    assert message in page
    assert "<title>Error: Sign in" in page
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_for_that_address(client, coordinator, password):
    for _ in range(5):
        client.post(reverse("accounts:sign_in"), {"email": coordinator.email, "password": "wrong"})
    response = client.post(
        reverse("accounts:sign_in"), {"email": coordinator.email, "password": password}
    )
    assert response.status_code == 429
    assert "You cannot sign in for now" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_returns_to_a_safe_next_page_only(client, coordinator, password):
    ok = client.post(
        reverse("accounts:sign_in") + "?next=/people/",
        {"email": coordinator.email, "password": password},
    )
    assert ok["Location"] == "/people/"
    other = Client()
    evil = other.post(
        reverse("accounts:sign_in") + "?next=https://evil.example/",
        {"email": coordinator.email, "password": password},
    )
    assert evil["Location"] == reverse("core:home")


def test_a_user_in_two_organisations_switches_between_them(
    sign_in, make_user, organisation, other_organisation
):
    user = make_user(Role.COORDINATOR, organisation=organisation)
    MembershipFactory(user=user, organisation=other_organisation, role=Role.VOLUNTEER)
    client = sign_in(user)
    assert client.get(reverse("core:home"))["Location"] == reverse("accounts:choose_organisation")
    choose = client.get(reverse("accounts:choose_organisation")).content.decode()
    assert organisation.name in choose and other_organisation.name in choose

    client.post(
        reverse("accounts:choose_organisation"), {"organisation": str(other_organisation.pk)}
    )
    home = client.get(reverse("core:home")).content.decode()
    assert f"Acting for {other_organisation.name}" in home
    assert "(change organisation)</span>" in home and "&lt;span" not in home
    assert client.get(reverse("people:list")).status_code == 403  # a volunteer there

    client.post(reverse("accounts:choose_organisation"), {"organisation": str(organisation.pk)})
    assert client.get(reverse("people:list")).status_code == 200  # a coordinator here
    assert AuditEvent.objects.filter(actor=user, action="organisation.switched").count() == 2


def test_nobody_can_switch_to_an_organisation_they_do_not_belong_to(
    sign_in, coordinator, organisation, other_organisation
):
    client = sign_in(coordinator, organisation)
    response = client.post(
        reverse("accounts:choose_organisation"),
        {"organisation": str(other_organisation.pk)},
        follow=True,
    )
    assert "Choose one of your organisations" in response.content.decode()
    assert client.get(reverse("core:home")).content.decode().count(other_organisation.name) == 0


def test_a_removed_membership_takes_effect_at_once(sign_in, coordinator, organisation):
    client = sign_in(coordinator, organisation)
    assert client.get(reverse("people:list")).status_code == 200
    coordinator.memberships.update(is_active=False)
    assert client.get(reverse("people:list"))["Location"] == reverse("accounts:choose_organisation")
