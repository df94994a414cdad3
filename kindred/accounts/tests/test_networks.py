"""Networks and organisations without a shell (ADR-091): the operator's services, and a network
admin's pages: the network's organisations, inviting an organisation's first admin, and who holds
roles across the network. Network admins of another network, and every organisation role, are
refused (the route test attacks each page too: kindred/accounts/tests/access.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kindred.accounts import selectors, services
from kindred.accounts.models import Invitation, Membership, Network, Organisation, Role, User
from kindred.accounts.reach import operator
from kindred.accounts.tests.factories import (
    NetworkFactory,
    OrganisationFactory,
    UserFactory,
)
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.core.transitions import DomainError

BASE_URL = "https://kindred.example/"


@pytest.fixture
def neighbour(organisation):
    """An organisation of the same network with no organisation admin yet."""
    return OrganisationFactory(
        slug="maecare", name="MAEcare Leeds", network=organisation.network, kind="neighbourhood"
    )


@pytest.fixture
def network_admin(make_user, organisation):
    return make_user(Role.NETWORK_ADMIN, organisation=organisation, email="jo@example.com")


def as_network_admin(user, organisation):
    return Acting(user=User.objects.get(pk=user.pk), organisation=organisation)


def invite_first_admin(client, organisation, email="ruth@example.com", name="Ruth Adeyemi"):
    return client.post(
        reverse("accounts:network_admin_invite", kwargs={"organisation_id": organisation.pk}),
        {"full_name": name, "email": email},
    )


# The operator's services.


@pytest.mark.parametrize(
    ("kind", "is_nhs"),
    [
        (Organisation.Kind.NHS, True),
        (Organisation.Kind.GP_PRACTICE, True),
        (Organisation.Kind.CHARITY, False),
        (Organisation.Kind.NEIGHBOURHOOD, False),
        (Organisation.Kind.COUNCIL, False),
    ],
)
def test_an_organisation_is_an_nhs_body_by_its_kind_unless_the_operator_says(db, kind, is_nhs):
    by = operator("test")
    made, created = services.organisation_create(by=by, slug="by-kind", name="By kind", kind=kind)
    assert created and made.is_nhs is is_nhs
    said, _ = services.organisation_create(
        by=by, slug="said", name="Said", kind=kind, is_nhs=not is_nhs
    )
    assert said.is_nhs is (not is_nhs)
    assert services.organisation_ensure(by=by, slug="ensured", name="E", kind=kind).is_nhs is is_nhs


def test_the_operators_changes_are_in_the_organisations_own_log(db):
    by = operator("kindred organisation create")
    network, _ = services.network_create(by=by, slug="leeds", name="Leeds")
    maecare, _ = services.organisation_create(by=by, slug="maecare", name="MAEcare")
    services.network_add_organisation(by=by, network=network, organisation=maecare)
    services.organisation_update(by=by, organisation=maecare, is_nhs=True)
    assert list(
        AuditEvent.objects.order_by("occurred_at").values_list("action", "organisation__slug")
    ) == [
        ("network.created", None),
        ("organisation.created", "maecare"),
        ("network.organisation_added", "maecare"),
        ("organisation.updated", "maecare"),
    ]
    assert {e.actor_label for e in AuditEvent.objects.all()} == {
        "operator (kindred organisation create)"
    }


def test_an_organisation_in_another_network_is_refused_and_stays_where_it_is(
    organisation, other_organisation
):
    with pytest.raises(services.SetUpRefused, match="already in the network") as refused:
        services.network_add_organisation(
            by=operator("test"), network=other_organisation.network, organisation=organisation
        )
    assert isinstance(refused.value, DomainError)
    organisation.refresh_from_db()
    assert organisation.network.slug == "stockport"
    assert not AuditEvent.objects.exists()


def test_an_update_that_changes_nothing_records_nothing(organisation):
    _, changed = services.organisation_update(
        by=operator("test"), organisation=organisation, name="  Crafty   Needles ", is_nhs=False
    )
    assert changed == [] and not AuditEvent.objects.exists()


# Inviting an organisation's first admin.


def test_a_network_admin_invites_an_organisations_first_admin_who_then_runs_its_team(
    sign_in, network_admin, organisation, neighbour, outbox
):
    client = sign_in(network_admin, organisation)
    response = invite_first_admin(client, neighbour)
    assert response["Location"] == reverse("accounts:network")
    [invitation] = Invitation.objects.all()
    assert (invitation.organisation, invitation.role, invitation.invited_by) == (
        neighbour,
        Role.ORGANISATION_ADMIN,
        network_admin,
    )
    # Sent from MAEcare, in MAEcare's log: its future admins see who invited them.
    sent = AuditEvent.objects.get(action="invitation.sent")
    assert (sent.organisation, sent.actor) == (neighbour, network_admin)
    [message] = [m for m in outbox() if m["to"] == "ruth@example.com"]
    assert "to join MAEcare Leeds on Kindred as organisation admin" in message["body"]
    assert "/set-password/" in message["body"]  # someone new chooses a password first

    ruth = User.objects.get(email="ruth@example.com")
    ruth.set_password("a-long-enough-passphrase-2026")
    ruth.save()
    sign_in(ruth).post(
        reverse("accounts:invitation_answer", kwargs={"invitation_id": invitation.pk}),
        {"answer": "accept"},
    )
    assert User.objects.get(pk=ruth.pk).roles_in(neighbour) == {Role.ORGANISATION_ADMIN}
    assert not User.objects.get(pk=ruth.pk).roles_in(organisation)

    # MAEcare has its admin now: the network admin gives nothing inside it any more.
    page = client.get(
        reverse("accounts:network_admin_invite", kwargs={"organisation_id": neighbour.pk})
    ).content.decode()
    assert "already has an organisation admin" in page and "Send the invitation" not in page
    refused = invite_first_admin(client, neighbour, email="second@example.com")
    assert "already has an organisation admin" in refused.content.decode()
    assert not Invitation.objects.filter(email="second@example.com").exists()
    assert AuditEvent.objects.filter(action="membership.grant_refused").count() == 1


def test_the_second_first_admin_to_accept_is_asked_to_be_invited_by_the_first(
    network_admin, organisation, neighbour, outbox
):
    by = as_network_admin(network_admin, organisation)
    first, second = (
        services.organisation_first_admin_invite(
            by=by, organisation=neighbour, email=email, full_name=email, base_url=BASE_URL
        )
        for email in ("ruth@example.com", "sam@example.com")
    )
    services.invitation_accept(
        by=Acting(user=first.user, organisation=None), invitation_id=first.pk
    )
    with pytest.raises(services.InvitationError, match="can no longer give this role"):
        services.invitation_accept(
            by=Acting(user=second.user, organisation=None), invitation_id=second.pk
        )
    assert list(
        Membership.objects.filter(organisation=neighbour).values_list("user__email", flat=True)
    ) == ["ruth@example.com"]


@pytest.mark.parametrize(
    "who", ["organisation admin", "coordinator", "another network's admin", "outside the network"]
)
def test_only_a_network_admin_invites_the_first_admin_of_an_organisation_of_their_network(
    make_user, organisation, other_organisation, neighbour, network_admin, charlie, outbox, who
):
    target = neighbour
    if who == "organisation admin":
        by = Acting(
            user=make_user(Role.ORGANISATION_ADMIN, organisation=organisation),
            organisation=organisation,
        )
    elif who == "coordinator":
        by = Acting(
            user=make_user(Role.COORDINATOR, organisation=neighbour), organisation=neighbour
        )
    elif who == "another network's admin":
        by = Acting(user=charlie, organisation=other_organisation)
    else:
        by, target = as_network_admin(network_admin, organisation), other_organisation
    with pytest.raises(services.RoleRefused, match="Only a network admin of the network"):
        services.organisation_first_admin_invite(
            by=by, organisation=target, email="x@example.com", full_name="X", base_url=BASE_URL
        )
    assert not Invitation.objects.exists() and not User.objects.filter(email="x@example.com")
    assert outbox() == []
    refused = AuditEvent.objects.get(action="membership.grant_refused")
    assert refused.detail["role"] == Role.ORGANISATION_ADMIN
    assert refused.detail["organisation"] == target.slug


def test_a_network_admin_withdraws_a_first_admin_invitation_until_the_organisation_has_an_admin(
    sign_in, network_admin, organisation, neighbour, make_user, outbox
):
    client = sign_in(network_admin, organisation)
    invite_first_admin(client, neighbour)
    invite_first_admin(client, neighbour, email="sam@example.com", name="Sam Lee")
    ruth, sam = Invitation.objects.order_by("email")
    withdrawn = client.post(
        reverse("accounts:network_invitation_withdraw", kwargs={"invitation_id": ruth.pk})
    )
    assert withdrawn["Location"] == reverse(
        "accounts:network_admin_invite", kwargs={"organisation_id": neighbour.pk}
    )
    ruth.refresh_from_db()
    assert ruth.status == Invitation.Status.WITHDRAWN
    assert AuditEvent.objects.get(action="invitation.withdrawn").organisation == neighbour

    make_user(Role.ORGANISATION_ADMIN, organisation=neighbour)
    refused = client.post(
        reverse("accounts:network_invitation_withdraw", kwargs={"invitation_id": sam.pk}),
        follow=True,
    )
    assert "already has an organisation admin" in refused.content.decode()
    sam.refresh_from_db()
    assert sam.status == Invitation.Status.PENDING  # its own admin decides now


def test_an_organisation_outside_the_network_or_closed_is_not_found(
    sign_in, network_admin, organisation, other_organisation, neighbour
):
    client = sign_in(network_admin, organisation)
    neighbour.is_active = False
    neighbour.save()
    for elsewhere in (other_organisation, neighbour):
        url = reverse("accounts:network_admin_invite", kwargs={"organisation_id": elsewhere.pk})
        assert client.get(url).status_code == 404
        assert invite_first_admin(client, elsewhere).status_code == 404
    assert not Invitation.objects.exists()


def test_bad_input_shows_errors_and_sends_nothing(
    sign_in, network_admin, organisation, neighbour, outbox
):
    response = invite_first_admin(
        sign_in(network_admin, organisation), neighbour, email="not-an-email", name=""
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert (
        "Enter their full name" in page and "Enter an email address in the correct format" in page
    )
    assert not Invitation.objects.exists() and outbox() == []


# The network admin's pages.


def test_the_network_page_shows_each_organisation_and_whether_it_has_an_admin(
    sign_in, network_admin, organisation, neighbour, other_organisation, make_user
):
    surgery = OrganisationFactory(
        slug="surgery",
        name="Chapeltown Surgery",
        network=organisation.network,
        kind="gp_practice",
        is_nhs=True,
    )
    OrganisationFactory(
        slug="closed", name="Closed Club", network=organisation.network, is_active=False
    )
    make_user(Role.ORGANISATION_ADMIN, Role.COORDINATOR, organisation=organisation)
    make_user(Role.VOLUNTEER, organisation=organisation)
    client = sign_in(network_admin, organisation)
    invite_first_admin(client, neighbour)
    page = client.get(reverse("accounts:network")).content.decode()
    text = " ".join(page.split())
    assert "Chapeltown Surgery</td> <td>GP practice</td> <td>Yes</td>" in text
    assert "MAEcare Leeds</td> <td>Neighbourhood network</td> <td>No</td>" in text
    assert "Crafty Needles</td> <td>Charity or voluntary group</td> <td>No</td>" in text
    assert "Closed" in text and "Elsewhere Trust" not in text
    # Crafty Needles: two people (one holding two roles), one admin; MAEcare: an invitation
    # waiting; the surgery: nobody yet.
    assert '<td class="nhsuk-table__cell--numeric">2</td> <td> 1 admin </td>' in text
    assert "Invitation waiting." in text and "None yet." in text
    invite_link = reverse("accounts:network_admin_invite", kwargs={"organisation_id": surgery.pk})
    assert invite_link in page


def test_the_network_page_takes_the_same_queries_for_3_organisations_as_for_37(
    sign_in, network_admin, organisation, make_user
):
    def add(n: int) -> None:
        for i in range(n):
            added = OrganisationFactory(network=organisation.network, name=f"Neighbourhood {i}")
            make_user(Role.ORGANISATION_ADMIN, Role.VOLUNTEER, organisation=added)
            Invitation.objects.create(
                organisation=added,
                user=UserFactory(),
                full_name="Invited",
                email="invited@example.com",
                role=Role.ORGANISATION_ADMIN,
                expires_at=timezone.now() + dt.timedelta(days=14),
            )

    client = sign_in(network_admin, organisation)
    add(2)
    client.get(reverse("accounts:network"))  # the session and caches warmed alike
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("accounts:network")).content.decode().count("<tr>") == 1 + 3
    add(34)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("accounts:network")).content.decode().count("<tr>") == 1 + 37
    assert len(many) == len(few)


def test_the_roles_page_shows_who_holds_roles_across_this_network_only(
    sign_in, network_admin, organisation, other_organisation, make_user, charlie, outbox
):
    commissioner = make_user(
        Role.COMMISSIONER, organisation=organisation, email="helen@example.com"
    )
    coordinator = make_user(Role.COORDINATOR, organisation=organisation, email="priya@example.com")
    client = sign_in(network_admin, organisation)
    client.post(
        reverse("accounts:member_add"),
        {"full_name": "Typed Commissioner", "email": "new@example.com", "role": "commissioner"},
    )
    page = client.get(reverse("accounts:network_roles")).content.decode()
    assert network_admin.email in page and commissioner.email in page
    assert "Typed Commissioner" in page  # invited, not yet answered
    assert coordinator.email not in page  # an organisation role, not the network's
    assert charlie.email not in page  # another network's admin


def test_a_network_admin_is_led_to_the_network_pages_and_nobody_else_is(
    sign_in, network_admin, organisation, neighbour, make_user
):
    client = sign_in(network_admin, organisation)
    home = client.get(reverse("core:home")).content.decode()
    network = organisation.network.name
    assert f"2 organisations in {network}; 2 with no organisation admin yet." in home
    assert f'href="{reverse("accounts:network")}"' in home  # in the panel and the header
    assert home.count(f'href="{reverse("accounts:network")}"') == 2
    make_user(Role.ORGANISATION_ADMIN, organisation=organisation)
    home = client.get(reverse("core:home")).content.decode()
    assert f"2 organisations in {network}; 1 with no organisation admin yet." in home
    for role in (Role.ORGANISATION_ADMIN, Role.COMMISSIONER):
        other = make_user(role, organisation=organisation)
        home = sign_in(other, organisation).get(reverse("core:home")).content.decode()
        assert reverse("accounts:network") not in home


def test_a_network_admin_of_another_network_sees_only_their_own(
    sign_in, charlie, other_organisation, organisation, network_admin
):
    client = sign_in(charlie, other_organisation)
    page = client.get(reverse("accounts:network")).content.decode()
    assert "Elsewhere Trust" in page and "Crafty Needles" not in page
    url = reverse("accounts:network_admin_invite", kwargs={"organisation_id": organisation.pk})
    assert client.get(url).status_code == 404
    roles = client.get(reverse("accounts:network_roles")).content.decode()
    assert network_admin.email not in roles and charlie.email in roles


def test_network_list_selector_groups_organisations_under_their_network(
    organisation, other_organisation
):
    OrganisationFactory(slug="alone", name="Alone", network=None)
    NetworkFactory(slug="empty", name="Empty")
    with CaptureQueriesContext(connection) as queries:
        listed = selectors.networks_with_organisations()
    assert len(queries) == 2
    assert [(n.slug if n else None, [o.slug for o in os]) for n, os in listed] == [
        ("elsewhere", ["elsewhere"]),
        ("empty", []),
        ("stockport", ["crafty-needles"]),
        (None, ["alone"]),
    ]
    assert isinstance(listed[0][0], Network)


@pytest.mark.django_db(transaction=True)
def test_the_migration_marks_existing_nhs_teams_and_gp_practices_as_nhs_bodies():
    for kind in Organisation.Kind.values:
        OrganisationFactory(slug=kind.replace("_", "-"), kind=kind, is_nhs=False)
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("accounts", "0004_password_links")])  # before the column
    finally:
        call_command("migrate", verbosity=0)
    assert dict(Organisation.objects.values_list("kind", "is_nhs")) == {
        "charity": False,
        "council": False,
        "gp_practice": True,
        "neighbourhood": False,
        "nhs": True,
    }
