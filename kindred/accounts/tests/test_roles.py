"""Roles by reach (ADR-070, issue 10 item 1): a role is given only by someone whose own role
reaches as far as it does. An organisation admin gives the organisation's roles, a network admin
the network's, the operator any; every refusal saves nothing and is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kindred.accounts import selectors, services
from kindred.accounts.models import NETWORK_ROLES, Invitation, Membership, Role, User
from kindred.accounts.reach import grantable_roles, operator, scope_for
from kindred.accounts.tests.factories import MembershipFactory, OrganisationFactory
from kindred.core.models import AuditEvent
from kindred.core.services import Acting

GIVERS = {Role.ORGANISATION_ADMIN: set(Role) - NETWORK_ROLES, Role.NETWORK_ADMIN: NETWORK_ROLES}


def may_give(granter: Role, granted: Role) -> bool:
    return granted in GIVERS.get(granter, set())


@pytest.fixture
def neighbour(organisation):
    """Another organisation of the same network."""
    return OrganisationFactory(slug="maecare", name="MAEcare Leeds", network=organisation.network)


@pytest.mark.parametrize("granted", sorted(Role))
@pytest.mark.parametrize("granter", sorted(Role))
def test_a_role_gives_only_roles_within_its_own_reach(make_user, organisation, granter, granted):
    giver = make_user(granter, organisation=organisation)
    someone = make_user(organisation=organisation, email="someone@example.com")
    by = Acting(user=giver, organisation=organisation)
    where, network = scope_for(role=granted, organisation=organisation)
    assert (granted in grantable_roles(by=by)) == may_give(granter, granted)
    if may_give(granter, granted):
        membership = services.membership_grant(
            by=by, user=someone, role=granted, organisation=where, network=network
        )
        assert membership.is_active and granted in someone.__class__.objects.get(
            pk=someone.pk
        ).roles_in(organisation)
        return
    with pytest.raises(services.RoleRefused):
        services.membership_grant(
            by=by, user=someone, role=granted, organisation=where, network=network
        )
    assert not Membership.objects.filter(user=someone).exists()
    refused = AuditEvent.objects.get(action="membership.grant_refused")
    assert refused.actor == giver and refused.detail["role"] == granted


@pytest.mark.parametrize("granted", sorted(Role))
@pytest.mark.parametrize("granter", [Role.ORGANISATION_ADMIN, Role.NETWORK_ADMIN])
def test_the_team_form_gives_only_roles_within_reach_and_refuses_a_forged_one(
    client_as, organisation, outbox, granter, granted
):
    client = client_as(granter)
    offered = client.get(reverse("accounts:member_add")).content.decode()
    assert (f'value="{granted.value}"' in offered) == may_give(granter, granted)
    response = client.post(
        reverse("accounts:member_add"),
        {"full_name": "Nadia Hussain", "email": "nadia@example.com", "role": granted.value},
    )
    if may_give(granter, granted):
        assert response["Location"] == reverse("accounts:members")
        assert Invitation.objects.get(email="nadia@example.com").role == granted
        return
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "can give or take away the role" in page
    assert not Invitation.objects.exists() and not User.objects.filter(email="nadia@example.com")
    assert outbox() == []
    assert AuditEvent.objects.filter(action="membership.grant_refused").count() == 1


@pytest.mark.parametrize("role", [Role.NETWORK_ADMIN, Role.COMMISSIONER])
def test_an_organisation_admin_cannot_make_themselves_network_admin(
    make_user, sign_in, organisation, neighbour, role
):
    """The attack as found: an organisation admin POSTs role=network_admin with their own email,
    to read the people of every organisation of the network."""
    admin = make_user(Role.ORGANISATION_ADMIN, organisation=organisation, email="admin@example.com")
    client = sign_in(admin, organisation)
    page = client.post(
        reverse("accounts:member_add"),
        {"full_name": admin.full_name, "email": admin.email, "role": role.value},
    ).content.decode()
    assert f"Only a network admin of {organisation.network.name}" in page
    assert User.objects.get(pk=admin.pk).roles_in(neighbour) == frozenset()
    assert set(Membership.objects.filter(user=admin).values_list("role", flat=True)) == {
        Role.ORGANISATION_ADMIN
    }
    assert not Invitation.objects.exists()
    assert client.get(reverse("matching:network_suggest")).status_code == 403
    assert AuditEvent.objects.filter(
        action="membership.grant_refused", actor=admin, organisation=organisation
    ).exists()


def test_an_organisation_admin_cannot_make_another_user_network_admin(
    make_user, sign_in, organisation, coordinator
):
    admin = make_user(Role.ORGANISATION_ADMIN, organisation=organisation)
    client = sign_in(admin, organisation)
    for email in [coordinator.email, "brand-new@example.com"]:
        page = client.post(
            reverse("accounts:member_add"),
            {"full_name": "Anyone", "email": email, "role": Role.NETWORK_ADMIN.value},
        ).content.decode()
        assert "can give or take away the role network admin" in page
    assert set(Membership.objects.filter(user=coordinator).values_list("role", flat=True)) == {
        Role.COORDINATOR
    }
    assert not User.objects.filter(email="brand-new@example.com").exists()
    assert not Invitation.objects.exists()
    # and straight at the service, without the form
    with pytest.raises(services.RoleRefused):
        services.membership_grant(
            by=Acting(admin, organisation),
            user=coordinator,
            role=Role.NETWORK_ADMIN,
            network=organisation.network,
        )
    assert not Membership.objects.filter(role=Role.NETWORK_ADMIN).exists()


def test_an_organisation_admin_gives_roles_only_in_the_organisation_they_act_for(
    make_user, organisation, neighbour, coordinator
):
    admin = make_user(Role.ORGANISATION_ADMIN, organisation=organisation)
    with pytest.raises(services.RoleRefused, match="organisation admin of MAEcare Leeds"):
        services.membership_grant(
            by=Acting(admin, organisation),
            user=coordinator,
            role=Role.COORDINATOR,
            organisation=neighbour,
        )
    assert not Membership.objects.filter(organisation=neighbour).exists()


def test_a_network_admin_gives_network_roles_of_their_own_network_only(
    make_user, organisation, other_organisation, coordinator
):
    network_admin = make_user(Role.NETWORK_ADMIN, organisation=organisation)
    by = Acting(network_admin, organisation)
    services.membership_grant(
        by=by, user=coordinator, role=Role.COMMISSIONER, network=organisation.network
    )
    assert Role.COMMISSIONER in User.objects.get(pk=coordinator.pk).roles_in(organisation)
    with pytest.raises(services.RoleRefused):
        services.membership_grant(
            by=by, user=coordinator, role=Role.NETWORK_ADMIN, network=other_organisation.network
        )
    with pytest.raises(services.RoleRefused):  # nor a role inside an organisation
        services.membership_grant(
            by=by, user=coordinator, role=Role.ORGANISATION_ADMIN, organisation=organisation
        )
    assert set(Membership.objects.filter(user=coordinator).values_list("role", flat=True)) == {
        Role.COORDINATOR,
        Role.COMMISSIONER,
    }


def test_a_network_role_is_held_in_the_network_and_reaches_each_of_its_organisations(
    make_user, sign_in, organisation, neighbour, other_organisation
):
    network_admin = make_user(Role.NETWORK_ADMIN, organisation=organisation)
    membership = network_admin.memberships.get()
    assert membership.organisation is None and membership.network == organisation.network
    assert set(selectors.organisations_for(user=network_admin)) == {organisation, neighbour}
    assert network_admin.roles_in(neighbour) == {Role.NETWORK_ADMIN}
    assert network_admin.roles_in(other_organisation) == frozenset()
    home = sign_in(network_admin, neighbour).get(reverse("core:home")).content.decode()
    assert "Acting for MAEcare Leeds" in home and "Across the network" in home


def test_the_database_refuses_a_network_role_held_in_an_organisation(organisation, coordinator):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=coordinator, organisation=organisation, role=Role.NETWORK_ADMIN
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=coordinator, network=organisation.network, role=Role.COORDINATOR
        )


def test_the_wrong_scope_is_refused_even_for_the_operator(organisation, coordinator):
    by = operator("test")
    with pytest.raises(services.WrongScope, match="role across a network"):
        services.membership_grant(
            by=by, user=coordinator, role=Role.NETWORK_ADMIN, organisation=organisation
        )
    with pytest.raises(services.WrongScope, match="role in one organisation"):
        services.membership_grant(
            by=by, user=coordinator, role=Role.COORDINATOR, network=organisation.network
        )


def test_the_operator_gives_any_role_once_and_every_organisation_of_the_network_sees_it(
    organisation, neighbour, coordinator
):
    by = operator("test")
    for _ in range(2):
        services.membership_grant(
            by=by, user=coordinator, role=Role.NETWORK_ADMIN, network=organisation.network
        )
    granted = AuditEvent.objects.filter(action="membership.granted", actor_label="operator (test)")
    assert {e.organisation for e in granted} == {organisation, neighbour}  # once in each


def test_an_organisation_admin_cannot_take_away_a_network_role_but_a_network_admin_can(
    make_user, sign_in, organisation, coordinator
):
    network_admin = make_user(Role.NETWORK_ADMIN, organisation=organisation)
    membership = network_admin.memberships.get()
    admin = make_user(Role.ORGANISATION_ADMIN, organisation=organisation)
    url = reverse("accounts:membership_end", kwargs={"membership_id": membership.pk})

    team = sign_in(admin, organisation).get(reverse("accounts:members")).content.decode()
    assert "Roles across" in team and network_admin.full_name in team
    refused = sign_in(admin, organisation).post(url, follow=True).content.decode()
    assert "Only a network admin of" in refused
    membership.refresh_from_db()
    assert membership.is_active
    assert AuditEvent.objects.filter(action="membership.end_refused", actor=admin).exists()

    # A network admin cannot take away an organisation's role either...
    other_network_admin = make_user(Role.NETWORK_ADMIN, organisation=organisation)
    as_network_admin = sign_in(other_network_admin, organisation)
    coordinator_role = coordinator.memberships.get()
    as_network_admin.post(
        reverse("accounts:membership_end", kwargs={"membership_id": coordinator_role.pk})
    )
    coordinator_role.refresh_from_db()
    assert coordinator_role.is_active
    # ...but can take away a network role of their network.
    as_network_admin.post(url)
    membership.refresh_from_db()
    assert not membership.is_active


def test_a_network_admin_still_matches_across_the_network(sign_in, make_user, organisation):
    network_admin = make_user(Role.NETWORK_ADMIN, organisation=organisation)
    assert (
        sign_in(network_admin, organisation).get(reverse("matching:network_suggest")).status_code
        == 200
    )


def test_membership_factory_keeps_organisation_roles_in_the_organisation(organisation):
    membership = MembershipFactory(organisation=organisation, role=Role.COORDINATOR)
    assert membership.organisation == organisation and membership.network is None
