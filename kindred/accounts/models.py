"""People who sign in, the organisations they act for, the networks those belong to, and roles."""

from __future__ import annotations

from typing import Any

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
    REFERRER = "referrer", "Referrer"
    COMMISSIONER = "commissioner", "Commissioner"
    ORGANISATION_ADMIN = "organisation_admin", "Organisation admin"
    NETWORK_ADMIN = "network_admin", "Network admin"


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

    def roles_in(self, organisation: Organisation | None) -> frozenset[str]:
        """The roles this user holds in an organisation (one query per request, then cached)."""
        if organisation is None or not self.is_active:
            return frozenset()
        cache: dict[Any, frozenset[str]] | None = getattr(self, "_kindred_roles", None)
        if cache is None:
            cache = {}
            for organisation_id, role in Membership.objects.filter(
                user=self, is_active=True, organisation__is_active=True
            ).values_list("organisation_id", "role"):
                cache[organisation_id] = cache.get(organisation_id, frozenset()) | {role}
            self._kindred_roles = cache
        return cache.get(organisation.pk, frozenset())


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
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(BaseModel):
    """A user holding one role in one organisation. A user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="one_membership_per_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} at {self.organisation}"


from kindred.accounts.tokens import PasswordLink  # noqa: E402, F401 - password links (ADR-073)
