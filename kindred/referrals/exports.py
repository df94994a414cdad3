"""The referrals inbox as a spreadsheet (CSV), as the coordinator filtered it on screen, every
page of it (ADR-093): the same form and the same selector as the inbox, so the file holds the
referrals the inbox lists.

Columns: what the inbox shows (the person's name in its parts, so that a spreadsheet can sort
by family name), with the ids a coordinator needs to find a referral again. Not
why the person was referred, the triage notes, the decline reason or outcome, the referrer's
contact details or anything of the person's record beyond their name: the inbox does not show
them, and a file outlives the screen. Safeguarding leads see the inbox but may not download it.

Before the file is made, the download is audited in one transaction: `referral_inbox.exported`
with the filters and the number of rows, and the people in it as viewed (one `person.viewed`
entry naming them all). The file then holds only people recorded there. Queries: the same few
whatever the inbox's size."""

from __future__ import annotations

import uuid
from collections.abc import Container, Iterator
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from kindred.core.access import permission
from kindred.core.exports import Cell, csv_download
from kindred.core.http import OrganisationRequest
from kindred.core.services import Acting, audit_record
from kindred.people.exports import people_viewed_in_file
from kindred.people.models import Person
from kindred.referrals import audit_actions, selectors
from kindred.referrals.forms import FilterForm
from kindred.referrals.models import AWAITING_FIRST_CONTACT, Referral, Source, Status

HEADER = (
    "Referral id",
    "Person id",
    "Given name",
    "Family name",
    "Preferred name",
    "Referred by",
    "Received",
    "First contact by",
    "Overdue",
    "Status",
)
#: What the person's audit trail says they were shown on.
PAGE = "referrals inbox (CSV download)"
#: The columns read: what the file shows, nothing else of the referral or the person (read as
#: values, not as records: a fifth of the time for a city's inbox).
COLUMNS = (
    "id",
    "person_id",
    "person__given_name",
    "person__family_name",
    "person__preferred_name",
    "source",
    "received_at",
    "first_contact_due",
    "status",
)
#: Rows read from the database at a time.
CHUNK = 2_000
SOURCES = dict(Source.choices)
STATUSES = dict(Status.choices)


@transaction.atomic
def inbox_exported(
    *, by: Acting, referrals: QuerySet[Referral], filters: dict[str, Any]
) -> set[uuid.UUID]:
    """Record that `by` downloaded these referrals (the inbox, filtered): the people in them as
    viewed, and `referral_inbox.exported` with the filters and how many rows. Returns the ids of
    the people recorded: the file may hold nobody else."""
    rows = referrals.count()
    people = Person.objects.filter(pk__in=referrals.values("person_id"))
    recorded = people_viewed_in_file(by=by, people=people, page=PAGE)
    audit_record(
        by=by,
        action=audit_actions.REFERRAL_INBOX_EXPORTED,
        detail={"filters": filters, "rows": rows},
    )
    return recorded


def inbox_rows(
    referrals: QuerySet[Referral], *, people: Container[uuid.UUID]
) -> Iterator[list[Cell]]:
    """One row per referral, in the inbox's order, read in one query a chunk at a time."""
    today = timezone.localdate()
    rows = referrals.values_list(*COLUMNS).iterator(chunk_size=CHUNK)
    for pk, person_id, given, family, preferred, source, received_at, due, status in rows:
        if person_id not in people:
            continue  # came to match after the audit: never sent unrecorded
        yield [
            pk,
            person_id,
            given,
            family,
            preferred,
            SOURCES.get(source, source),
            timezone.localdate(received_at),
            due,
            status in AWAITING_FIRST_CONTACT and due < today,
            STATUSES.get(status, status),
        ]


@permission("referrals.export_referrals")
@require_GET
def inbox_export(request: OrganisationRequest) -> StreamingHttpResponse:
    """The inbox's list, with the inbox's filters (its query string), as a CSV file."""
    filters = FilterForm(request.GET or None).filters()
    referrals = selectors.referrals_of(organisation=request.organisation, **filters)
    people = inbox_exported(by=Acting.from_request(request), referrals=referrals, filters=filters)
    return csv_download(
        organisation_slug=request.organisation.slug,
        what="referrals",
        header=HEADER,
        rows=inbox_rows(referrals, people=people),
    )
