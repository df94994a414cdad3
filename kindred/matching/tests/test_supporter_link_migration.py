"""Issue 11 (ADR-086): the link from a match to the supporter it introduced moved from
relationships (`Supporter.match`) to matching (`Match.supporter_link`). The data migration keeps
every link, forwards and backwards."""

from __future__ import annotations

import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kindred.matching.models import Match
from kindred.referrals.tests.factories import ReferralFactory
from kindred.relationships.models import Supporter
from kindred.relationships.tests.factories import RelationshipFactory
from kindred.volunteers.tests.factories import VolunteerFactory

BEFORE = [("matching", "0005_pairs_of_supporters_and_network_sharing")]


def _old_links() -> set[tuple[str, str]]:
    """(supporter, match) pairs as the old column holds them, read with plain SQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, match_id FROM relationships_supporter WHERE match_id IS NOT NULL"
        )
        rows = cursor.fetchall()
    # SQLite keeps UUIDs as 32 hex digits, PostgreSQL as uuid: compared as UUIDs.
    return {(str(uuid.UUID(str(s))), str(uuid.UUID(str(m)))) for s, m in rows}


@pytest.mark.django_db(transaction=True)
def test_every_link_survives_moving_to_matching_and_back(organisation):
    pair = [VolunteerFactory(organisation=organisation) for _ in range(2)]
    relationship = RelationshipFactory(organisation=organisation, supporters=pair)
    by_hand = RelationshipFactory(organisation=organisation)  # introduced without a match
    referral = ReferralFactory(organisation=organisation, person=relationship.person)
    for link in Supporter.objects.filter(relationship=relationship):
        Match.objects.create(
            organisation=organisation,
            referral=referral,
            volunteer=link.volunteer,
            score=0.5,
            explanation="Both stroke survivors.",
            supporter_link=link,
        )
    expected = {(str(m.supporter_link_id), str(m.pk)) for m in Match.objects.all()}
    assert len(expected) == 2

    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)  # back to when relationships held the link
        assert _old_links() == expected
    finally:
        call_command("migrate", verbosity=0)

    assert {(str(m.supporter_link_id), str(m.pk)) for m in Match.objects.all()} == expected
    assert not Match.objects.filter(supporter_link__relationship=by_hand).exists()
    assert "match_id" not in {
        column.name
        for column in connection.introspection.get_table_description(
            connection.cursor(), "relationships_supporter"
        )
    }
