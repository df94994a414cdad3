"""What relationships tells the apps above it (ADR-086): support_began and relationship_ended,
sent inside the service's transaction, so a receiver that fails undoes the whole change."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.dispatch import Signal
from django.utils import timezone

from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.relationships import services, signals
from kindred.relationships.models import Relationship, Status
from kindred.relationships.tests.factories import RelationshipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def by(coordinator, organisation):
    return Acting(coordinator, organisation)


@pytest.fixture
def introduced(organisation):
    return RelationshipFactory(
        organisation=organisation, status=Status.INTRODUCED, started_on=None, next_review_on=None
    )


class Heard:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.fail = False
        self.depth = len(connection.atomic_blocks)

    def __call__(self, **kwargs: Any) -> None:
        relationship = kwargs["relationship"]
        self.calls.append(
            {
                "sender": kwargs["sender"],
                "by": kwargs["by"],
                "relationship": relationship.pk,
                "status": relationship.status,
                # Deeper than the test's own transaction: inside the service's.
                "in_transaction": len(connection.atomic_blocks) > self.depth,
            }
        )
        if self.fail:
            raise RuntimeError("the app above could not keep up")


def _listening(signal: Signal) -> Iterator[Heard]:
    heard = Heard()
    signal.connect(heard, sender=Relationship, dispatch_uid="test.heard", weak=False)
    try:
        yield heard
    finally:
        signal.disconnect(sender=Relationship, dispatch_uid="test.heard")


@pytest.fixture
def began(db: None) -> Iterator[Heard]:
    yield from _listening(signals.support_began)


@pytest.fixture
def ended(db: None) -> Iterator[Heard]:
    yield from _listening(signals.relationship_ended)


def test_support_beginning_is_told_once_inside_the_transaction(by, introduced, began, ended):
    services.relationship_move(
        by=by, relationship_id=introduced.pk, expected=Status.INTRODUCED, to=Status.ACTIVE
    )
    assert began.calls == [
        {
            "sender": Relationship,
            "by": by,
            "relationship": introduced.pk,
            "status": Status.ACTIVE,
            "in_transaction": True,
        }
    ]
    # Pausing and resuming is not support beginning again.
    for expected, to in ((Status.ACTIVE, Status.PAUSED), (Status.PAUSED, Status.ACTIVE)):
        services.relationship_move(by=by, relationship_id=introduced.pk, expected=expected, to=to)
    assert len(began.calls) == 1 and ended.calls == []


def test_the_first_contact_that_happens_tells_that_support_began(by, introduced, began):
    services.contact_log(
        by=by,
        relationship_id=introduced.pk,
        volunteer=None,
        happened_on=timezone.localdate(),
        mode="phone",
        outcome="missed",
    )
    assert began.calls == []  # a missed contact begins nothing
    services.contact_log(
        by=by,
        relationship_id=introduced.pk,
        volunteer=None,
        happened_on=timezone.localdate(),
        mode="phone",
    )
    assert [call["relationship"] for call in began.calls] == [introduced.pk]


def test_a_receiver_that_fails_undoes_the_start(by, introduced, began):
    began.fail = True
    with pytest.raises(RuntimeError):
        services.relationship_move(
            by=by, relationship_id=introduced.pk, expected=Status.INTRODUCED, to=Status.ACTIVE
        )
    introduced.refresh_from_db()
    assert (introduced.status, introduced.started_on) == (Status.INTRODUCED, None)
    assert not introduced.history.exists()
    assert not AuditEvent.objects.filter(action="relationship.moved").exists()


def test_ending_is_told_with_the_supporters_gone_and_a_failure_undoes_it(by, organisation, ended):
    relationship = RelationshipFactory(organisation=organisation)
    ended.fail = True
    arguments = {
        "by": by,
        "relationship_id": relationship.pk,
        "expected": Status.ACTIVE,
        "reason": "goals_met",
        "outcome": "better",
        "next_step": "none",
    }
    with pytest.raises(RuntimeError):
        services.relationship_end(**arguments)
    relationship.refresh_from_db()
    assert relationship.status == Status.ACTIVE
    assert relationship.supporter_links.filter(left_on__isnull=True).count() == 1

    ended.fail = False
    services.relationship_end(**arguments)
    [call] = ended.calls[1:]
    assert (call["relationship"], call["status"], call["in_transaction"]) == (
        relationship.pk,
        Status.ENDED,
        True,
    )
