"""The person record: someone an organisation supports. The Referrals issue extends it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kindred.core.models import BaseModel


class Person(BaseModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="people"
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    easting = models.IntegerField(null=True, blank=True)
    northing = models.IntegerField(null=True, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(
                fields=["organisation", "family_name", "given_name"], name="person_org_name_idx"
            ),
            models.Index(fields=["organisation", "-created_at"], name="person_org_created_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        full = f"{self.given_name} {self.family_name}".strip()
        if self.preferred_name and self.preferred_name != self.given_name:
            return f"{full} ({self.preferred_name})"
        return full
