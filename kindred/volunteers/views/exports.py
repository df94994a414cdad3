"""The list of volunteers as a spreadsheet (CSV), as the coordinator filtered it on screen, every
page of it (ADR-093): the same filters (`volunteers.filters`) and the same selector as the list.

Columns: what the list shows (name, stage and since when), the volunteer's id, and their email
address and phone number, which is what a coordinator downloads the list for (a training
invitation, a rota). Not their postcode, why they volunteer, whether they have had support
themselves (lived experience: health information), their checks, references or availability.

Before the file is made, the download is audited: `volunteer_list.exported`, with the filters,
the number of rows and the ids of the volunteers in it (volunteers are not people's records,
so `people_viewed` does not apply; this entry is their equivalent of ADR-082's list). The file
then holds only volunteers named there. Queries: the same few whatever the list's size."""

from __future__ import annotations

import uuid
from collections.abc import Container, Iterator
from dataclasses import asdict

from django.db import transaction
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from kindred.core.access import permission
from kindred.core.exports import Cell, csv_download
from kindred.core.http import OrganisationRequest
from kindred.core.services import Acting, audit_record
from kindred.volunteers import audit_actions, selectors
from kindred.volunteers.filters import VolunteerListFilter
from kindred.volunteers.models import Stage, Volunteer

HEADER = (
    "Volunteer id",
    "Given name",
    "Family name",
    "Stage",
    "At this stage since",
    "Email",
    "Phone",
)
#: The columns read: what the file shows, nothing else of the record (read as values, not as
#: records).
COLUMNS = ("id", "given_name", "family_name", "stage", "stage_changed_at", "email", "phone")
#: Rows read from the database at a time.
CHUNK = 2_000
STAGES = dict(Stage.choices)


@transaction.atomic
def volunteer_list_exported(
    *, by: Acting, volunteers: QuerySet[Volunteer], filters: VolunteerListFilter
) -> set[uuid.UUID]:
    """Record that `by` downloaded these volunteers (the list, filtered): one entry with the
    filters, how many and which. Returns their ids: the file may hold nobody else."""
    recorded = set(volunteers.order_by().values_list("pk", flat=True).iterator(chunk_size=CHUNK))
    audit_record(
        by=by,
        action=audit_actions.VOLUNTEER_LIST_EXPORTED,
        detail={
            "filters": asdict(filters),
            "rows": len(recorded),
            "volunteers": sorted(str(pk) for pk in recorded),
        },
    )
    return recorded


def volunteer_rows(
    volunteers: QuerySet[Volunteer], *, recorded: Container[uuid.UUID]
) -> Iterator[list[Cell]]:
    """One row per volunteer, in the list's order, read in one query a chunk at a time."""
    rows = volunteers.values_list(*COLUMNS).iterator(chunk_size=CHUNK)
    for pk, given, family, stage, since, email, phone in rows:
        if pk not in recorded:
            continue  # came to match after the audit: never sent unrecorded
        yield [pk, given, family, STAGES.get(stage, stage), timezone.localdate(since), email, phone]


@permission("volunteers.export_volunteers")
@require_GET
def list_export(request: OrganisationRequest) -> StreamingHttpResponse:
    """The list of volunteers, with the list's filters (its query string), as a CSV file."""
    filters = VolunteerListFilter.from_query(request.GET)
    volunteers = selectors.volunteers_of(
        organisation=request.organisation, stage=filters.stage, search=filters.search
    )
    recorded = volunteer_list_exported(
        by=Acting.from_request(request), volunteers=volunteers, filters=filters
    )
    return csv_download(
        organisation_slug=request.organisation.slug,
        what="volunteers",
        header=HEADER,
        rows=volunteer_rows(volunteers, recorded=recorded),
    )
