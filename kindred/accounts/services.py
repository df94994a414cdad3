"""Writes about users, organisations and memberships. Each is audited."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.db import transaction
from django.http import HttpRequest

from kindred.accounts import selectors
from kindred.accounts.models import Membership, Network, Organisation, Role, User
from kindred.core.middleware import SESSION_KEY
from kindred.core.services import Acting, audit_record


class NotAMember(Exception):
    """The user holds no active role in that organisation."""


@transaction.atomic
def network_ensure(*, by: Acting, slug: str, name: str) -> Network:
    network, created = Network.objects.get_or_create(slug=slug, defaults={"name": name})
    if created:
        audit_record(by=by, action="network.created", target=network)
    return network


@transaction.atomic
def organisation_ensure(
    *,
    by: Acting,
    slug: str,
    name: str,
    kind: str = Organisation.Kind.CHARITY,
    network: Network | None = None,
) -> Organisation:
    organisation, created = Organisation.objects.get_or_create(
        slug=slug, defaults={"name": name, "kind": kind, "network": network}
    )
    if created:
        audit_record(by=by, action="organisation.created", target=organisation)
    return organisation


@transaction.atomic
def user_ensure(*, by: Acting, email: str, full_name: str, password: str | None) -> User:
    """The user with this email, created if new (with an unusable password when none is given)."""
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
        audit_record(by=by, action="user.created", target=user)
    return user


@transaction.atomic
def membership_grant(
    *, by: Acting, user: User, organisation: Organisation, role: Role
) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active", "updated_at"])
        created = True
    if created:
        audit_record(
            by=Acting(
                user=by.user, organisation=organisation, ip_address=by.ip_address, label=by.label
            ),
            action="membership.granted",
            target=membership,
            detail={"role": str(role), "user": str(user.pk)},
        )
    return membership


def user_sign_in(*, request: HttpRequest, user: User) -> None:
    """Sign in; someone with one organisation acts for it at once, and their organisation's
    admins see the sign-in in its audit log."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    organisation = selectors.organisation_for_session(user=user, organisation_id=None)
    if organisation is not None:
        request.session[SESSION_KEY] = str(organisation.pk)
        request.organisation = organisation  # type: ignore[attr-defined]
    audit_record(by=Acting.from_request(request), action="user.signed_in", target=user)


def user_sign_out(*, request: HttpRequest) -> None:
    if request.user.is_authenticated:
        audit_record(by=Acting.from_request(request), action="user.signed_out", target=request.user)
    logout(request)


def organisation_switch(*, request: HttpRequest, organisation: Organisation) -> None:
    """Act for another organisation the user belongs to."""
    user = request.user
    if not user.is_authenticated or not user.roles_in(organisation):
        raise NotAMember("You do not have a role in that organisation.")
    request.session[SESSION_KEY] = str(organisation.pk)
    request.organisation = organisation  # type: ignore[attr-defined]
    audit_record(
        by=Acting.from_request(request), action="organisation.switched", target=organisation
    )
