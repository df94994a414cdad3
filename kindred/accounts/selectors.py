"""Reads about users, organisations and memberships."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kindred.accounts.models import NETWORK_ROLES, Invitation, Membership, Organisation, Role, User
from kindred.people.models import Person


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


@dataclass(frozen=True)
class OrganisationFigures:
    """Counts for one organisation that hold no personal data."""

    organisation: Organisation
    people: int
    volunteers: int
    members: int


def network_figures(*, organisation: Organisation) -> list[OrganisationFigures]:
    """Each organisation in the same network as this one (or just this one), with counts.
    Three grouped queries, whatever the number of organisations."""
    scope = list(
        Organisation.objects.filter(network=organisation.network, is_active=True)
        if organisation.network_id
        else Organisation.objects.filter(pk=organisation.pk)
    )
    ids = [o.pk for o in scope]
    people = dict(
        Person.objects.filter(organisation__in=ids)
        .values_list("organisation")
        .annotate(n=Count("id"))
        .values_list("organisation", "n")
    )
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
    return [
        OrganisationFigures(o, people.get(o.pk, 0), volunteers.get(o.pk, 0), members.get(o.pk, 0))
        for o in scope
    ]
