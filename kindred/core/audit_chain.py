"""The audit log's hash chain: tampering with it is detectable (ADR-080).

Each organisation's entries form one chain (entries with no organisation form their own): entry
n carries its sequence number n, the hash of entry n-1 and its own hash, SHA-256 over that
previous hash and a canonical serialisation of its fields. The latest sequence number and hash of
each chain are kept apart, in `AuditChainHead`, written in the same transaction, so removing the
last entries is caught as well as removing, editing or reordering earlier ones.

Appends to one chain are put in order, on PostgreSQL, by a row lock on the chain's head, held
until the transaction ends: one statement makes the head if the chain has none or rewrites it
unchanged (INSERT ... ON CONFLICT DO UPDATE), which waits for any other writer, locks it and
returns it as that writer committed it; the entries and the new head are then written in one
statement (ADR-128). The log itself is never locked or updated (the application role has no
UPDATE on it), and two organisations never wait for each other. On SQLite, Kindred's
transactions begin IMMEDIATE, so the database's write lock already puts every write in order.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol

from django.db import connection, models
from django.db.models.sql import InsertQuery

from kindred.core.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64
#: The first key of the two-key advisory lock: "KIND". The second is taken from the
#: organisation's id. (Two-key advisory locks never collide with one-key ones.)
LOCK_NAMESPACE = 0x4B494E44


class ChainedEntry(Protocol):
    """What the hash covers: an AuditEvent, or the historical model in a migration."""

    id: uuid.UUID
    organisation_id: Any
    occurred_at: datetime
    actor_id: Any
    actor_label: str
    action: str
    target_type: str
    target_id: str
    ip_address: str | None
    detail: Any


def chain_key(organisation_id: Any) -> str:
    return str(organisation_id) if organisation_id is not None else AuditChainHead.NO_ORGANISATION


def lock_key(organisation_id: Any) -> int:
    """A signed 32-bit number from the organisation's id (0 for entries with no organisation)."""
    if organisation_id is None:
        return 0
    number = int.from_bytes(uuid.UUID(str(organisation_id)).bytes[:4], "big", signed=True)
    return number or 1


def _plain(value: Any) -> Any:
    """JSON as the database gives it back: integral floats as the integer their shortest
    decimal form names (PostgreSQL's jsonb keeps 5.690333368315265e+16, which is what Python
    writes, as 56903333683152650 and hands back an integer), tuples as lists."""
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        return int(Decimal(repr(value))) if value.is_integer() else value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _address(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return str(value)


def canonical(entry: ChainedEntry) -> bytes:
    """The entry's fields as compact JSON with sorted keys: the same bytes whichever database
    stored the entry and however its detail was written."""
    occurred = entry.occurred_at.astimezone(UTC).isoformat(timespec="microseconds")
    fields = {
        "id": str(entry.id),
        "organisation": str(entry.organisation_id) if entry.organisation_id else None,
        "occurred_at": occurred,
        "actor": str(entry.actor_id) if entry.actor_id else None,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "ip_address": _address(entry.ip_address),
        # Round-trip through JSON first: what is hashed is what the database will hand back.
        "detail": _plain(json.loads(json.dumps(entry.detail))),
    }
    return json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def link_hash(previous_hash: str, entry: ChainedEntry) -> str:
    return hashlib.sha256(previous_hash.encode("ascii") + b"\n" + canonical(entry)).hexdigest()


def lock_chain(organisation_id: Any) -> None:
    """Wait for any other transaction holding this chain's advisory lock, until this one ends
    (ADR-080). `append` no longer needs it (it locks the chain's head, ADR-128); kept for
    callers that append by hand."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, lock_key(organisation_id)]
            )


#: Entries appended with the head in one statement at most; more go in batches (seeding).
ONE_STATEMENT_AT_MOST = 500


#: Waits for the chain, then reads its head, in one statement: the head row is made if the chain
#: has none yet (at sequence 0, the genesis hash; the append that follows moves it on, in the same
#: transaction) or else rewritten unchanged, which locks it until the transaction ends. After
#: waiting for another writer, PostgreSQL returns the head as that writer committed it.
_LOCK_HEAD = (
    'INSERT INTO "core_auditchainhead" ("chain", "organisation_id", "sequence", "entry_hash") '
    "VALUES (%s, %s, 0, %s) "
    'ON CONFLICT ("chain") DO UPDATE SET "sequence" = "core_auditchainhead"."sequence" '
    'RETURNING "sequence", "entry_hash"'
)


def _locked_head(key: str, organisation_id: Any) -> tuple[int, str] | None:
    """The chain's head (sequence, hash), locked until the transaction ends. On SQLite, None if
    the chain has no entry yet (the transaction already holds the database's write lock)."""
    if connection.vendor != "postgresql":
        heads = AuditChainHead.objects.filter(chain=key)
        return heads.values_list("sequence", "entry_hash").first()
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_HEAD, [key, organisation_id, GENESIS])
        sequence, entry_hash = cursor.fetchone()
    return int(sequence), str(entry_hash)


def append(
    entries: list[AuditEvent], *, stamp: Callable[[], datetime] | None = None
) -> list[AuditEvent]:
    """Give `entries` (all of one chain) their places in it and save them, moving the chain's
    head on. Call inside a transaction: waits for any other transaction appending to this chain
    (see the module's docstring), which then waits for this one until it ends. `stamp`, if
    given, is called once this transaction has the chain and its time is given to every entry,
    so that times rise with the sequence."""
    if not entries:
        return entries
    organisation_id = entries[0].organisation_id
    if any(entry.organisation_id != organisation_id for entry in entries):
        raise ValueError("entries of one append must belong to one chain")
    key = chain_key(organisation_id)
    head = _locked_head(key, organisation_id)
    if stamp is not None:
        now = stamp()
        for entry in entries:
            entry.occurred_at = now
    sequence, previous = head if head is not None else (0, GENESIS)
    for entry in entries:
        sequence += 1
        entry.sequence, entry.previous_hash = sequence, previous
        entry.entry_hash = previous = link_hash(previous, entry)
    if (
        head is not None
        and connection.vendor == "postgresql"
        and len(entries) <= ONE_STATEMENT_AT_MOST
    ):
        _insert_and_move_head(entries, key, sequence, previous)
        return entries
    if len(entries) == 1:
        entries[0].save(force_insert=True)
    else:
        AuditEvent.objects.bulk_create(entries, batch_size=1000)
    if head is None:
        AuditChainHead.objects.create(
            chain=key, organisation_id=organisation_id, sequence=sequence, entry_hash=previous
        )
    else:
        AuditChainHead.objects.filter(chain=key).update(sequence=sequence, entry_hash=previous)
    return entries


_MOVE_HEAD = (
    'UPDATE "core_auditchainhead" SET "sequence" = %s, "entry_hash" = %s WHERE "chain" = %s'
)


def _insert_and_move_head(entries: list[AuditEvent], key: str, sequence: int, last: str) -> None:
    """PostgreSQL: INSERT the entries and UPDATE the head in one statement (a data-modifying
    WITH), one round trip under the chain's lock instead of two. The INSERT is Django's own
    (the same columns and values bulk_create would send)."""
    query = InsertQuery(AuditEvent)
    rows: list[models.Model] = list(entries)
    query.insert_values(AuditEvent._meta.concrete_fields, rows)
    ((insert, values),) = query.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"WITH head AS ({_MOVE_HEAD}) {insert}", [sequence, last, key, *values])
    for entry in entries:  # saved, as bulk_create leaves them
        entry._state.adding = False
        entry._state.db = connection.alias


# --- verifying ---------------------------------------------------------------------------


@dataclass
class ChainReport:
    """One chain's verdict: `problem` is the first broken link, or empty if the chain holds."""

    label: str
    entries: int = 0
    last_sequence: int = 0
    last_hash: str = GENESIS
    problem: str = ""
    broken_at: int | None = None
    kind: str = ""  # edited, missing, reordered, duplicated, broken link, head mismatch

    @property
    def holds(self) -> bool:
        return not self.problem

    def line(self) -> str:
        if self.holds:
            return f"{self.label}: {self.entries} entries, chain holds"
        return f"{self.label}: broken at entry {self.broken_at} ({self.kind}): {self.problem}"


@dataclass
class _Walk:
    report: ChainReport
    expected_sequence: int = 1
    expected_previous: str = GENESIS
    hashes: set[str] = field(default_factory=set)

    def fail(self, kind: str, at: int, problem: str) -> None:
        if self.report.holds:
            self.report.kind, self.report.broken_at, self.report.problem = kind, at, problem


_FIELDS = (
    "id",
    "organisation_id",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "ip_address",
    "detail",
    "sequence",
    "previous_hash",
    "entry_hash",
)


def _entries(organisation_id: Any) -> Iterator[AuditEvent]:
    events = AuditEvent.objects.only(*_FIELDS).order_by("sequence")
    if organisation_id is None:
        events = events.filter(organisation__isnull=True)
    else:
        events = events.filter(organisation_id=organisation_id)
    return events.iterator(chunk_size=2000)


def _where_it_was_written(organisation_id: Any, previous_hash: str) -> int | None:
    events = AuditEvent.objects.filter(entry_hash=previous_hash)
    if organisation_id is None:
        events = events.filter(organisation__isnull=True)
    else:
        events = events.filter(organisation_id=organisation_id)
    found = events.values_list("sequence", flat=True).first()
    return int(found) if found is not None else None


def verify_chain(organisation_id: Any, label: str) -> ChainReport:
    """Walk one chain from its first entry, then compare its end with the chain's head."""
    walk = _Walk(ChainReport(label))
    report = walk.report
    for entry in _entries(organisation_id):
        report.entries += 1
        n = int(entry.sequence)
        if link_hash(entry.previous_hash, entry) != entry.entry_hash:
            walk.fail(
                "edited",
                n,
                f"entry {n} was changed after it was written: its fields no longer match its hash",
            )
        elif n < walk.expected_sequence:
            walk.fail("duplicated", n, f"entry {n} appears more than once")
        elif n > walk.expected_sequence:
            first, last = walk.expected_sequence, n - 1
            gone = f"entry {first} is" if first == last else f"entries {first} to {last} are"
            walk.fail("missing", first, f"{gone} missing (the chain goes from {first - 1} to {n})")
        elif entry.previous_hash != walk.expected_previous:
            written_after = _where_it_was_written(organisation_id, entry.previous_hash)
            if written_after is not None:
                walk.fail(
                    "reordered",
                    n,
                    f"entry {n} is out of order: it was written after entry {written_after}, "
                    f"not after entry {n - 1}",
                )
            else:
                walk.fail(
                    "broken link",
                    n,
                    f"entry {n} does not follow entry {n - 1}: the hash it records for the entry "
                    "before matches no entry",
                )
        walk.expected_sequence = max(walk.expected_sequence, n + 1)
        walk.expected_previous = entry.entry_hash
        report.last_sequence, report.last_hash = n, entry.entry_hash
    _check_head(walk, organisation_id)
    return report


def _check_head(walk: _Walk, organisation_id: Any) -> None:
    report = walk.report
    head = AuditChainHead.objects.filter(chain=chain_key(organisation_id)).first()
    if head is None:
        if report.entries:
            walk.fail(
                "head mismatch",
                report.last_sequence,
                "the chain's head is missing: nothing records where the chain should end",
            )
        return
    if head.sequence > report.last_sequence:
        first = report.last_sequence + 1
        gone = (
            f"entry {first} is"
            if first == head.sequence
            else f"entries {first} to {head.sequence} are"
        )
        walk.fail(
            "missing",
            first,
            f"{gone} missing from the end: the chain's head says entry {head.sequence} was "
            f"written last, the log ends at entry {report.last_sequence}",
        )
    elif head.sequence < report.last_sequence or head.entry_hash != report.last_hash:
        walk.fail(
            "head mismatch",
            report.last_sequence,
            f"the chain's head (entry {head.sequence}) does not match the last entry "
            f"({report.last_sequence}) of the log",
        )


def chains(organisation_slug: str | None = None) -> list[tuple[Any, str]]:
    """(organisation id or None, label) of every chain there is, in the log or in a head, or of
    one organisation's chain."""
    from django.apps import apps

    organisation_model = apps.get_model("accounts", "Organisation")
    if organisation_slug is not None:
        organisation = organisation_model.objects.get(slug=organisation_slug)
        return [(organisation.pk, organisation.slug)]
    with_entries = set(
        AuditEvent.objects.order_by().values_list("organisation_id", flat=True).distinct()
    )
    with_heads = set(AuditChainHead.objects.values_list("organisation_id", flat=True))
    ids = with_entries | with_heads
    if AuditChainHead.objects.filter(chain=AuditChainHead.NO_ORGANISATION).exists():
        ids.add(None)
    slugs = dict(
        organisation_model.objects.filter(pk__in=[i for i in ids if i is not None]).values_list(
            "pk", "slug"
        )
    )
    found = [(i, slugs.get(i, str(i))) for i in ids if i is not None]
    found.sort(key=lambda pair: pair[1])
    if None in ids:
        found.append((None, "no organisation"))
    return found


def verify(organisation_slug: str | None = None) -> list[ChainReport]:
    return [verify_chain(pk, label) for pk, label in chains(organisation_slug)]
