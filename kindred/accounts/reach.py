"""Who may give which role (ADR-070). A role reaches one organisation, or (network admin,
commissioner) every organisation of one network. Whoever gives or takes away a role must reach
at least as far as the role does:

- an organisation admin gives and takes away the organisation's own roles, in that organisation;
- a network admin gives and takes away the network roles of their own network;
- the operator (the people who run Kindred's servers, through the `kindred` command) gives any.

Nothing else can: a coordinator gives nothing, an organisation admin never a network role, a
network admin never a role inside an organisation (each organisation keeps its own data), with
one exception (ADR-091): a network admin invites the *first* organisation admin of an
organisation of their network that has none, who then runs its own team.
"""

from __future__ import annotations

from dataclasses import dataclass

from kindred.accounts.models import (
    NETWORK_ROLES,
    ORGANISATION_ROLES,
    Membership,
    Network,
    Organisation,
    Role,
)
from kindred.core.services import Acting


@dataclass(frozen=True)
class Operator(Acting):
    """The operator, acting through the `kindred` command (or the demo seed): the one actor
    who may give any role anywhere, or reset anyone's two-step verification. It is a type of its
    own, never a label, so that no user-less web request can ever pass for it."""


def operator(command: str) -> Operator:
    return Operator(user=None, organisation=None, label=f"operator ({command})")


def grantable_roles(*, by: Acting) -> list[Role]:
    """The roles `by` may give, in the organisation it acts for or across its network: what the
    team form offers. Every other role is refused by the services too."""
    if isinstance(by, Operator):
        return list(Role)
    if by.user is None or by.organisation is None:
        return []
    held = by.user.roles_in(by.organisation)
    may: set[Role] = set()
    if Role.ORGANISATION_ADMIN in held:
        may |= ORGANISATION_ROLES
    if Role.NETWORK_ADMIN in held and by.organisation.network_id is not None:
        may |= NETWORK_ROLES
    return [role for role in Role if role in may]


def scope_for(
    *, role: Role, organisation: Organisation
) -> tuple[Organisation | None, Network | None]:
    """Where a role given from `organisation` is held: the organisation itself, or its network."""
    if role.reaches_network:
        return None, organisation.network
    return organisation, None


def wrong_scope(
    *, role: Role, organisation: Organisation | None, network: Network | None
) -> str | None:
    """Why this role cannot be held there (a network role needs a network and no organisation,
    any other role an organisation and no network), or None."""
    if role.reaches_network and (network is None or organisation is not None):
        return f"{role.label} is a role across a network: give a network, not an organisation"
    if not role.reaches_network and (organisation is None or network is not None):
        return f"{role.label} is a role in one organisation: give an organisation, not a network"
    return None


def refusal(
    *, by: Acting, role: Role, organisation: Organisation | None, network: Network | None
) -> str | None:
    """Why `by` may not give or take away `role` there, in plain English; None if it may."""
    if isinstance(by, Operator):
        return None
    name = role.label.lower()
    if role.reaches_network:
        if (
            by.user is not None
            and by.organisation is not None
            and network is not None
            and by.organisation.network_id == network.pk
            and Role.NETWORK_ADMIN in by.user.roles_in(by.organisation)
        ):
            return None
        where = network.name if network is not None else "the network"
        return (
            f"Only a network admin of {where}, or the people who run Kindred, can give or take "
            f"away the role {name}"
        )
    if (
        by.user is not None
        and by.organisation is not None
        and organisation is not None
        and by.organisation.pk == organisation.pk
        and Role.ORGANISATION_ADMIN in by.user.roles_in(organisation)
    ):
        return None
    where = organisation.name if organisation is not None else "the organisation"
    return f"Only an organisation admin of {where} can give or take away the role {name}"


def first_admin_refusal(*, by: Acting, organisation: Organisation) -> str | None:
    """Why `by` may not invite the first organisation admin of `organisation` (or withdraw that
    invitation, or see it accepted), in plain English; None if it may (ADR-091). A network admin
    of the organisation's network, acting for one of its organisations, may while the
    organisation is active and has no active organisation admin: once it has one, its own admins
    run its team and the network admin gives nothing inside it again."""
    if isinstance(by, Operator):
        return None
    if (
        by.user is None
        or by.organisation is None
        or organisation.network_id is None
        or by.organisation.network_id != organisation.network_id
        or Role.NETWORK_ADMIN not in by.user.roles_in(organisation)
    ):
        return (
            f"Only a network admin of the network {organisation.name} belongs to can invite "
            "its first organisation admin"
        )
    if Membership.objects.filter(
        organisation=organisation, role=Role.ORGANISATION_ADMIN, is_active=True
    ).exists():
        return (
            f"{organisation.name} already has an organisation admin: they invite the rest of "
            "its team"
        )
    return None


def invitation_refusal(
    *, by: Acting, role: Role, organisation: Organisation | None, network: Network | None
) -> str | None:
    """Why `by` may not invite someone to `role` there (or withdraw the invitation), or None:
    `refusal`, except that a network admin may invite an organisation's first admin."""
    reason = refusal(by=by, role=role, organisation=organisation, network=network)
    if (
        reason
        and role == Role.ORGANISATION_ADMIN
        and organisation is not None
        and first_admin_refusal(by=by, organisation=organisation) is None
    ):
        return None
    return reason
