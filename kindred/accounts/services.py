"""Writes about users, organisations and memberships. Each is audited."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from dataclasses import replace

from django.contrib.auth import login, logout
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from kindred.accounts import api_tokens, audit_actions, selectors, tokens
from kindred.accounts.middleware import SESSION_KEY
from kindred.accounts.models import (
    EVERY_SCOPE,
    NHS_KINDS,
    REFERRALS_ONLY,
    ApiToken,
    Invitation,
    Membership,
    Network,
    Organisation,
    Role,
    User,
)
from kindred.accounts.reach import (
    Operator,
    first_admin_refusal,
    invitation_refusal,
    operator,
    refusal,
    scope_for,
    wrong_scope,
)
from kindred.accounts.tokens import PASSWORD_LINK, PasswordLink
from kindred.core.http import AuthenticatedRequest
from kindred.core.limits import try_counted
from kindred.core.services import Acting, audit_record, client_ip
from kindred.core.transitions import DomainError
from kindred.notifications.links import placeholder
from kindred.notifications.services import notification_send


class NotAMember(Exception):
    """The user holds no active role in that organisation."""


class LastAdmin(Exception):
    """An organisation must keep at least one organisation admin."""


class RoleRefused(Exception):
    """The one acting may not give or take away that role there (ADR-070). Audited."""


class WrongScope(RoleRefused):
    """A network role given in an organisation, or an organisation role in a network."""


class InvitationError(Exception):
    """An invitation that cannot be sent, accepted or declined (expired, withdrawn, duplicate)."""


class SetUpRefused(DomainError):
    """A network or organisation that cannot be made or changed as asked: a slug that is taken
    or not a slug, an unknown kind, an organisation already in another network (ADR-091)."""


class TwoFactorResetRefused(Exception):
    """Only an organisation admin whose organisation holds every role of the user, or the
    operator, may reset someone's two-step verification. Audited."""


__all__ = ["Operator", "operator"]  # re-exported: the CLI and the demo act as the operator

INVITATION_DAYS = 14


PASSWORD_LINK_DAYS = 1  # a first set-up link lasts a day, a reset link an hour (tokens.LIFETIME)
PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = 10
PASSWORD_RESETS_PER_EMAIL_PER_HOUR = 3


class TooManyPasswordResets(Exception):
    """Too many requests for a password link from one address; try again later."""


class PasswordLinkInvalid(Exception):
    """The link has expired, has been used, or never existed."""


@transaction.atomic
def network_ensure(*, by: Acting, slug: str, name: str) -> Network:
    network, created = Network.objects.get_or_create(slug=slug, defaults={"name": name})
    if created:
        audit_record(by=by, action=audit_actions.NETWORK_CREATED, target=network)
    return network


@transaction.atomic
def organisation_ensure(
    *,
    by: Acting,
    slug: str,
    name: str,
    kind: str = Organisation.Kind.CHARITY,
    network: Network | None = None,
    is_nhs: bool | None = None,
) -> Organisation:
    """The organisation with this slug, made if new (for the demo and `createadmin`). Whether it
    is an NHS body follows its kind unless `is_nhs` says (ADR-091)."""
    organisation, created = Organisation.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "kind": kind,
            "network": network,
            "is_nhs": kind in NHS_KINDS if is_nhs is None else is_nhs,
        },
    )
    if created:
        audit_record(by=by, action=audit_actions.ORGANISATION_CREATED, target=organisation)
    return organisation


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_LENGTH = 50  # SlugField's


def _checked_slug(slug: str) -> str:
    if not SLUG.match(slug) or len(slug) > SLUG_LENGTH:
        raise SetUpRefused(
            f"{slug!r} is not a slug: use lower-case letters, digits and single hyphens, at most "
            f"{SLUG_LENGTH} characters, like leeds-maecare"
        )
    return slug


def _checked_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise SetUpRefused("Give a name")
    if len(name) > 200:
        raise SetUpRefused("The name is too long: at most 200 characters")
    return name


def _in_its_log(by: Acting, organisation: Organisation) -> Acting:
    """`by`, recorded in the organisation's own audit log, so that its admins see what the
    operator (or a network admin) did to it."""
    return Acting(user=by.user, organisation=organisation, ip_address=by.ip_address, label=by.label)


@transaction.atomic
def network_create(*, by: Acting, slug: str, name: str) -> tuple[Network, bool]:
    """Add a network: (network, True). Asking again for the same slug and name changes nothing:
    (network, False). A slug already used by a network of another name is refused."""
    slug, name = _checked_slug(slug), _checked_name(name)
    network, created = Network.objects.get_or_create(slug=slug, defaults={"name": name})
    if created:
        audit_record(by=by, action=audit_actions.NETWORK_CREATED, target=network)
    elif network.name != name:
        raise SetUpRefused(f"The slug {slug!r} is already the network {network.name!r}")
    return network, created


def kind_words(kind: str) -> str:
    """An organisation's kind in a sentence: "GP practice", "charity or voluntary group"."""
    label = str(Organisation.Kind(kind).label)
    return label if label[:2].isupper() else label[0].lower() + label[1:]


def _a(words: str) -> str:
    return f"an {words}" if words[0] in "aeiou" or words.startswith("NHS") else f"a {words}"


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _described(organisation: Organisation) -> str:
    network = organisation.network
    return (
        f"{organisation.name}, {_a(kind_words(organisation.kind))}, "
        f"{'an NHS body' if organisation.is_nhs else 'not an NHS body'}, "
        f"{f'in the network {network.slug!r}' if network is not None else 'in no network'}"
    )


FIELD_WORDS = {"name": "name", "kind": "kind", "network": "network", "is_nhs": "NHS identity"}


@transaction.atomic
def organisation_create(
    *,
    by: Acting,
    slug: str,
    name: str,
    kind: str | None = None,
    network: Network | None = None,
    is_nhs: bool | None = None,
) -> tuple[Organisation, bool]:
    """Add an organisation: (organisation, True). A charity unless `kind` says; in `network`, or
    none; an NHS body if its kind is an NHS team or GP practice, unless `is_nhs` says (ADR-091).
    Asking again changes nothing, (organisation, False), as long as what was asked (the name,
    and the kind, network and NHS identity when given) is what it is; a slug already used by a
    different one is refused, saying how it differs."""
    slug, name = _checked_slug(slug), _checked_name(name)
    if kind is not None and kind not in Organisation.Kind.values:
        raise SetUpRefused(
            f"No kind of organisation {kind!r}; the kinds are {', '.join(Organisation.Kind.values)}"
        )
    asked: dict[str, object] = {"name": name}
    if kind is not None:
        asked["kind"] = kind
    if network is not None:
        asked["network"] = network
    if is_nhs is not None:
        asked["is_nhs"] = is_nhs
    kind = kind or Organisation.Kind.CHARITY
    organisation, created = Organisation.objects.select_related("network").get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "kind": kind,
            "network": network,
            "is_nhs": kind in NHS_KINDS if is_nhs is None else is_nhs,
        },
    )
    if not created:
        differences = [
            FIELD_WORDS[field]
            for field, value in asked.items()
            if getattr(organisation, field) != value
        ]
        if differences:
            raise SetUpRefused(
                f"The slug {slug!r} is already {_described(organisation)}, which differs in "
                f"{_listed(differences)}. Change it with `kindred organisation update` or "
                "`kindred network add-organisation`"
            )
        return organisation, False
    audit_record(
        by=_in_its_log(by, organisation),
        action=audit_actions.ORGANISATION_CREATED,
        target=organisation,
        detail={
            "slug": slug,
            "kind": kind,
            "is_nhs": organisation.is_nhs,
            "network": network.slug if network is not None else "",
        },
    )
    return organisation, True


@transaction.atomic
def organisation_update(
    *, by: Acting, organisation: Organisation, name: str | None = None, is_nhs: bool | None = None
) -> tuple[Organisation, list[str]]:
    """Rename an organisation or say whether it is an NHS body (None leaves each as it is):
    (organisation, the fields changed). Audited with the old and new values; changing nothing
    records nothing."""
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    changes: dict[str, list[object]] = {}
    if name is not None and _checked_name(name) != locked.name:
        changes["name"] = [locked.name, _checked_name(name)]
        locked.name = _checked_name(name)
    if is_nhs is not None and is_nhs != locked.is_nhs:
        changes["is_nhs"] = [locked.is_nhs, is_nhs]
        locked.is_nhs = is_nhs
    if changes:
        locked.save(update_fields=[*changes, "updated_at"])
        audit_record(
            by=_in_its_log(by, locked),
            action=audit_actions.ORGANISATION_UPDATED,
            target=locked,
            detail={field: {"from": old, "to": new} for field, (old, new) in changes.items()},
        )
    return locked, list(changes)


@transaction.atomic
def network_add_organisation(
    *, by: Acting, network: Network, organisation: Organisation
) -> tuple[Organisation, bool]:
    """Put an organisation that is in no network into this one: (organisation, True). Already
    in it: nothing changes, (organisation, False). In another network: refused, since its
    network's admins and commissioners would lose it, and the ones of this network gain it,
    without anyone deciding about the roles held across either (ADR-091)."""
    locked = (
        Organisation.objects.select_for_update(of=("self",))
        .select_related("network")
        .get(pk=organisation.pk)
    )
    if locked.network_id == network.pk:
        return locked, False
    if locked.network is not None:
        raise SetUpRefused(
            f"{locked.name} is already in the network {locked.network.name!r} "
            f"({locked.network.slug}); an organisation belongs to one network"
        )
    locked.network = network
    locked.save(update_fields=["network", "updated_at"])
    audit_record(
        by=_in_its_log(by, locked),
        action=audit_actions.NETWORK_ORGANISATION_ADDED,
        target=locked,
        detail={"network": network.slug},
    )
    return locked, True


@transaction.atomic
def user_ensure(
    *, by: Acting, email: str, full_name: str, password: str | None, password_hash: str = ""
) -> User:
    """The user with this email, created if new (with an unusable password when none is given).
    `password_hash`, an already hashed password, is for demo data, which hashes one password once
    for all its users (hashing is slow on purpose): it is set when the user is created or has no
    usable password, and audited as a password set."""
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
        audit_record(by=by, action=audit_actions.USER_CREATED, target=user)
    if password_hash and not user.has_usable_password():
        user.password = password_hash
        user.save(update_fields=["password", "updated_at"])
        audit_record(
            by=by, action=audit_actions.USER_PASSWORD_SET, target=user, detail={"from": "a hash"}
        )
    return user


def _scope_detail(organisation: Organisation | None, network: Network | None) -> dict[str, str]:
    if network is not None:
        return {"network": network.slug}
    return {"organisation": organisation.slug if organisation is not None else ""}


def _audit_in_scope(
    *,
    by: Acting,
    organisation: Organisation | None,
    network: Network | None,
    action: str,
    target: Membership | Invitation | User | None,
    detail: dict[str, str],
) -> None:
    """Record a change of role in the log of every organisation it reaches: the organisation, or
    each active organisation of the network, so each sees who gained or lost reach over it."""
    organisations: list[Organisation | None] = []
    if network is not None:
        organisations.extend(network.organisations.filter(is_active=True))
    elif organisation is not None:
        organisations.append(organisation)
    for each in organisations or [None]:
        audit_record(
            by=Acting(user=by.user, organisation=each, ip_address=by.ip_address, label=by.label),
            action=action,
            target=target,
            detail=detail,
        )


def _refuse_role(
    *,
    by: Acting,
    action: str,
    role: Role,
    user: User | None,
    organisation: Organisation | None,
    network: Network | None,
    reason: str,
) -> RoleRefused:
    """Audit a refused change of role (in the acting organisation's log) and return the error to
    raise. Called outside any transaction of the refused change, so the entry stays."""
    detail = {"role": str(role), "reason": reason, **_scope_detail(organisation, network)}
    if user is not None:
        detail["user"] = str(user.pk)
    audit_record(by=by, action=action, target=user, detail=detail)
    return RoleRefused(reason)


def _check_scope(role: Role, organisation: Organisation | None, network: Network | None) -> None:
    problem = wrong_scope(role=role, organisation=organisation, network=network)
    if problem:
        raise WrongScope(problem)


def _membership_create(
    *,
    by: Acting,
    user: User,
    role: Role,
    organisation: Organisation | None,
    network: Network | None,
    detail: dict[str, str] | None = None,
) -> tuple[Membership, bool]:
    """Give the role (inside the caller's transaction, with the user's row locked so a two-step
    reset deciding on the user's roles waits for it). Idempotent: (membership, changed)."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, network=network, role=role
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active", "updated_at"])
        created = True
    if created:
        _audit_in_scope(
            by=by,
            organisation=organisation,
            network=network,
            action=audit_actions.MEMBERSHIP_GRANTED,
            target=membership,
            detail={
                "role": str(role),
                "user": str(user.pk),
                **_scope_detail(organisation, network),
                **(detail or {}),
            },
        )
    return membership, created


def membership_grant(
    *,
    by: Acting,
    user: User,
    role: Role,
    organisation: Organisation | None = None,
    network: Network | None = None,
) -> Membership:
    """Give `user` the role in the organisation, or (network admin, commissioner) across the
    network. Only someone whose reach covers the role may (`reach.refusal`): otherwise nothing is
    saved, the refusal is audited and RoleRefused raised. Giving a role already held changes
    nothing (the operator's `kindred role grant` relies on it)."""
    role = Role(role)
    _check_scope(role, organisation, network)
    reason = refusal(by=by, role=role, organisation=organisation, network=network)
    if reason:
        raise _refuse_role(
            by=by,
            action=audit_actions.MEMBERSHIP_GRANT_REFUSED,
            role=role,
            user=user,
            organisation=organisation,
            network=network,
            reason=reason,
        )
    with transaction.atomic():
        membership, _ = _membership_create(
            by=by, user=user, role=role, organisation=organisation, network=network
        )
    return membership


def user_sign_in(*, request: HttpRequest, user: User) -> None:
    """Sign in; someone with one organisation acts for it at once, and their organisation's
    admins see the sign-in in its audit log."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    organisation = selectors.organisation_for_session(user=user, organisation_id=None)
    if organisation is not None:
        request.session[SESSION_KEY] = str(organisation.pk)
    by = Acting(user=user, organisation=organisation, ip_address=client_ip(request))
    audit_record(by=by, action=audit_actions.USER_SIGNED_IN, target=user)


def user_sign_out(*, request: HttpRequest) -> None:
    if request.user.is_authenticated:
        audit_record(
            by=Acting.from_request(request),
            action=audit_actions.USER_SIGNED_OUT,
            target=request.user,
        )
    logout(request)


def organisation_switch(*, request: AuthenticatedRequest, organisation: Organisation) -> None:
    """Act for another organisation the user belongs to (from the next request on)."""
    user = request.user
    if not user.roles_in(organisation):
        raise NotAMember("You do not have a role in that organisation.")
    request.session[SESSION_KEY] = str(organisation.pk)
    by = Acting(user=user, organisation=organisation, ip_address=client_ip(request))
    audit_record(by=by, action=audit_actions.ORGANISATION_SWITCHED, target=organisation)


def membership_end(*, by: Acting, membership: Membership) -> Membership:
    """Take a role away: only someone who may give it may (ADR-070), else RoleRefused (audited).
    The last organisation admin cannot be removed (by anyone). Ending an ended role changes
    nothing."""
    role = Role(membership.role)
    reason = refusal(
        by=by, role=role, organisation=membership.organisation, network=membership.network
    )
    if reason:
        raise _refuse_role(
            by=by,
            action=audit_actions.MEMBERSHIP_END_REFUSED,
            role=role,
            user=membership.user,
            organisation=membership.organisation,
            network=membership.network,
            reason=reason,
        )
    with transaction.atomic():
        locked = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("organisation", "network")
            .get(pk=membership.pk)
        )
        if not locked.is_active:
            return locked
        if locked.role == Role.ORGANISATION_ADMIN and locked.organisation is not None:
            admins = (
                Membership.objects.select_for_update(of=("self",))
                .filter(
                    organisation=locked.organisation, role=Role.ORGANISATION_ADMIN, is_active=True
                )
                .order_by("pk")
            )
            if len(admins) <= 1:
                raise LastAdmin(
                    f"{locked.organisation.name} must keep at least one organisation admin."
                )
        locked.is_active = False
        locked.save(update_fields=["is_active", "updated_at"])
        _audit_in_scope(
            by=by,
            organisation=locked.organisation,
            network=locked.network,
            action=audit_actions.MEMBERSHIP_ENDED,
            target=locked,
            detail={
                "role": locked.role,
                "user": str(locked.user_id),
                **_scope_detail(locked.organisation, locked.network),
            },
        )
    return locked


@transaction.atomic
def password_link(*, user: User, base_url: str, purpose: str = PasswordLink.Purpose.SET_UP) -> str:
    """What to put in a message where the link to set a password goes. It is a reference, not
    the link: the worker makes the one-use link as it sends the message (`password_link_issue`),
    so no usable link is stored or logged (ADR-073). A first set-up link lasts a day; a reset
    link (purpose RESET) an hour."""
    link = PasswordLink.objects.create(
        user=user, purpose=PasswordLink.Purpose(purpose), base_url=base_url[:300]
    )
    return placeholder(PASSWORD_LINK, str(link.pk))


@transaction.atomic
def password_link_issue(*, link_id: str, recipient: str) -> str | None:
    """The link itself, made by the worker at the moment it sends the message to `recipient`:
    a new random token whose hash is stored, valid from now for the link's lifetime. None if
    the link was used, its user can no longer sign in, or the message is not going to them."""
    link = (
        PasswordLink.objects.select_for_update()
        .select_related("user")
        .filter(pk=link_id, used_at__isnull=True, user__is_active=True)
        .first()
    )
    if link is None or link.user.email != recipient.strip().lower():
        return None
    token = tokens.new_token()
    link.token_hash = tokens.token_hash(token)
    link.expires_at = timezone.now() + tokens.LIFETIME[link.purpose]
    link.save(update_fields=["token_hash", "expires_at", "updated_at"])
    uid = urlsafe_base64_encode(force_bytes(link.user.pk))
    return link.base_url.rstrip("/") + reverse(
        "accounts:set_password", kwargs={"uid": uid, "token": token}
    )


def team_member_add(
    *, by: Acting, email: str, full_name: str, role: Role, base_url: str
) -> Invitation:
    """Invite someone to take a role in the organisation `by` acts for, or (a network role)
    across its network (ADR-071). Whether or not the email already has a sign-in, the admin gets
    the same answer and sees only what they typed; the person becomes a member only when they
    accept, signed in. Someone new (or who never set a password) is emailed a link to set one.
    A role beyond `by`'s reach is refused (RoleRefused, audited) and nothing is saved."""
    if by.organisation is None:
        raise NotAMember("Choose an organisation first.")
    role = Role(role)
    organisation, network = scope_for(role=role, organisation=by.organisation)
    if role.reaches_network and network is None:
        raise WrongScope(f"{by.organisation.name} is not in a network, so it has no {role.label}")
    reason = refusal(by=by, role=role, organisation=organisation, network=network)
    if reason:
        raise _refuse_role(
            by=by,
            action=audit_actions.MEMBERSHIP_GRANT_REFUSED,
            role=role,
            user=None,
            organisation=organisation,
            network=network,
            reason=reason,
        )
    return _invitation_send(
        by=by, email=email, full_name=full_name, role=role, network=network, base_url=base_url
    )


def organisation_first_admin_invite(
    *, by: Acting, organisation: Organisation, email: str, full_name: str, base_url: str
) -> Invitation:
    """A network admin invites the first organisation admin of an organisation of their network
    that has none (ADR-091), through the same invitation as the team page's (ADR-071): sent
    from that organisation, recorded in its audit log, accepted only by the person invited.
    Anyone else, an organisation outside the network, or one that already has an admin, is
    refused (RoleRefused, audited in the log of the organisation `by` acts for)."""
    reason = first_admin_refusal(by=by, organisation=organisation)
    if reason:
        raise _refuse_role(
            by=by,
            action=audit_actions.MEMBERSHIP_GRANT_REFUSED,
            role=Role.ORGANISATION_ADMIN,
            user=None,
            organisation=organisation,
            network=None,
            reason=reason,
        )
    return _invitation_send(
        by=_in_its_log(by, organisation),
        email=email,
        full_name=full_name,
        role=Role.ORGANISATION_ADMIN,
        network=None,
        base_url=base_url,
    )


def organisation_first_admin_withdraw(*, by: Acting, invitation: Invitation) -> Invitation:
    """A network admin takes back a first-admin invitation not yet answered, while the
    organisation still has no admin (ADR-091); recorded in the organisation's log."""
    reason = first_admin_refusal(by=by, organisation=invitation.organisation)
    if reason or invitation.role != Role.ORGANISATION_ADMIN:
        raise _refuse_role(
            by=by,
            action=audit_actions.INVITATION_WITHDRAW_REFUSED,
            role=Role(invitation.role),
            user=None,
            organisation=invitation.organisation,
            network=None,
            reason=reason or "Only an organisation's first admin is invited from the network",
        )
    return invitation_withdraw(by=_in_its_log(by, invitation.organisation), invitation=invitation)


def _invitation_send(
    *, by: Acting, email: str, full_name: str, role: Role, network: Network | None, base_url: str
) -> Invitation:
    """Make (or renew) the invitation from the organisation `by` acts for, audit it and email
    it, in one transaction. The caller has checked that `by` may give the role."""
    assert by.organisation is not None
    organisation = None if role.reaches_network else by.organisation
    email = User.objects.normalize_email(email).strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        if user is None:
            # Recorded outside the organisation's log: that log must read the same whether or
            # not the email already had a sign-in.
            user = user_ensure(
                by=Acting(user=by.user, organisation=None, ip_address=by.ip_address),
                email=email,
                full_name=full_name.strip(),
                password=None,
            )
        if Membership.objects.filter(
            user=user, organisation=organisation, network=network, role=role, is_active=True
        ).exists():
            raise InvitationError(f"They are already {role.label.lower()} here")
        now = timezone.now()
        invitation = (
            Invitation.objects.select_for_update()
            .filter(
                organisation=by.organisation,
                user=user,
                role=role,
                status=Invitation.Status.PENDING,
            )
            .first()
        )
        if invitation is None:
            invitation = Invitation(organisation=by.organisation, user=user, role=role)
        invitation.full_name = full_name.strip()
        invitation.email = email
        invitation.invited_by = by.user
        invitation.expires_at = now + dt.timedelta(days=INVITATION_DAYS)
        invitation.save()
        audit_record(
            by=by,
            action=audit_actions.INVITATION_SENT,
            target=invitation,
            detail={"role": str(role), "email": email, **_scope_detail(organisation, network)},
        )
        where = (
            by.organisation.name
            if network is None
            else f"{network.name} (from {by.organisation.name})"
        )
        notification_send(
            by=by,
            to=email,
            template="accounts/messages/invited.jinja",
            context={
                "organisation": by.organisation.name,
                "inviter": by.actor_label,
                "where": where,
                "role": role.label.lower(),
                "password_link": (
                    ""
                    if user.has_usable_password()
                    else password_link(user=user, base_url=base_url)
                ),
                "lifetime": tokens.LIFETIME_IN_WORDS[PasswordLink.Purpose.SET_UP],
                "days": INVITATION_DAYS,
                "invitations_url": f"{base_url.rstrip('/')}{reverse('accounts:invitations')}",
            },
            kind="account.invited",
            about=invitation,
        )
    return invitation


def _open_invitation(*, user: User, invitation_id: uuid.UUID | str) -> Invitation:
    """The user's own invitation, locked, if they may still answer it."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation", "organisation__network", "invited_by")
        .filter(pk=invitation_id, user=user)
        .first()
    )
    if invitation is None or not invitation.is_open or not invitation.organisation.is_active:
        raise InvitationError(
            "This invitation has expired or was withdrawn. Ask the organisation to invite you again"
        )
    return invitation


def invitation_accept(*, by: Acting, invitation_id: uuid.UUID | str) -> Membership:
    """The invited user, signed in, accepts: only now do they hold the role. The inviter must
    still be allowed to give it (someone who has since lost their admin role cannot)."""
    if by.user is None:
        raise InvitationError("Sign in to accept an invitation")
    with transaction.atomic():
        invitation = _open_invitation(user=by.user, invitation_id=invitation_id)
        role = Role(invitation.role)
        organisation, network = scope_for(role=role, organisation=invitation.organisation)
        if role == Role.ORGANISATION_ADMIN:
            # Two first admins invited by a network admin accepting at once: one becomes the
            # first, the other is asked to be invited by them (ADR-091).
            Organisation.objects.select_for_update().filter(pk=invitation.organisation_id).first()
        inviter = Acting(user=invitation.invited_by, organisation=invitation.organisation)
        if invitation.invited_by is None or invitation_refusal(
            by=inviter, role=role, organisation=organisation, network=network
        ):
            raise InvitationError(
                "The person who invited you can no longer give this role. Ask the organisation "
                "to invite you again"
            )
        here = Acting(user=by.user, organisation=invitation.organisation, ip_address=by.ip_address)
        membership, _ = _membership_create(
            by=here,
            user=by.user,
            role=role,
            organisation=organisation,
            network=network,
            detail={"invitation": str(invitation.pk), "invited_by": str(invitation.invited_by.pk)},
        )
        invitation.status = Invitation.Status.ACCEPTED
        invitation.decided_at = timezone.now()
        invitation.save(update_fields=["status", "decided_at", "updated_at"])
        audit_record(by=here, action=audit_actions.INVITATION_ACCEPTED, target=invitation)
    return membership


@transaction.atomic
def invitation_decline(*, by: Acting, invitation_id: uuid.UUID | str) -> Invitation:
    """The invited user says no: they get no role, and the organisation sees it declined."""
    if by.user is None:
        raise InvitationError("Sign in to decline an invitation")
    invitation = _open_invitation(user=by.user, invitation_id=invitation_id)
    invitation.status = Invitation.Status.DECLINED
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["status", "decided_at", "updated_at"])
    here = Acting(user=by.user, organisation=invitation.organisation, ip_address=by.ip_address)
    audit_record(by=here, action=audit_actions.INVITATION_DECLINED, target=invitation)
    return invitation


def invitation_withdraw(*, by: Acting, invitation: Invitation) -> Invitation:
    """The organisation takes back an invitation not yet answered: only someone who may give
    its role there (RoleRefused otherwise, audited)."""
    role = Role(invitation.role)
    organisation, network = scope_for(role=role, organisation=invitation.organisation)
    reason = invitation_refusal(by=by, role=role, organisation=organisation, network=network)
    if reason or by.organisation is None or by.organisation.pk != invitation.organisation_id:
        raise _refuse_role(
            by=by,
            action=audit_actions.INVITATION_WITHDRAW_REFUSED,
            role=role,
            user=None,
            organisation=organisation,
            network=network,
            reason=reason or "Only the organisation that sent an invitation can withdraw it",
        )
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status != Invitation.Status.PENDING:
            raise InvitationError("They have already answered this invitation")
        locked.status = Invitation.Status.WITHDRAWN
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at", "updated_at"])
        audit_record(by=by, action=audit_actions.INVITATION_WITHDRAWN, target=locked)
    return locked


def password_reset_request(*, email: str, base_url: str, ip_address: str | None) -> None:
    """Send a password link if the email belongs to an active member. Says nothing either way,
    so the form cannot be used to find out who has an account. Too many requests from one
    address raise TooManyPasswordResets (whoever they are for); more than a few for one email
    address in an hour are quietly not sent, so nobody's inbox can be flooded."""
    if not try_counted(
        scope="password-reset-address",
        who=ip_address,
        limit=PASSWORD_RESETS_PER_ADDRESS_PER_HOUR,
        per_seconds=3600,
    ):
        raise TooManyPasswordResets(
            "We have had a lot of requests from your connection in the last hour."
        )
    email = User.objects.normalize_email(email).lower()
    if not try_counted(
        scope="password-reset-email",
        who=email,
        limit=PASSWORD_RESETS_PER_EMAIL_PER_HOUR,
        per_seconds=3600,
    ):
        return
    user = User.objects.filter(email=email, is_active=True).first()
    organisation = selectors.organisations_for(user=user).first() if user is not None else None
    if user is None or organisation is None:
        return
    by = Acting(user=None, organisation=organisation, ip_address=ip_address, label="password reset")
    with transaction.atomic():
        link = password_link(user=user, base_url=base_url, purpose=PasswordLink.Purpose.RESET)
        notification_send(
            by=by,
            to=user.email,
            template="accounts/messages/password_reset.jinja",
            context={
                "lifetime": tokens.LIFETIME_IN_WORDS[PasswordLink.Purpose.RESET],
                "link": link,
            },
            kind="account.password_reset",
            about=user,
        )


def _open_link(*, uid: str, token: str, lock: bool = False) -> PasswordLink | None:
    if not token or len(token) > 100 or len(uid) > 100:
        return None
    try:
        user_id = force_str(urlsafe_base64_decode(uid))
        links = PasswordLink.objects.select_for_update() if lock else PasswordLink.objects
        return (
            links.select_related("user")
            .filter(
                user_id=user_id,
                user__is_active=True,
                token_hash=tokens.token_hash(token),
                used_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .first()
        )
    except (ValueError, TypeError, OverflowError, ValidationError, UnicodeDecodeError):
        return None


def user_for_password_link(*, uid: str, token: str) -> User | None:
    """Whose link this is, while it still works: unused and not expired."""
    link = _open_link(uid=uid, token=token)
    return link.user if link is not None else None


@transaction.atomic
def user_set_password(*, by: Acting, uid: str, token: str, password: str) -> User:
    """Set the password of the link's user, checked against AUTH_PASSWORD_VALIDATORS. The link
    is used up, and so is every other open link of theirs: each works once. Two people using
    one link at once: one succeeds, the other gets PasswordLinkInvalid."""
    link = _open_link(uid=uid, token=token, lock=True)
    if link is None:
        raise PasswordLinkInvalid("This link has expired or has already been used.")
    user = link.user
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    PasswordLink.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())
    audit_record(
        by=by, action=audit_actions.USER_PASSWORD_SET, target=user, detail={"link": link.purpose}
    )
    return user


def two_factor_device(*, user: User) -> TOTPDevice:
    """The user's authenticator app: confirmed if they have set one up, else a new unconfirmed
    one whose key the set-up page shows (the same key until they confirm it)."""
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed is not None:
        return confirmed
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    return device


def two_factor_verify(*, request: AuthenticatedRequest, device: TOTPDevice, code: str) -> bool:
    """Check a code from the app. The first good code confirms a new device. Failures slow
    down further tries (django-otp's throttling) and are audited."""
    by = Acting.from_request(request)
    if not device.verify_token(code.replace(" ", "")):
        audit_record(by=by, action=audit_actions.USER_TWO_FACTOR_FAILED, target=request.user)
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(by=by, action=audit_actions.USER_TWO_FACTOR_SET_UP, target=request.user)
    otp_login(request, device)
    audit_record(by=by, action=audit_actions.USER_TWO_FACTOR_VERIFIED, target=request.user)
    return True


def two_factor_retry_in(*, device: TOTPDevice) -> int:
    """Seconds until another code may be tried (0 when it can be tried now)."""
    allowed, details = device.verify_is_allowed()
    if allowed or not details:
        return 0
    locked_until = details.get("locked_until")
    return max(1, int((locked_until - timezone.now()).total_seconds())) if locked_until else 1


def _two_factor_reset_refusal(*, by: Acting, user: User) -> str | None:
    """Why `by` may not reset the user's two-step verification, or None. Called with the user's
    row locked, so no role can be given to them elsewhere meanwhile."""
    if isinstance(by, Operator):
        return None
    organisation = by.organisation
    if (
        by.user is None
        or organisation is None
        or Role.ORGANISATION_ADMIN not in by.user.roles_in(organisation)
    ):
        return "Only an organisation admin can reset two-step verification"
    held = list(Membership.objects.filter(user=user, is_active=True))
    if not held or any(m.organisation_id != organisation.pk for m in held):
        return (
            f"{user.full_name or 'They'} also has a role outside {organisation.name}, so only the "
            "people who run Kindred can reset their two-step verification"
        )
    return None


def two_factor_reset(*, by: Acting, user: User) -> None:
    """For someone who has lost their phone: they set up a new app at their next sign-in. Only an
    organisation admin whose organisation holds every active role of the user (one with a role
    anywhere else would have their sign-in there taken over), or the operator (`kindred
    two-factor reset`); otherwise TwoFactorResetRefused, audited, and the device stays."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        reason = _two_factor_reset_refusal(by=by, user=user)
        if reason is None:
            TOTPDevice.objects.filter(user=user).delete()
            audit_record(by=by, action=audit_actions.USER_TWO_FACTOR_RESET, target=user)
            return
    audit_record(
        by=by,
        action=audit_actions.USER_TWO_FACTOR_RESET_REFUSED,
        target=user,
        detail={"reason": reason},
    )
    raise TwoFactorResetRefused(reason)


class PlaceRefused(Exception):
    """Where an organisation is based, or what it offers, cannot be set that way."""


SUPPORT_KIND = re.compile(r"^[a-z][a-z_]{0,31}$")


@transaction.atomic
def organisation_place_set(
    *,
    by: Acting,
    organisation: Organisation,
    postcode: str,
    easting: int | None,
    northing: int | None,
    support_offered: list[str],
) -> Organisation:
    """Record where the organisation is based (a postcode the caller has located on the British
    National Grid: accounts imports no higher app, so `kindred.referrals.network` locates it with
    the postcode look-up people use) and the kinds of support it offers (values the caller has
    checked). Used to suggest where a referral sent to a network's front door goes (ADR-092).

    The operator, an organisation admin of the organisation, or a network admin of its network
    may; anyone else is refused, and nothing changes. Audited in the organisation's log."""
    held = by.user.roles_in(organisation) if by.user is not None else frozenset()
    if not isinstance(by, Operator) and not held & {Role.ORGANISATION_ADMIN, Role.NETWORK_ADMIN}:
        raise PlaceRefused(
            f"Only an organisation admin of {organisation.name}, a network admin of its network "
            "or the people who run Kindred can say where it is based and what it offers"
        )
    if (easting is None) != (northing is None):
        raise PlaceRefused("Give both the easting and the northing of the postcode, or neither")
    if easting is not None and not postcode.strip():
        raise PlaceRefused("Give the postcode the easting and northing are of")
    kinds = list(dict.fromkeys(support_offered))
    if not all(isinstance(kind, str) and SUPPORT_KIND.match(kind) for kind in kinds):
        raise PlaceRefused("Each kind of support is a short name in lower case, like befriending")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = {
        "postcode": organisation.base_postcode,
        "located": organisation.base_easting is not None,
        "support_offered": list(organisation.support_offered or []),
    }
    after = {
        "postcode": postcode.strip().upper()[:8],
        "located": easting is not None,
        "support_offered": kinds,
    }
    unchanged = before == after and (organisation.base_easting, organisation.base_northing) == (
        easting,
        northing,
    )
    if unchanged:
        return organisation  # setting it again changes nothing (the demo seed relies on it)
    organisation.base_postcode = str(after["postcode"])
    organisation.base_easting = easting
    organisation.base_northing = northing
    organisation.support_offered = kinds
    organisation.save(
        update_fields=[
            "base_postcode",
            "base_easting",
            "base_northing",
            "support_offered",
            "updated_at",
        ]
    )
    audit_record(
        by=replace(by, organisation=organisation),
        action=audit_actions.ORGANISATION_PLACE_SET,
        target=organisation,
        detail={"before": before, "after": after},
    )
    return organisation


# API tokens (ADR-119): made (the value shown once), revoked, and checked on each request. The
# FHIR API and the JSON API both authenticate with them; each checks the scope it needs.


class TokenError(DomainError):
    """A token cannot be made or revoked that way; the message says why."""


def _token_scopes(
    scopes: Iterable[str] | None, *, practice_ods: str, network: Network | None
) -> list[str]:
    """The scopes a new token holds: what was asked for, checked. A GP practice's token and a
    network's token only send referrals; an organisation's token asked for nothing holds every
    scope."""
    asked = None if scopes is None else {str(scope).strip() for scope in scopes}
    if asked is not None:
        unknown = sorted(asked - EVERY_SCOPE)
        if unknown:
            raise TokenError(
                f"No such scope: {', '.join(unknown)}. Choose from {', '.join(sorted(EVERY_SCOPE))}"
            )
        if not asked:
            raise TokenError("Give the token at least one scope")
    if practice_ods or network is not None:
        if asked is not None and asked - REFERRALS_ONLY:
            whose = "network's" if network is not None else "GP practice's"
            raise TokenError(f"A {whose} token can only send referrals (referrals:write)")
        return sorted(REFERRALS_ONLY)
    return sorted(EVERY_SCOPE if asked is None else asked)


@transaction.atomic
def api_token_create(
    *,
    by: Acting,
    name: str,
    practice_ods: str = "",
    raw: str | None = None,
    network: Network | None = None,
    scopes: Iterable[str] | None = None,
) -> tuple[ApiToken, str]:
    """A new token for the organisation `by` acts for or, given `network`, for that network's
    front door (ADR-092; only the operator makes those, with `kindred token create --network`).
    `scopes` narrows what it may do (ADR-119; see `_token_scopes`). Returns the record and the
    token itself, which is never stored and cannot be shown again. `raw` gives the token instead
    of making a random one: only for the demo's published token (`kindred.nonprod`)."""
    if network is not None and not isinstance(by, Operator):
        raise TokenError("Only the people who run Kindred can make a network's token")
    if network is None and by.organisation is None:
        raise TokenError("Choose an organisation first.")
    if not name.strip():
        raise TokenError("Give the token a name, such as the system that will use it")
    practice_ods = practice_ods.strip().upper()[:12]
    granted = _token_scopes(scopes, practice_ods=practice_ods, network=network)
    raw = raw or api_tokens.make_token()
    token = ApiToken.objects.create(
        organisation=by.organisation if network is None else None,
        network=network,
        name=name.strip()[:200],
        practice_ods=practice_ods,
        scopes=granted,
        prefix=api_tokens.display_prefix(raw),
        token_hash=api_tokens.token_hash(raw),
        created_by=by.user,
    )
    detail: dict[str, object] = {"scopes": granted}
    if network is not None:
        detail["network"] = network.slug
    audit_record(by=by, action=audit_actions.API_TOKEN_CREATED, target=token, detail=detail)
    return token, raw


@transaction.atomic
def api_token_revoke_by_prefix(
    *, by: Acting, prefix: str, organisation: Organisation | None, network: Network | None
) -> list[ApiToken]:
    """The operator revokes the active tokens of an organisation or a network whose shown
    beginning is `prefix` (`kindred token revoke`): a network's token has no page of its own.
    Returns those revoked."""
    if not isinstance(by, Operator):
        raise TokenError("Only the people who run Kindred revoke tokens this way")
    if (organisation is None) == (network is None):
        raise TokenError("Give an organisation or a network")
    if len(prefix.strip()) < len(api_tokens.PREFIX) + 4:
        raise TokenError(f"Give at least the first {len(api_tokens.PREFIX) + 4} characters")
    owned = (
        ApiToken.objects.filter(organisation=organisation)
        if organisation is not None
        else ApiToken.objects.filter(network=network)
    )
    found = list(
        owned.select_for_update().filter(
            prefix__startswith=prefix.strip()[: len(api_tokens.PREFIX) + 6],
            revoked_at__isnull=True,
        )
    )
    now = timezone.now()
    for token in found:
        token.revoked_at = now
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            by=replace(by, organisation=organisation),
            action=audit_actions.API_TOKEN_REVOKED,
            target=token,
            detail={"network": network.slug} if network is not None else None,
        )
    return found


@transaction.atomic
def api_token_revoke(*, by: Acting, token_id: uuid.UUID) -> ApiToken:
    if by.organisation is None:
        raise TokenError("Choose an organisation first.")
    token = ApiToken.objects.select_for_update().get(organisation=by.organisation, pk=token_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(by=by, action=audit_actions.API_TOKEN_REVOKED, target=token)
    return token


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The active token with this value, or None. Notes when it was last used (at most once a
    minute, so busy systems do not write on every request). The caller checks its scope."""
    if not raw.startswith(api_tokens.PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("organisation", "network")
        .filter(token_hash=api_tokens.token_hash(raw), revoked_at__isnull=True)
        .filter(Q(organisation__is_active=True) | Q(network__isnull=False))
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
