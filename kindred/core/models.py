"""The base every Kindred model builds on, and the append-only audit log."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models


class BaseModel(models.Model):
    """UUID primary key (opaque in URLs) and creation/update times, stored in UTC."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a row of an append-only record."""


class AuditLogIsAppendOnly(AppendOnlyError):
    """Raised on any attempt to change or remove an audit entry."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Bulk changes are refused too; the model's `append_only_error` says why."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise self.model.append_only_error(self.model.append_only_message())

    def delete(self) -> NoReturn:
        raise self.model.append_only_error(self.model.append_only_message())

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise self.model.append_only_error(self.model.append_only_message())


class AppendOnlyModel(models.Model):
    """A record of what happened: rows are added, never changed or removed. Subclasses set
    `append_only_error` to the exception their callers expect."""

    append_only_error: ClassVar[type[AppendOnlyError]] = AppendOnlyError

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise self.append_only_error(self.append_only_message())
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise self.append_only_error(self.append_only_message())

    @classmethod
    def append_only_message(cls) -> str:
        return f"A {cls._meta.verbose_name} is a record of what happened: it cannot be changed or deleted."


class AuditEventQuerySet(AppendOnlyQuerySet):
    def for_record(self, target: models.Model) -> AuditEventQuerySet:
        return self.filter(target_type=target._meta.label_lower, target_id=str(target.pk))


class AuditEvent(AppendOnlyModel):
    """One thing someone did or looked at: who, for which organisation, what, which record, when, where."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=254, help_text="Who acted, as shown at the time.")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    #: The entry's place in its organisation's chain (1, 2, 3...); entries with no organisation
    #: form a chain of their own (ADR-080).
    sequence = models.PositiveBigIntegerField(editable=False)
    #: The hash of the entry before it in the chain (64 zeros for the first).
    previous_hash = models.CharField(max_length=64, editable=False)
    #: SHA-256 over `previous_hash` and the entry's fields (`kindred.core.audit_chain`).
    entry_hash = models.CharField(max_length=64, editable=False)

    append_only_error = AuditLogIsAppendOnly
    objects = AuditEventQuerySet.as_manager()  # type: ignore[misc]  # a richer manager of the same kind

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(
                fields=["target_type", "target_id", "-occurred_at"], name="audit_target_idx"
            ),
            models.Index(fields=["organisation", "-occurred_at"], name="audit_org_time_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "sequence"],
                condition=models.Q(organisation__isnull=False),
                name="audit_sequence_once_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["sequence"],
                condition=models.Q(organisation__isnull=True),
                name="audit_sequence_once_without_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class AuditChainHead(models.Model):
    """The latest entry of one audit chain, kept apart from the log so that removing the last
    entries of a chain is caught too. Written in the same transaction as the entry (ADR-080);
    not append-only: the application role updates it."""

    #: The organisation's id, or NO_ORGANISATION for the entries that have none.
    chain = models.CharField(primary_key=True, max_length=36)
    organisation = models.OneToOneField(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sequence = models.PositiveBigIntegerField()
    entry_hash = models.CharField(max_length=64)

    NO_ORGANISATION: ClassVar[str] = "none"

    def __str__(self) -> str:
        return f"Audit chain {self.chain} at entry {self.sequence}"
