"""Two copies of the same ServiceRequest at the same moment: one referral, both callers told
where it is. Real threads against the live server; needs PostgreSQL (SQLite serialises writes)."""

from __future__ import annotations

import json
import threading
import urllib.request
from typing import Any

import pytest
from django.db import connection

from kindred.fhir.tests.conftest import EXAMPLE
from kindred.people.identifiers import nhs_number_check_digit
from kindred.people.models import Person
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


THREADS = 8
ROUNDS = 5


def _valid_nhs_numbers(count: int) -> list[str]:
    found: list[str] = []
    start = 401023213
    while len(found) < count:
        digit = nhs_number_check_digit(str(start))
        if digit is not None:
            found.append(f"{start}{digit}")
        start += 7
    return found


def _one_round(url: str, token: str, round_number: int, nhs_number: str) -> list[dict[str, Any]]:
    """THREADS different referrals of the same person, posted at the same moment."""
    template = json.loads(EXAMPLE.read_bytes())
    answers: list[dict[str, Any]] = []
    failures: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def send(index: int) -> None:
        data = json.loads(json.dumps(template))
        data["identifier"][0]["value"] = f"R{round_number}-T{index}"
        data["contained"][0]["identifier"][0]["value"] = nhs_number
        data["contained"][0]["name"][0]["given"] = [f"Sender{index}"]
        request = urllib.request.Request(  # noqa: S310 - the live test server
            f"{url}/fhir/ServiceRequest",
            data=json.dumps(data).encode(),
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"},
        )
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                assert response.status == 201
                answers.append(json.loads(response.read()))
        except BaseException as failed:
            failures.append(failed)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [], f"round {round_number}: {failures}"
    return answers


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writes need PostgreSQL")
def test_simultaneous_referrals_of_a_new_nhs_number_make_one_person(live_server, token):
    """Issue 10 item 7: 8 referrals (different identifiers) of the same new NHS number at the
    same moment, round after round: each round makes exactly one person, all 8 referrals linked
    to them, and every sender is answered 201 with what it sent."""
    for round_number, nhs_number in enumerate(_valid_nhs_numbers(ROUNDS)):
        answers = _one_round(live_server.url, token, round_number, nhs_number)
        assert len(answers) == THREADS
        people = Person.objects.filter(nhs_number=nhs_number)
        assert people.count() == 1, f"round {round_number}: {people.count()} people"
        referrals = Referral.objects.filter(external_id__startswith=f"R{round_number}-")
        assert referrals.count() == THREADS
        assert {r.person_id for r in referrals} == {people.get().pk}
        # Each sender is told only what it sent, whichever request made the record
        for answer in answers:
            given = answer["contained"][0]["name"][0]["given"][0]
            index = answer["identifier"][0]["value"].rsplit("T", 1)[1]
            assert given == f"Sender{index}"
