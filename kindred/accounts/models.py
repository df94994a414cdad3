"""People who sign in, the organisations they act for, the networks those belong to, and roles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone

from kindred.core.models import BaseModel


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Coordinator"
    VOLUNTEER = "volunteer", "Peer supporter or befriender"
    FACILITATOR = "facilitator", "Group facilitator"
    SAFEGUARDING_LEAD = "safeguarding_lead", "Safeguarding lead"
    #: The clinician or social worker the organisation calls in when someone is in crisis: sees
    #: the concerns raised to them (kindred.safeguarding).
    DUTY_PROFESSIONAL = "duty_professional", "Duty professional"
    REFERRER = "referrer", "Referrer"
    COMMISSIONER = "commissioner", "Commissioner"
    ORGANISATION_ADMIN = "organisation_admin", "Organisation admin"
    NETWORK_ADMIN = "network_admin", "Network admin"

    @property
    def reaches_network(self) -> bool:
        """Whether the role reaches across a network rather than one organisation (ADR-070)."""
        return self in NETWORK_ROLES


# Roles held across a network: granted only by that network's admins or the operator (ADR-070).
NETWORK_ROLES = frozenset({Role.NETWORK_ADMIN, Role.COMMISSIONER})
ORGANISATION_ROLES = frozenset(role for role in Role if role not in NETWORK_ROLES)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)  # None gives an unusable password
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(BaseModel, AbstractBaseUser, PermissionsMixin):
    """Someone who signs in to Kindred. They sign in with their email address."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    if TYPE_CHECKING:
        # django-otp's OTPMiddleware gives the user of every request `is_verified()`: whether
        # they passed two-step verification in this session. Declared for the type checker.
        def is_verified(self) -> bool: ...

    def roles_in(self, organisation: Organisation | None) -> frozenset[str]:
        """The roles this user holds in an organisation: those held in it, and those held across
        its network (ADR-070). One query per request, then cached."""
        if organisation is None or not self.is_active or not organisation.is_active:
            return frozenset()
        cache: dict[Any, frozenset[str]] | None = getattr(self, "_kindred_roles", None)
        if cache is None:
            cache = {}
            for organisation_id, network_id, role in (
                Membership.objects.filter(user=self, is_active=True)
                .filter(
                    models.Q(organisation__is_active=True) | models.Q(organisation__isnull=True)
                )
                .values_list("organisation_id", "network_id", "role")
            ):
                key = (
                    ("organisation", organisation_id)
                    if organisation_id
                    else ("network", network_id)
                )
                cache[key] = cache.get(key, frozenset()) | {role}
            self._kindred_roles = cache
        held = cache.get(("organisation", organisation.pk), frozenset())
        if organisation.network_id is not None:
            held |= cache.get(("network", organisation.network_id), frozenset())
        return held


class Network(BaseModel):
    """Many organisations run as one, each keeping its own data (e.g. Leeds Neighbourhood Networks)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(BaseModel):
    """A charity, NHS team or neighbourhood network member. Every record belongs to one."""

    class Kind(models.TextChoices):
        CHARITY = "charity", "Charity or voluntary group"
        NHS = "nhs", "NHS team"
        NEIGHBOURHOOD = "neighbourhood", "Neighbourhood network"
        COUNCIL = "council", "Council or commissioner"
        GP_PRACTICE = "gp_practice", "GP practice"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CHARITY)
    network = models.ForeignKey(
        Network, null=True, blank=True, on_delete=models.PROTECT, related_name="organisations"
    )
    ods_code = models.CharField("ODS code", max_length=12, blank=True)
    # An NHS body (an NHS team, a GP practice) shows the NHS identity; a charity or a
    # neighbourhood network shows its own name. The operator decides (ADR-091). The database
    # default lets code that predates the column (a release still running during an upgrade)
    # add organisations.
    is_nhs = models.BooleanField("NHS body", default=False, db_default=False)
    is_active = models.BooleanField(default=True)
    # Where the organisation is based, and what support it offers: how a network admin chooses
    # where a referral sent to the network's front door goes (ADR-092). The postcode is located
    # by the caller of `services.organisation_place_set` (accounts imports no higher app).
    # Database defaults too, so that rows written by code that predates these columns (an older
    # process during a deploy, a migration test at an earlier state) still insert.
    base_postcode = models.CharField(max_length=8, blank=True, default="", db_default="")
    base_easting = models.IntegerField(null=True, blank=True)  # metres, British National Grid
    base_northing = models.IntegerField(null=True, blank=True)
    # The kinds of support it offers: values of referrals.Wants ("group", "befriending", ...),
    # which referrals checks; accounts only keeps the list.
    support_offered = models.JSONField(default=list, db_default=[], blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(base_easting__isnull=True, base_northing__isnull=True)
                | models.Q(base_easting__isnull=False, base_northing__isnull=False),
                name="organisation_place_has_both_coordinates",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# The kinds of organisation that are NHS bodies unless the operator says otherwise (ADR-091).
NHS_KINDS = frozenset({Organisation.Kind.NHS, Organisation.Kind.GP_PRACTICE})


class Membership(BaseModel):
    """A user holding one role, in one organisation or (for a role that reaches across a network:
    network admin, commissioner) in one network (ADR-070). A user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    network = models.ForeignKey(
        Network, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation__name", "network__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="one_membership_per_role"
            ),
            models.UniqueConstraint(
                fields=["user", "network", "role"],
                condition=models.Q(network__isnull=False),
                name="one_network_membership_per_role",
            ),
            # The role decides the reach: a network role is held in a network, any other role
            # in an organisation, never both and never neither.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        organisation__isnull=True,
                        network__isnull=False,
                        role__in=sorted(NETWORK_ROLES),
                    )
                    | (
                        models.Q(organisation__isnull=False, network__isnull=True)
                        & ~models.Q(role__in=sorted(NETWORK_ROLES))
                    )
                ),
                name="membership_reach_matches_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} at {self.scope}"

    @property
    def scope(self) -> Organisation | Network:
        """The organisation, or the network, the role is held in."""
        scope = self.organisation if self.organisation_id else self.network
        assert scope is not None  # the check constraint guarantees one of them
        return scope


class Invitation(BaseModel):
    """An organisation asks someone to take a role (ADR-071). They become a member only when they
    accept it, signed in. The admin sees only what they typed: `full_name` and `email`, never the
    account's own details, so inviting an address reveals nothing about whether it has one."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for them to accept"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="invitations"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    full_name = models.CharField(max_length=200)  # as the admin typed it
    email = models.EmailField()  # as the admin typed it (normalised)
    role = models.CharField(max_length=32, choices=Role.choices)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "role"],
                condition=models.Q(status="pending"),
                name="one_pending_invitation_per_role",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.full_name} to {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at > timezone.now()


# Password links (ADR-073); API tokens and their scopes (ADR-119), re-exported where models are
# looked for.
from kindred.accounts.models_api import EVERY_SCOPE as EVERY_SCOPE  # noqa: E402
from kindred.accounts.models_api import REFERRALS_ONLY as REFERRALS_ONLY  # noqa: E402
from kindred.accounts.models_api import ApiToken as ApiToken  # noqa: E402
from kindred.accounts.models_api import Scope as Scope  # noqa: E402
from kindred.accounts.tokens import PasswordLink  # noqa: E402, F401
