"""`audit_appended_at_end`: a write's audit entries go into their chains together when it ends,
under one lock per chain, and only if the write is kept (ADR-107, ADR-080)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from kindred.accounts.tests.factories import OrganisationFactory
from kindred.core import audit_chain
from kindred.core.models import AuditEvent
from kindred.core.services import Acting, audit_appended_at_end, audit_record

pytestmark = pytest.mark.django_db


def test_entries_are_written_at_the_end_in_one_statement_and_chain(organisation):
    by = Acting.system("t", organisation)
    audit_record(by=by, action="test.done")  # the chain has an entry already
    with CaptureQueriesContext(connection) as captured:
        with audit_appended_at_end():
            first = audit_record(by=by, action="test.recorded", detail={"n": 1})
            assert first.sequence is None  # held, not yet written
            assert not AuditEvent.objects.filter(pk=first.pk).exists()
            audit_record(by=by, action="test.recorded", detail={"n": 2})
        sql = [q["sql"] for q in captured.captured_queries]
    assert sum('INSERT INTO "core_auditevent"' in q for q in sql) == 1
    if connection.vendor == "postgresql":
        # the head's row lock taken once, and the entries written with the new head (ADR-128)
        assert sum(q.startswith('INSERT INTO "core_auditchainhead"') for q in sql) == 1
        (written,) = [q for q in sql if 'INSERT INTO "core_auditevent"' in q]
        assert written.startswith('WITH head AS (UPDATE "core_auditchainhead"')
        assert not any("pg_advisory_xact_lock" in q for q in sql)  # the chain has a head
    chain = list(AuditEvent.objects.filter(organisation=organisation).order_by("sequence"))
    assert [(e.sequence, e.action, e.detail) for e in chain] == [
        (1, "test.done", {}),
        (2, "test.recorded", {"n": 1}),
        (3, "test.recorded", {"n": 2}),
    ]
    assert chain[1].previous_hash == chain[0].entry_hash
    assert chain[2].occurred_at >= chain[0].occurred_at
    assert all(report.holds for report in audit_chain.verify())


def test_nothing_is_written_when_the_block_fails(organisation):
    by = Acting.system("t", organisation)
    # (in a transaction of its own, as a service is: the block takes no savepoint itself)
    with pytest.raises(RuntimeError), transaction.atomic(), audit_appended_at_end():
        audit_record(by=by, action="test.recorded")
        raise RuntimeError("the write failed")
    assert not AuditEvent.objects.filter(organisation=organisation).exists()
    audit_record(by=by, action="test.done")  # and recording goes on as usual afterwards
    assert AuditEvent.objects.get(organisation=organisation).sequence == 1


def test_an_entry_recorded_in_a_savepoint_rolled_back_is_dropped_with_it(organisation):
    by = Acting.system("t", organisation)
    with audit_appended_at_end():
        audit_record(by=by, action="test.recorded", detail={"kept": True})
        try:
            with transaction.atomic():
                audit_record(by=by, action="test.recorded", detail={"kept": False})
                raise IntegrityError("as when another request made the same record")
        except IntegrityError:
            pass
        with transaction.atomic():  # a savepoint released, not rolled back: its entry stays
            audit_record(by=by, action="test.done")
    assert list(
        AuditEvent.objects.filter(organisation=organisation)
        .order_by("sequence")
        .values_list("action", "detail")
    ) == [("test.recorded", {"kept": True}), ("test.done", {})]


def test_blocks_nest_and_each_chain_is_appended_once(organisation, other_organisation):
    ours, theirs = Acting.system("t", organisation), Acting.system("t", other_organisation)
    with audit_appended_at_end():
        audit_record(by=ours, action="test.recorded")
        with audit_appended_at_end():
            audit_record(by=theirs, action="test.recorded")
            audit_record(by=ours, action="test.done")
        assert not AuditEvent.objects.exists()  # the outer block appends
    assert [
        (e.organisation_id, e.sequence, e.action)
        for e in AuditEvent.objects.order_by("organisation_id", "sequence")
    ] == sorted(
        [
            (organisation.pk, 1, "test.recorded"),
            (organisation.pk, 2, "test.done"),
            (other_organisation.pk, 1, "test.recorded"),
        ],
        key=lambda row: (str(row[0]), row[1]),
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers")
@pytest.mark.django_db(transaction=True)
def test_another_writer_waits_only_for_the_append_not_the_whole_write():
    """While one write is busy inside the block (its entries held), another writer of the same
    organisation's chain goes straight in; the chain stays whole."""
    organisation = OrganisationFactory(slug="busy-intake")
    by = Acting.system("t", organisation)
    busy, release = threading.Event(), threading.Event()
    done: dict[str, float] = {}

    def slow_write() -> None:
        with audit_appended_at_end():
            audit_record(by=by, action="test.held")
            busy.set()
            release.wait(timeout=30)
        connections.close_all()

    def quick_write() -> None:
        busy.wait(timeout=30)
        started = time.monotonic()
        with transaction.atomic():
            audit_record(by=by, action="test.repeated")
        done["quick"] = time.monotonic() - started
        connections.close_all()

    threads: list[Any] = [threading.Thread(target=f) for f in (slow_write, quick_write)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while "quick" not in done and time.monotonic() < deadline:
        time.sleep(0.01)
    finished_while_busy = "quick" in done
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert finished_while_busy and done["quick"] < 5
    assert list(
        AuditEvent.objects.filter(organisation=organisation)
        .order_by("sequence")
        .values_list("sequence", "action")
    ) == [(1, "test.repeated"), (2, "test.held")]
    assert all(report.holds for report in audit_chain.verify())
