"""Two copies of the same ServiceRequest at the same moment: one referral, both callers told
where it is. Real threads against the live server; needs PostgreSQL (SQLite serialises writes)."""

from __future__ import annotations

import json
import threading
import urllib.request

import pytest
from django.db import connection

from kindred.fhir.tests.conftest import EXAMPLE
from kindred.referrals.models import Referral

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writes need PostgreSQL")
def test_simultaneous_copies_make_one_referral(live_server, token):
    body = EXAMPLE.read_bytes()
    results: list[tuple[int, str]] = []
    start = threading.Barrier(6)

    def send() -> None:
        request = urllib.request.Request(  # noqa: S310 - the live test server
            f"{live_server.url}/fhir/ServiceRequest",
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"},
        )
        start.wait()
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            results.append((response.status, response.headers["Location"]))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 6
    assert sorted(status for status, _ in results).count(201) == 1
    assert {status for status, _ in results} <= {200, 201}
    assert len({location for _, location in results}) == 1
    assert Referral.objects.count() == 1
    assert json.loads(body)["identifier"][0]["value"] == Referral.objects.get().external_id
