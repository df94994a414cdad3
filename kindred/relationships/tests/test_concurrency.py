"""Two coordinators act on one relationship at the same moment, in real threads with their own
connections: the row lock lets one win and the other is told, plainly. And two responses to one
concern: the first stands. Needs PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.core.tests.concurrency import at_once
from kindred.relationships import services
from kindred.relationships.models import Status
from kindred.relationships.tests.factories import RelationshipFactory, concern_on
from kindred.safeguarding import services as safeguarding
from kindred.safeguarding.models import Concern

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_pausing_and_ending_at_once_one_wins_and_the_other_is_told(organisation, make_user):
    relationship = RelationshipFactory(organisation=organisation)
    first, second = (
        Acting(make_user(Role.COORDINATOR, organisation=organisation), organisation)
        for _ in range(2)
    )
    won, refused = at_once(
        lambda: services.relationship_move(
            by=first, relationship_id=relationship.pk, expected=Status.ACTIVE, to=Status.PAUSED
        ),
        lambda: services.relationship_end(
            by=second, relationship_id=relationship.pk, expected=Status.ACTIVE,
            reason="goals_met", outcome="better", next_step="none",
        ),
    )  # fmt: skip
    assert len(won) == 1 and len(refused) == 1
    assert "Someone else changed this relationship" in refused[0]
    relationship.refresh_from_db()
    assert [c.to_state for c in relationship.history.all()] == [relationship.status]


def test_two_acknowledgements_of_one_concern_the_first_stands(organisation, make_user):
    relationship = RelationshipFactory(organisation=organisation)
    concern = concern_on(relationship)
    people = [
        Acting(make_user(Role.SAFEGUARDING_LEAD, organisation=organisation), organisation)
        for _ in range(2)
    ]
    won, refused = at_once(
        *(
            (lambda by=by: safeguarding.concern_acknowledge(
                by=by, concern_id=concern.pk, expected="raised"
            ))
            for by in people
        )
    )  # fmt: skip
    assert len(won) == 1 and len(refused) == 1
    assert "Someone else changed this concern" in refused[0]
    concern.refresh_from_db()
    [acknowledged] = won
    assert isinstance(acknowledged, Concern)
    assert concern.acknowledged_by == acknowledged.acknowledged_by
    assert concern.history.count() == 2
