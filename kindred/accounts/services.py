"""Writes about users, organisations and memberships. Each is audited."""

from __future__ import annotations

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
from kindred.accounts.models import Membership, Network, Organisation, Role, User
from kindred.accounts.notification_links import PASSWORD_LINK
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


@transaction.atomic
def membership_end(*, by: Acting, membership: Membership) -> Membership:
    """Take a role away. The last organisation admin cannot be removed (by anyone)."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if not locked.is_active:
        return locked
    if locked.role == Role.ORGANISATION_ADMIN:
        admins = Membership.objects.select_for_update().filter(
            organisation=locked.organisation, role=Role.ORGANISATION_ADMIN, is_active=True
        )
        if admins.count() <= 1:
            raise LastAdmin(
                f"{locked.organisation.name} must keep at least one organisation admin."
            )
    locked.is_active = False
    locked.save(update_fields=["is_active", "updated_at"])
    audit_record(
        by=by,
        action="membership.ended",
        target=locked,
        detail={"role": locked.role, "user": str(locked.user_id)},
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


@transaction.atomic
def team_member_add(
    *, by: Acting, email: str, full_name: str, role: Role, base_url: str
) -> Membership:
    """Give someone a role in the organisation `by` acts for. Someone new gets an email with a
    link to set their password; someone who already has a sign-in just gains the role."""
    if by.organisation is None:
        raise NotAMember("Choose an organisation first.")
    existing = User.objects.filter(email=User.objects.normalize_email(email).lower()).first()
    user = existing or user_ensure(by=by, email=email, full_name=full_name, password=None)
    membership = membership_grant(by=by, user=user, organisation=by.organisation, role=role)
    if existing is None:
        notification_send(
            by=by,
            to=user.email,
            subject=f"You have been added to {by.organisation.name} on Kindred",
            body=(
                f"{by.actor_label} has added you to {by.organisation.name} on Kindred as "
                f"{role.label.lower()}.\n\nSet your password here within "
                f"{tokens.LIFETIME_IN_WORDS[PasswordLink.Purpose.SET_UP]}: "
                f"{password_link(user=user, base_url=base_url)}"
            ),
            kind="account.invited",
            target=user,
        )
    return membership


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


@transaction.atomic
def two_factor_reset(*, by: Acting, user: User) -> None:
    """For someone who has lost their phone: they set up a new app at their next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    audit_record(by=by, action="user.two_factor_reset", target=user)
