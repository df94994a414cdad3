"""Writing the audit log. Services call `audit_record` (or `audit_view` for a read); nothing else
writes to it. Every action is declared in `kindred.core.audit_actions` first."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from kindred.core import audit_actions, audit_chain
from kindred.core.addresses import client_address, trusted_networks
from kindred.core.models import AuditEvent

if TYPE_CHECKING:
    from kindred.accounts.models import Organisation, User


@dataclass(frozen=True)
class Acting:
    """Who is doing something, for which organisation, from where. Every service takes one."""

    user: User | None
    organisation: Organisation | None
    ip_address: str | None = None
    label: str = ""

    @property
    def actor_label(self) -> str:
        if self.label:
            return self.label
        return self.user.email if self.user is not None else "system"

    @classmethod
    def from_request(cls, request: HttpRequest) -> Acting:
        user = request.user if request.user.is_authenticated else None
        return cls(
            user=user,
            organisation=getattr(request, "organisation", None),
            ip_address=client_ip(request),
        )

    @classmethod
    def system(cls, label: str = "system", organisation: Organisation | None = None) -> Acting:
        return cls(user=None, organisation=organisation, label=label)


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address: the one place Kindred decides it (ADR-078). Sign-in lockout (axes,
    AXES_CLIENT_IP_CALLABLE), the public forms' rate limits and the audit log all use it.

    X-Forwarded-For is read only when the connection comes from one of settings.TRUSTED_PROXIES
    (FORWARDED_ALLOW_IPS, the list gunicorn trusts too), and then the right-most address that is
    not a trusted proxy is the client; from anyone else the header is ignored as forged."""
    return client_address(
        remote_addr=request.META.get("REMOTE_ADDR"),
        forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR"),
        trusted=trusted_networks(tuple(settings.TRUSTED_PROXIES)),
    )


def audit_record(
    *,
    by: Acting,
    action: str,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one entry to the audit log, chained to the entry before it in the organisation's
    chain (ADR-080). Waits only for another entry of the same organisation being written."""
    (entry,) = audit_record_many(by=by, action=action, targets=[target], detail=detail)
    return entry


def audit_record_many(
    *,
    by: Acting,
    action: str,
    targets: Iterable[models.Model | None],
    detail: dict[str, Any] | None = None,
) -> list[AuditEvent]:
    """One entry per target, all at once (bulk seeding, imports), chained like `audit_record`.
    An undeclared action is refused before anything is written (ADR-084)."""
    audit_actions.check(action)
    return _append(by=by, action=action, targets=targets, detail=detail)


@transaction.atomic(savepoint=False)  # inside a service's transaction: no savepoint round trips
def _append(
    *,
    by: Acting,
    action: str,
    targets: Iterable[models.Model | None],
    detail: dict[str, Any] | None,
) -> list[AuditEvent]:
    entries = [
        AuditEvent(
            actor=by.user,
            actor_label=by.actor_label,
            organisation=by.organisation,
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            ip_address=by.ip_address,
            detail=detail or {},
        )
        for target in targets
    ]
    held = getattr(_held, "entries", None)
    if held is not None:
        held.add(entries)
        return entries
    return _chain(entries)


def _chain(entries: list[AuditEvent]) -> list[AuditEvent]:
    """Append entries of one chain: wait for the chain, then give them their times and places."""
    # Their time is taken once the chain is theirs: times rise with the sequence.
    return audit_chain.append(entries, stamp=timezone.now)


@dataclass
class _Held:
    """Entries recorded inside `audit_appended_at_end`, each with a marker that Django forgets
    if the savepoint the entry was recorded in is rolled back (on_commit's documented rule)."""

    pending: list[tuple[Callable[[], None], list[AuditEvent]]] = field(default_factory=list)

    def add(self, entries: list[AuditEvent]) -> None:
        def marker() -> None:
            """Registered with on_commit only to learn whether a savepoint was rolled back."""

        transaction.on_commit(marker)
        self.pending.append((marker, entries))

    def kept(self) -> list[AuditEvent]:
        alive = {id(registered[1]) for registered in connection.run_on_commit}  # (sids, func, ...)
        return [e for marker, entries in self.pending if id(marker) in alive for e in entries]


_held = threading.local()


@contextmanager
def audit_appended_at_end() -> Iterator[None]:
    """Hold the audit entries recorded inside the block and append them, each chain's in one go,
    when the block ends without an error (ADR-107). Use it around a write that audits several
    times: the chain's lock (ADR-080) is then taken once, at the end, so the transaction holds
    it only for that append and its commit, not while it does the rest of its work, and
    other writers for the same organisation wait that much less.

    The block runs in a transaction (its own, or the caller's without a savepoint). Entries
    recorded in a savepoint that is rolled back are dropped with it, as if written then. An
    entry's place and time are given at the end: `audit_record` returns it unsaved until then.
    Blocks nest: the outermost appends."""
    if getattr(_held, "entries", None) is not None:
        yield
        return
    held = _Held()
    _held.entries = held
    try:
        with transaction.atomic(savepoint=False):
            yield
            _held.entries = None
            chains: dict[str, list[AuditEvent]] = {}
            for entry in held.kept():
                chains.setdefault(audit_chain.chain_key(entry.organisation_id), []).append(entry)
            # Chains in a fixed order, so that two writers never wait for each other's chain.
            for key in sorted(chains):
                _chain(chains[key])
    finally:
        _held.entries = None


def audit_view(
    *,
    by: Acting,
    entity: str,
    target: models.Model | None = None,
    refused: bool = False,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """THE way a read is audited: `<entity>.viewed` once the record is shown, or
    `<entity>.view_refused` when the user was refused it (never recorded as a view). The app
    declares both with `audit_actions.audit_view_actions(entity, ...)`."""
    action = f"{entity}.view_refused" if refused else f"{entity}.viewed"
    return audit_record(by=by, action=action, target=target, detail=detail)
