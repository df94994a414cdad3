"""Reads about users, organisations and memberships."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet

from kindred.accounts.models import Membership, Organisation, Role, User
from kindred.people.models import Person


def organisations_for(*, user: User) -> QuerySet[Organisation]:
    """The organisations a user may act for: active ones where they hold an active role."""
    return (
        Organisation.objects.filter(
            is_active=True, memberships__user=user, memberships__is_active=True
        )
        .select_related("network")
        .distinct()
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
    return (
        organisation.memberships.filter(is_active=True)
        .select_related("user")
        .order_by("user__full_name", "role")
    )


def role_counts(*, organisation: Organisation) -> list[tuple[str, int]]:
    counts = dict(
        organisation.memberships.filter(is_active=True)
        .values_list("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    return [(role.label, counts.get(role.value, 0)) for role in Role]


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
