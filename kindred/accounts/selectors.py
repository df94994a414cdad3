"""Reads about users, organisations and memberships."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from kindred.accounts.models import (
    NETWORK_ROLES,
    ApiToken,
    Invitation,
    Membership,
    Network,
    Organisation,
    Role,
    User,
)


def organisations_for(*, user: User) -> QuerySet[Organisation]:
    """The organisations a user may act for: active ones where they hold an active role, and
    every active one of a network where they hold an active network role (ADR-070)."""
    held = Membership.objects.filter(user=user, is_active=True)
    return (
        Organisation.objects.filter(is_active=True)
        .filter(
            Q(pk__in=held.filter(organisation__isnull=False).values("organisation_id"))
            | Q(network_id__in=held.filter(network__isnull=False).values("network_id"))
        )
        .select_related("network")
        .order_by("name")
    )


def organisation_for_session(*, user: User, organisation_id: str | None) -> Organisation | None:
    """The organisation the user chose, if they still belong to it; if they belong to just one,
    that one; otherwise none (they are asked to choose)."""
    organisations = organisations_for(user=user)
    if organisation_id:
        try:
            chosen = organisations.filter(pk=organisation_id).first()
        except (ValueError, ValidationError):  # a malformed id in the session
            chosen = None
        if chosen is not None:
            return chosen
    first_two = list(organisations[:2])
    return first_two[0] if len(first_two) == 1 else None


def members_of(*, organisation: Organisation) -> QuerySet[Membership]:
    """The roles held in this organisation itself."""
    return (
        organisation.memberships.filter(is_active=True)
        .select_related("user", "organisation")
        .order_by("user__full_name", "role")
    )


def network_members_of(*, organisation: Organisation) -> QuerySet[Membership]:
    """The roles held across this organisation's network (network admins, commissioners): they
    reach this organisation too, so its admins see who holds them. None outside a network."""
    if organisation.network_id is None:
        return Membership.objects.none()
    return (
        Membership.objects.filter(network_id=organisation.network_id, is_active=True)
        .select_related("user", "network")
        .order_by("user__full_name", "role")
    )


def membership_reaching(
    *, organisation: Organisation, membership_id: uuid.UUID | str
) -> Membership | None:
    """A role held in this organisation or across its network, by id; None if neither."""
    reach = Q(organisation=organisation)
    if organisation.network_id is not None:
        reach |= Q(network_id=organisation.network_id)
    try:
        return (
            Membership.objects.filter(reach, is_active=True, pk=membership_id)
            .select_related("user", "organisation", "network")
            .first()
        )
    except (ValueError, ValidationError):
        return None


def invitations_pending_for(*, organisation: Organisation) -> QuerySet[Invitation]:
    """Invitations this organisation sent that are still waiting, shown under the name and email
    the admin typed (never the account's own)."""
    return organisation.invitations.filter(
        status=Invitation.Status.PENDING, expires_at__gt=timezone.now()
    ).order_by("full_name", "role")


def invitations_waiting_for(*, user: User) -> QuerySet[Invitation]:
    """Invitations the user may still accept or decline."""
    return (
        user.invitations.filter(
            status=Invitation.Status.PENDING,
            expires_at__gt=timezone.now(),
            organisation__is_active=True,
        )
        .select_related("organisation", "organisation__network", "invited_by")
        .order_by("expires_at")
    )


def role_counts(*, organisation: Organisation) -> list[tuple[str, int]]:
    counts = dict(
        organisation.memberships.filter(is_active=True)
        .values_list("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    return [(role.label, counts.get(role.value, 0)) for role in Role if role not in NETWORK_ROLES]


def members_never_signed_in(*, organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        last_login__isnull=True,
        memberships__organisation=organisation,
        memberships__is_active=True,
    ).distinct()


def contacts_with_role(
    *, organisation: Organisation, roles: Sequence[Role]
) -> QuerySet[Membership]:
    return members_of(organisation=organisation).filter(role__in=[str(r) for r in roles])


def network_scope(*, organisation: Organisation) -> list[Organisation]:
    """The active organisations of this organisation's network, or just this one outside a
    network: the organisations a commissioner's figures cover."""
    if organisation.network_id is None:
        return [organisation]
    return list(
        Organisation.objects.filter(network=organisation.network, is_active=True).order_by("name")
    )


@dataclass(frozen=True)
class TeamSize:
    """How many people hold a role in an organisation (counts only, no personal data)."""

    volunteers: int
    members: int


def team_sizes(*, organisations: Sequence[Organisation]) -> dict[uuid.UUID, TeamSize]:
    """For each organisation (by id): its volunteers and everyone holding any role there. Two
    grouped queries, whatever the number of organisations."""
    ids = [o.pk for o in organisations]
    active = Membership.objects.filter(organisation__in=ids, is_active=True)
    volunteers = dict(
        active.filter(role=Role.VOLUNTEER)
        .values_list("organisation")
        .annotate(n=Count("user", distinct=True))
        .values_list("organisation", "n")
    )
    members = dict(
        active.values_list("organisation")
        .annotate(n=Count("user", distinct=True))
        .values_list("organisation", "n")
    )
    return {i: TeamSize(volunteers.get(i, 0), members.get(i, 0)) for i in ids}


@dataclass(frozen=True)
class NetworkOrganisation:
    """One organisation of a network as its network admin sees it (ADR-091): what it is and
    whether it has its own admin yet; counts of its team, no names."""

    organisation: Organisation
    members: int
    admins: int
    admin_invited: bool  # an invitation to be its organisation admin is waiting for an answer


def network_organisations(*, network: Network) -> list[NetworkOrganisation]:
    """Every organisation of the network, active or not, by name. Three queries, whatever the
    number of organisations (Leeds alone has 37 neighbourhood networks)."""
    organisations = list(network.organisations.order_by("name"))
    ids = [o.pk for o in organisations]
    counts: dict[uuid.UUID, tuple[int, int]] = {
        organisation_id: (members, admins)
        for organisation_id, members, admins in Membership.objects.filter(
            organisation__in=ids, is_active=True
        )
        .values_list("organisation")
        .annotate(
            members=Count("user", distinct=True),
            admins=Count("user", distinct=True, filter=Q(role=Role.ORGANISATION_ADMIN)),
        )
        .values_list("organisation", "members", "admins")
    }
    invited = set(admin_invitations_in(network=network).values_list("organisation_id", flat=True))
    return [
        NetworkOrganisation(
            organisation=o,
            members=counts.get(o.pk, (0, 0))[0],
            admins=counts.get(o.pk, (0, 0))[1],
            admin_invited=o.pk in invited,
        )
        for o in organisations
    ]


def network_summary(*, network: Network) -> tuple[int, int]:
    """How many active organisations the network has, and how many of them have no active
    organisation admin yet: the network admin's home panel. One query."""
    has_admin = Membership.objects.filter(
        organisation=OuterRef("pk"), role=Role.ORGANISATION_ADMIN, is_active=True
    )
    counts = network.organisations.filter(is_active=True).aggregate(
        total=Count("pk"), without_admin=Count("pk", filter=~Exists(has_admin))
    )
    return counts["total"], counts["without_admin"]


def network_organisation(
    *, network: Network, organisation_id: uuid.UUID | str
) -> Organisation | None:
    """An active organisation of the network, by id; None for any other (ADR-091)."""
    try:
        return (
            network.organisations.filter(is_active=True, pk=organisation_id)
            .select_related("network")
            .first()
        )
    except (ValueError, ValidationError):
        return None


def admin_invitations_in(*, network: Network) -> QuerySet[Invitation]:
    """Invitations still waiting to be an organisation admin of one of the network's active
    organisations: the first admins its network admins invite (ADR-091), and any an
    organisation's own admins sent."""
    return (
        Invitation.objects.filter(
            organisation__network=network,
            organisation__is_active=True,
            role=Role.ORGANISATION_ADMIN,
            status=Invitation.Status.PENDING,
            expires_at__gt=timezone.now(),
        )
        .select_related("organisation")
        .order_by("organisation__name", "full_name")
    )


def network_role_holders(*, network: Network) -> QuerySet[Membership]:
    """Who holds a role across the network (network admins, commissioners)."""
    return (
        Membership.objects.filter(network=network, is_active=True)
        .select_related("user")
        .order_by("role", "user__full_name")
    )


def network_role_invitations(*, network: Network) -> QuerySet[Invitation]:
    """Invitations to a role across the network still waiting for an answer, under the name
    and email typed when they were sent."""
    return (
        Invitation.objects.filter(
            organisation__network=network,
            role__in=sorted(NETWORK_ROLES),
            status=Invitation.Status.PENDING,
            expires_at__gt=timezone.now(),
        )
        .select_related("organisation")
        .order_by("role", "full_name")
    )


def networks_with_organisations() -> list[tuple[Network | None, list[Organisation]]]:
    """Every network with its organisations, by slug, then the organisations in no network
    (under None) if there are any: what `kindred network list` prints. Two queries."""
    by_network: dict[uuid.UUID | None, list[Organisation]] = {}
    for organisation in Organisation.objects.order_by("slug"):
        by_network.setdefault(organisation.network_id, []).append(organisation)
    listed: list[tuple[Network | None, list[Organisation]]] = [
        (network, by_network.get(network.pk, [])) for network in Network.objects.order_by("slug")
    ]
    if None in by_network:
        listed.append((None, by_network[None]))
    return listed


def tokens_of(*, organisation: Organisation) -> QuerySet[ApiToken]:
    """The organisation's API tokens, newest first, for its token page (ADR-119)."""
    return ApiToken.objects.filter(organisation=organisation).select_related("created_by")
