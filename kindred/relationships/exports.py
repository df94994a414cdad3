"""The caseload as a spreadsheet (CSV), as the coordinator filtered it on screen, every page of
it (ADR-093): the same form and the same selector as the caseload page, so the file holds the
relationships the page lists, in its order.

Columns: what the page shows (the person's name in its parts, so that a spreadsheet can sort by
family name), with the ids a coordinator needs to find a record again. Not the person's contact
details, NHS number, date of birth or address, nor what contacts and concerns say: the page
does not show them, and a file outlives the screen.

Before the file is made, the download is audited in one transaction: `caseload.exported` with
the filters and the number of rows, and the people in it as viewed (one `person.viewed` entry
naming them all). The file then holds only people recorded there: a relationship that came to
match the filters in the moment between the two is left out, never sent unrecorded. Queries:
the same few whatever the caseload's size (one to count, one for the people, the audit's, and
one read of the rows through a server-side cursor)."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Container, Iterator
from dataclasses import asdict
from typing import NamedTuple

from django.db import transaction
from django.db.models import F, FilteredRelation, Q, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from kindred.core.access import permission
from kindred.core.exports import Cell, csv_download
from kindred.core.http import OrganisationRequest
from kindred.core.services import Acting, audit_record
from kindred.people.exports import people_viewed_in_file
from kindred.people.models import Person
from kindred.relationships import audit_actions, selectors
from kindred.relationships.forms import CaseloadFilterForm
from kindred.relationships.models import Kind, Relationship, Status

HEADER = (
    "Relationship id",
    "Person id",
    "Given name",
    "Family name",
    "Preferred name",
    "Kind of support",
    "Supporters",
    "Status",
    "Last contact",
    "Next contact due",
    "Gone quiet",
    "Concern not yet answered",
    "Worried in the last 30 days",
    "Review due",
)
#: What the person's audit trail says they were shown on.
PAGE = "caseload (CSV download)"
#: Rows read from the database at a time.
CHUNK = 2_000
KINDS = dict(Kind.choices)
STATUSES = dict(Status.choices)


class CaseloadRow(NamedTuple):
    """The columns read for one relationship and one of its current supporters: what the file
    shows and its flags need, nothing else of the record (read as values, not as records, which
    takes a fifth of the time for a city's caseload)."""

    id: uuid.UUID
    person_id: uuid.UUID
    given_name: str
    family_name: str
    preferred_name: str
    kind: str
    status: str
    introduced_on: dt.date
    started_on: dt.date | None
    last_contact_on: dt.date | None
    rhythm_days: int
    grace_days: int
    next_review_on: dt.date | None
    worried: bool
    has_open_concern: bool
    supporter_given: str | None  # None: nobody supports them now
    supporter_family: str | None


@transaction.atomic
def caseload_exported(
    *, by: Acting, relationships: QuerySet[Relationship], filters: selectors.CaseloadFilter
) -> set[uuid.UUID]:
    """Record that `by` downloaded these relationships (the caseload, filtered): the people in
    them as viewed, and `caseload.exported` with the filters and how many rows. Returns the ids
    of the people recorded: the file may hold nobody else."""
    rows = relationships.count()
    people = Person.objects.filter(pk__in=relationships.values("person_id"))
    recorded = people_viewed_in_file(by=by, people=people, page=PAGE)
    audit_record(
        by=by,
        action=audit_actions.CASELOAD_EXPORTED,
        detail={"filters": asdict(filters), "rows": rows},
    )
    return recorded


def caseload_rows(
    relationships: QuerySet[Relationship], *, today: dt.date, people: Container[uuid.UUID]
) -> Iterator[list[Cell]]:
    """One row per relationship, in the caseload's order, read in one query: each relationship
    comes once per current supporter (a join instead of a query per chunk), and consecutive
    rows of the same relationship are put together again."""
    joined = (
        relationships.prefetch_related(None)
        .annotate(
            supporting_now=FilteredRelation(
                "supporter_links", condition=Q(supporter_links__left_on__isnull=True)
            )
        )
        .annotate(
            given_name=F("person__given_name"),
            family_name=F("person__family_name"),
            preferred_name=F("person__preferred_name"),
            supporter_given=F("supporting_now__volunteer__given_name"),
            supporter_family=F("supporting_now__volunteer__family_name"),
        )
        .order_by(
            *relationships.query.order_by, "supporting_now__joined_on", "supporting_now__created_at"
        )
        .values_list(*CaseloadRow._fields)
    )
    found = (CaseloadRow._make(values) for values in joined.iterator(chunk_size=CHUNK))
    for _, group in itertools.groupby(found, key=lambda row: row.id):
        links = list(group)
        r = links[0]
        if r.person_id not in people:
            continue  # came to match after the audit: never sent unrecorded
        supporters = [
            f"{link.supporter_given} {link.supporter_family}".strip()
            for link in links
            if link.supporter_given is not None
        ]
        yield [
            r.id,
            r.person_id,
            r.given_name,
            r.family_name,
            r.preferred_name,
            KINDS.get(r.kind, r.kind),
            ", ".join(supporters),
            STATUSES.get(r.status, r.status),
            r.last_contact_on,
            selectors.next_contact_due(r),
            selectors.is_quiet(r, today),
            r.has_open_concern,
            r.worried,
            selectors.is_review_due(r, today),
        ]


@permission("relationships.export_caseload")
@require_GET
def caseload_export(request: OrganisationRequest) -> StreamingHttpResponse:
    """The caseload page's list, with the page's filters (its query string), as a CSV file."""
    form = CaseloadFilterForm(request.GET or None)
    filters = form.filters()
    today = timezone.localdate()
    relationships = selectors.caseload(
        organisation=request.organisation, today=today, filters=filters
    )
    people = caseload_exported(
        by=Acting.from_request(request), relationships=relationships, filters=filters
    )
    return csv_download(
        organisation_slug=request.organisation.slug,
        what="caseload",
        header=HEADER,
        rows=caseload_rows(relationships, today=today, people=people),
        on=today,
    )
