"""The later apps' pages read the indexes made for them (ADR-129), checked with EXPLAIN on
PostgreSQL once the tables are city-size (the pattern of test_page_plans.py): the safeguarding
list, newest first, open or all; the public directory, which reads published groups only, among
the many groups of every organisation that are not published."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet

from kindred.accounts.models import Organisation
from kindred.groups import published
from kindred.groups.models import Group, Venue
from kindred.safeguarding import selectors as safeguarding_selectors
from kindred.safeguarding.models import Concern
from kindred.tests.test_page_plans import _insert_select, plans_that_miss

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans")

CONCERNS = 30_000
GROUPS = 20_000


def _fill(organisation: Organisation) -> None:
    """Concerns over five years, one in twenty open; groups at one venue, one in fifty
    published."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.129)")
    status = (
        "CASE WHEN n %% 20 = 0 THEN (ARRAY['raised','acknowledged','enquiry'])[1 + n %% 3] "
        "ELSE 'closed' END"
    )
    _insert_select(
        Concern,
        {
            "id": "gen_random_uuid()", "created_at": "now()", "updated_at": "now()",
            "organisation_id": "s.organisation_id", "about": "'Someone at the group'",
            "source": "'from_scratch'", "kind": "'safeguarding'",
            "level": "(ARRAY['low','medium','high','immediate'])[1 + n %% 4]",
            "status": status, "detail": "'Seemed very low'",
            "raised_at": "now() - random() * interval '1826 days'",
            "raised_by_label": "'Scale'", "acknowledge_by": "now()",
        },
        "(SELECT %s::uuid AS organisation_id, n FROM generate_series(1, %s) AS n) AS s",
        [str(organisation.pk), CONCERNS],
    )  # fmt: skip
    venue = Venue.objects.create(
        organisation=organisation, name="Hall", address="1 High Street", postcode="LS6 1AA",
        easting=428000, northing=436000,
    )  # fmt: skip
    _insert_select(
        Group,
        {
            "id": "gen_random_uuid()", "created_at": "now()", "updated_at": "now()",
            "organisation_id": "s.organisation_id", "venue_id": "s.venue_id",
            "name": "'Group ' || n", "description": "'Tea and chat'", "model": "'activity'",
            "rule": "'FREQ=WEEKLY;BYDAY=MO'", "first_on": "current_date", "starts": "'10:00'",
            "ends": "'12:00'", "joining": "'open_door'", "enquiries": "'0113 496 0000'",
            "published": "n %% 50 = 0",
        },
        "(SELECT %s::uuid AS organisation_id, %s::uuid AS venue_id, n "
        "FROM generate_series(1, %s) AS n) AS s",
        [str(organisation.pk), str(venue.pk), GROUPS],
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def test_the_later_pages_main_queries_read_their_indexes(organisation: Organisation) -> None:
    _fill(organisation)
    # What the list reads for a coordinator, a lead or a deputy: every concern of theirs.
    concerns = Concern.objects.filter(organisation=organisation).select_related("person")
    # (query, the index it should read, the big table it must not scan, whether a sort is fine)
    cases: dict[str, tuple[QuerySet[Any], str, str, bool]] = {
        "safeguarding list, open (the default)": (
            safeguarding_selectors.filtered(concerns, state="open")[:200],
            "concern_open_order_idx", "safeguarding_concern", False,
        ),
        "safeguarding list, all": (
            safeguarding_selectors.filtered(concerns, state="all")[:200],
            "concern_org_order_idx", "safeguarding_concern", False,
        ),
        "directory, by name": (
            published.search()[:20], "group_published_idx", "groups_group", False,
        ),
        "directory, nearest a postcode": (
            # The distance is worked out for the published few, then sorted.
            published.search(near=(428500, 436500))[:20],
            "group_published_idx", "groups_group", True,
        ),
    }  # fmt: skip
    wrong = plans_that_miss(cases)
    assert not wrong, "\n\n".join(f"{page}:\n{plan}" for page, plan in wrong.items())
