"""The people in a downloaded list, recorded as viewed (ADR-093): the entries
`services.people_viewed` writes for a list page (ADR-082), for a file that may hold a city's
50,000 people."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from kindred.core.services import Acting
from kindred.people import services
from kindred.people.models import Person

#: People read from the database at a time.
CHUNK = 5_000


def people_viewed_in_file(*, by: Acting, people: QuerySet[Person], page: str) -> set[uuid.UUID]:
    """Record `people` as viewed on `page` and return their ids: the file may hold nobody else.

    The same entries as `services.people_viewed` for a list: one `person.viewed` naming them all
    in `detail["people"]` (nothing when there is nobody), and one in the log of each other
    organisation whose people are among them, with `acting_for`. Only each person's id and
    organisation are read, as values, in one query, not as records: 50,000 records would take
    seconds to build for two of their fields. The audit's queries are the same for 5 people or
    50,000; the entry's list of ids is about 40 bytes a person."""
    pairs = sorted(
        people.order_by().values_list("pk", "organisation_id").iterator(chunk_size=CHUNK),
        key=lambda pair: str(pair[0]),
    )
    services.people_viewed_by_id(by=by, people=pairs, page=page)
    return {person_id for person_id, _ in pairs}
