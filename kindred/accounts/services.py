"""Writes about users, organisations and memberships. Each is audited."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth import login, logout
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from kindred.accounts import selectors, tokens
from kindred.accounts.models import Invitation, Membership, Network, Organisation, Role, User
from kindred.accounts.notification_links import PASSWORD_LINK
from kindred.accounts.reach import Operator, operator, refusal, scope_for, wrong_scope
from kindred.accounts.tokens import PasswordLink
from kindred.core.limits import try_counted
from kindred.core.middleware import SESSION_KEY
from kindred.core.services import Acting, audit_record
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
            action="membership.granted",
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
            action="membership.grant_refused",
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
            action="membership.end_refused",
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
            action="membership.ended",
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
            action="membership.grant_refused",
            role=role,
            user=None,
            organisation=organisation,
            network=network,
            reason=reason,
        )
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
            action="invitation.sent",
            target=invitation,
            detail={"role": str(role), "email": email, **_scope_detail(organisation, network)},
        )
        where = (
            by.organisation.name
            if network is None
            else f"{network.name} (from {by.organisation.name})"
        )
        body = (
            f"{by.actor_label} has invited you to join {where} on Kindred as "
            f"{role.label.lower()}.\n\n"
        )
        if not user.has_usable_password():
            body += (
                "First choose a password here within "
                f"{tokens.LIFETIME_IN_WORDS[PasswordLink.Purpose.SET_UP]}: "
                f"{password_link(user=user, base_url=base_url)}\n\n"
            )
        body += (
            f"Then sign in and accept or decline the invitation within {INVITATION_DAYS} days: "
            f"{base_url.rstrip('/')}{reverse('accounts:invitations')}"
        )
        notification_send(
            by=by,
            to=email,
            subject=f"You are invited to join {by.organisation.name} on Kindred",
            body=body,
            kind="account.invited",
            target=invitation,
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
        inviter = Acting(user=invitation.invited_by, organisation=invitation.organisation)
        if invitation.invited_by is None or refusal(
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
        audit_record(by=here, action="invitation.accepted", target=invitation)
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
    audit_record(by=here, action="invitation.declined", target=invitation)
    return invitation


def invitation_withdraw(*, by: Acting, invitation: Invitation) -> Invitation:
    """The organisation takes back an invitation not yet answered: only someone who may give
    its role there (RoleRefused otherwise, audited)."""
    role = Role(invitation.role)
    organisation, network = scope_for(role=role, organisation=invitation.organisation)
    reason = refusal(by=by, role=role, organisation=organisation, network=network)
    if reason or by.organisation is None or by.organisation.pk != invitation.organisation_id:
        raise _refuse_role(
            by=by,
            action="invitation.withdraw_refused",
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
        audit_record(by=by, action="invitation.withdrawn", target=locked)
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
            subject="Set a new Kindred password",
            body=(
                "Someone asked to set a new password for your Kindred sign-in. If it was you, use "
                f"this link within {tokens.LIFETIME_IN_WORDS[PasswordLink.Purpose.RESET]}: {link}"
                "\n\nIt works once. If it was not you, you can ignore this email; your password "
                "has not changed."
            ),
            kind="account.password_reset",
            target=user,
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
    audit_record(by=by, action="user.password_set", target=user, detail={"link": link.purpose})
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


def two_factor_verify(*, request: HttpRequest, device: TOTPDevice, code: str) -> bool:
    """Check a code from the app. The first good code confirms a new device. Failures slow
    down further tries (django-otp's throttling) and are audited."""
    by = Acting.from_request(request)
    if not device.verify_token(code.replace(" ", "")):
        audit_record(by=by, action="user.two_factor_failed", target=request.user)  # type: ignore[arg-type]
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(by=by, action="user.two_factor_set_up", target=request.user)  # type: ignore[arg-type]
    otp_login(request, device)
    audit_record(by=by, action="user.two_factor_verified", target=request.user)  # type: ignore[arg-type]
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
            audit_record(by=by, action="user.two_factor_reset", target=user)
            return
    audit_record(
        by=by, action="user.two_factor_reset_refused", target=user, detail={"reason": reason}
    )
    raise TwoFactorResetRefused(reason)
