"""Organisation admins run their team: add people with a role, take roles away. New people set
their own password from an emailed link."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from kindred.accounts.models import Membership, Role, User
from kindred.core.models import AuditEvent


@pytest.fixture
def admin_client(client_as):
    return client_as(Role.ORGANISATION_ADMIN)


def link_in(message) -> str:
    found = re.search(r"http://testserver(/set-password/\S+/)", message["body"])
    assert found is not None, message["body"]
    return found.group(1)


def test_an_admin_adds_someone_new_who_then_sets_their_password(admin_client, organisation, outbox):
    response = admin_client.post(
        reverse("accounts:member_add"),
        {"full_name": "Nadia Hussain", "email": "Nadia@Example.com", "role": Role.VOLUNTEER},
    )
    assert response["Location"] == reverse("accounts:members")
    user = User.objects.get(email="nadia@example.com")
    assert user.roles_in(organisation) == frozenset()  # not until they accept (ADR-071)
    assert not user.has_usable_password()
    [message] = outbox()
    assert message["to"] == "nadia@example.com" and organisation.name in message["subject"]

    visitor = Client()
    link = link_in(message)
    page = visitor.get(link).content.decode()
    assert "Choose your password" in page
    mismatch = visitor.post(link, {"password": "tangerine-harbour-90", "confirm": "other"})
    assert "The passwords do not match" in mismatch.content.decode()
    weak = visitor.post(link, {"password": "short", "confirm": "short"})
    assert "This password is too short" in weak.content.decode()
    done = visitor.post(
        link, {"password": "tangerine-harbour-90", "confirm": "tangerine-harbour-90"}
    )
    assert done["Location"] == reverse("accounts:sign_in")
    user.refresh_from_db()
    assert user.check_password("tangerine-harbour-90")
    assert "expired or has already been used" in visitor.get(link).content.decode()  # one use
    assert AuditEvent.objects.filter(action="user.password_set", target_id=str(user.pk)).exists()

    # Signed in, they find the invitation and accept it: only now are they in the team.
    visitor.post(
        reverse("accounts:sign_in"), {"email": user.email, "password": "tangerine-harbour-90"}
    )
    choose = visitor.get(reverse("accounts:choose_organisation")).content.decode()
    assert "You have 1 invitation to take a role" in choose
    [invitation] = user.invitations.all()
    visitor.post(
        reverse("accounts:invitation_answer", kwargs={"invitation_id": invitation.pk}),
        {"answer": "accept"},
    )
    assert User.objects.get(pk=user.pk).roles_in(organisation) == {Role.VOLUNTEER}


def test_bad_team_member_input_shows_errors_and_changes_nothing(admin_client, coordinator):
    before = Membership.objects.count()
    page = admin_client.post(
        reverse("accounts:member_add"), {"full_name": "", "email": "nope", "role": "wizard"}
    ).content.decode()
    assert (
        "Enter their full name" in page and "Enter an email address in the correct format" in page
    )
    assert "Choose one of the roles" in page
    duplicate = admin_client.post(
        reverse("accounts:member_add"),
        {"full_name": "x", "email": coordinator.email, "role": Role.COORDINATOR},
    ).content.decode()
    assert "They are already coordinator here" in duplicate
    assert Membership.objects.count() == before


def test_an_admin_removes_a_role_and_it_takes_effect_at_once(
    admin_client, coordinator, organisation, sign_in
):
    membership = coordinator.memberships.get()
    response = admin_client.post(
        reverse("accounts:membership_end", kwargs={"membership_id": membership.pk})
    )
    assert response["Location"] == reverse("accounts:members")
    membership.refresh_from_db()
    assert not membership.is_active
    assert sign_in(coordinator, organisation).get(reverse("people:list")).status_code == 302
    assert AuditEvent.objects.filter(
        action="membership.ended", target_id=str(membership.pk)
    ).exists()


def test_the_last_organisation_admin_cannot_be_removed(client_as, organisation):
    client = client_as(Role.ORGANISATION_ADMIN)
    own = Membership.objects.get(organisation=organisation, role=Role.ORGANISATION_ADMIN)
    page = client.post(
        reverse("accounts:membership_end", kwargs={"membership_id": own.pk}), follow=True
    ).content.decode()
    assert "must keep at least one organisation admin" in page
    own.refresh_from_db()
    assert own.is_active


def test_forgotten_password_never_says_who_has_an_account(client, coordinator, outbox):
    known = client.post(reverse("accounts:forgotten_password"), {"email": coordinator.email})
    unknown = client.post(reverse("accounts:forgotten_password"), {"email": "nobody@example.com"})
    assert (
        known.content.decode().count("Check your email")
        == unknown.content.decode().count("Check your email")
        >= 1
    )
    [message] = outbox()
    assert message["to"] == coordinator.email and "/set-password/" in message["body"]
