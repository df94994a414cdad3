"""What one FHIR referral costs: the same queries however much the organisation holds, the audit
chain's lock taken once and last (ADR-107), and nothing read from disk that a process has read
before (the postcode tables). Times are measured in benchmarks/fhir_intake.py, never here."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import brotli
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kindred.core import audit_chain
from kindred.fhir.tests.conftest import post
from kindred.people import identifiers
from kindred.people.tests.factories import PersonFactory
from kindred.referrals.models import Referral
from kindred.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def _nhs_number(seed: int) -> str:
    while (digit := identifiers.nhs_number_check_digit(str(seed))) is None:
        seed += 1
    return f"{seed}{digit}"


def _referral(example: dict[str, Any], n: int, *, nhs_number: str | None = None) -> dict[str, Any]:
    data = copy.deepcopy(example)
    data["identifier"][0]["value"] = f"COST-{n}"
    patient = data["contained"][0]
    patient["identifier"][0]["value"] = nhs_number or _nhs_number(401023213 + 11 * n)
    patient["name"][0]["family"] = f"Cost{n}"
    return data


def _intake(api: Client, data: dict[str, Any]) -> list[str]:
    # The token's first use notes when it was used (at most once a minute): not counted here.
    assert api.get(f"/fhir/ServiceRequest/{uuid.uuid4()}").status_code == 404
    with CaptureQueriesContext(connection) as captured:
        response = post(api, data)
    assert response.status_code == 201, response.content
    return [query["sql"] for query in captured.captured_queries]


def _grow(organisation, count: int) -> None:
    for _ in range(count):
        ReferralFactory(organisation=organisation)


def test_a_new_persons_referral_takes_the_same_queries_at_two_sizes(api, example, organisation):
    small = _intake(api, _referral(example, 1))
    _grow(organisation, 40)
    large = _intake(api, _referral(example, 2))
    assert len(large) == len(small)
    # token, begin, the matching rules (one query), the person, the referral, its event, the
    # audit append (the chain's head, then the entries with the new head), commit: the budget
    # this work is held to (ADR-128). On SQLite the person is added in a savepoint and the
    # head is written apart.
    assert len(small) <= (9 if connection.vendor == "postgresql" else 12)
    assert not any(q.startswith('SELECT "referrals_referral"') for q in small)  # no look-up


def test_a_known_persons_referral_takes_the_same_queries_at_two_sizes(api, example, organisation):
    first = PersonFactory(organisation=organisation, nhs_number=_nhs_number(555000000))
    small = _intake(api, _referral(example, 3, nhs_number=first.nhs_number))
    _grow(organisation, 40)
    second = PersonFactory(organisation=organisation, nhs_number=_nhs_number(556000000))
    large = _intake(api, _referral(example, 4, nhs_number=second.nhs_number))
    # token, begin, matching, the person's row lock, referral, event, the append, commit
    assert len(large) == len(small) <= (9 if connection.vendor == "postgresql" else 10)
    assert Referral.objects.filter(person__in=[first, second]).count() == 2


def test_the_audit_entries_of_a_referral_are_appended_once_after_its_writes(api, example):
    queries = _intake(api, _referral(example, 5))
    audit_inserts = [i for i, q in enumerate(queries) if 'INSERT INTO "core_auditevent"' in q]
    writes = [
        i
        for i, q in enumerate(queries)
        if q.startswith(('INSERT INTO "people_person"', 'INSERT INTO "referrals_referral'))
    ]
    # person.created and referral.received, in one statement after every other write
    assert len(audit_inserts) == 1 and len(writes) == 3
    assert audit_inserts[0] > max(writes)
    assert not any("pg_advisory_xact_lock" in q for q in queries)  # the chain has its head
    if connection.vendor == "postgresql":
        # The chain is waited for once, after every other write: its head's row lock, taken and read in
        # one statement; then the entries and the new head in one statement (ADR-128).
        (lock,) = [
            i for i, q in enumerate(queries) if q.startswith('INSERT INTO "core_auditchainhead"')
        ]
        assert max(writes) < lock == audit_inserts[0] - 1
        assert queries[audit_inserts[0]].startswith('WITH head AS (UPDATE "core_auditchainhead"')
        assert len(queries) - lock <= 3  # the lock, the append, the commit (a savepoint here)
    assert all(report.holds for report in audit_chain.verify())


def test_postcode_tables_are_read_once_per_process(api, example, monkeypatch):
    identifiers._letter.cache_clear()
    reads: list[str] = []
    decompress = brotli.decompress

    def counting(raw: bytes) -> bytes:
        reads.append("read")
        return bytes(decompress(raw))

    monkeypatch.setattr(brotli, "decompress", counting)
    _intake(api, _referral(example, 6))  # SK1 3XE: the S table is read
    assert reads == ["read"]
    for n in range(7, 10):
        _intake(api, _referral(example, n))
    (elsewhere,) = identifiers.postcodes_in_district("S10", 1)
    assert identifiers.lookup(elsewhere.postcode) == elsewhere
    assert reads == ["read"]  # the same process never reads it again
    assert identifiers._letter.cache_info().currsize == 1
