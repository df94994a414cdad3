"""Merging two records of one person (ADR-090), for coordinators: from a person's page, choose
the other record (search, or the likely duplicates the duplicate rules find), compare them side
by side and choose which stays, confirm, and land on the record that stays."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from kindred.core.access import permission
from kindred.core.http import OrganisationRequest
from kindred.core.services import Acting
from kindred.core.transitions import DomainError
from kindred.people import merging, selectors, services
from kindred.people.merge_forms import ConfirmMergeForm, MergeSearchForm, SurvivorForm
from kindred.people.models import Person

#: What the person page says when a link to a record merged into it was followed.
FOLLOWED = (
    "The record you opened was merged into this one, another record of the same person. "
    "This is the record to use."
)


def _person_or_404(request: OrganisationRequest, person_id: uuid.UUID, *, page: str) -> Person:
    """The person (a merged record followed to the one that stays), if the organisation the
    user acts for holds them; otherwise refused, audited as refused, and not found."""
    try:
        return selectors.person_of(organisation=request.organisation, person_id=person_id)
    except Person.DoesNotExist as missing:
        services.person_view_refused(
            by=Acting.from_request(request), person_id=person_id, page=page
        )
        raise Http404("No such person in this organisation") from missing


@permission("people.merge_person")
@require_safe
def merge_choose(request: OrganisationRequest, person_id: uuid.UUID) -> HttpResponse:
    """Choose the other record: the likely duplicates, or any record found by a search."""
    organisation = request.organisation
    person = _person_or_404(request, person_id, page="merge: choose")
    form = MergeSearchForm(request.GET or None)
    search = form.cleaned_data["q"].strip() if form.is_valid() else ""
    found = (
        list(
            selectors.people_of(organisation=organisation, search=search).exclude(pk=person.pk)[:20]
        )
        if search
        else []
    )
    duplicates = selectors.likely_duplicates_of(organisation=organisation, person=person)
    services.people_viewed(
        by=Acting.from_request(request),
        people=[person, *(d.person for d in duplicates), *found],
        page="merge: choose",
    )
    return render(
        request,
        "people/merge/choose.jinja",
        {
            "person": person,
            "search_form": form,
            "searched": bool(search),
            "found": found,
            "duplicates": duplicates,
        },
    )


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[str, str]

    @property
    def differ(self) -> bool:
        first, second = self.values
        return first != second and "Not given" not in self.values


def _text(person: Person, name: str) -> str:
    value = getattr(person, name)
    if name == "date_of_birth":
        return f"{value.day} {value:%B %Y}" if value else "Not given"
    if name == "nhs_number":
        return person.nhs_number_display or "Not given"
    if name == "preferred_contact":
        return person.get_preferred_contact_display() if value else "Not given"
    if name == "gender":
        return person.gender_text
    return str(value) if value else "Not given"


DETAIL_ROWS = {
    "given_name": "First name",
    "family_name": "Last name",
    **{name: label for name, label in merging.FILLED.items()},
}


def _comparison(first: Person, second: Person) -> dict[str, object]:
    """The two records side by side: their details, and how many records of each kind every
    app holds about each (what would move)."""
    held = (merging.records_held(person=first), merging.records_held(person=second))
    consents = tuple(selectors.consents_of(person=p).count() for p in (first, second))
    return {
        "people": (first, second),
        "rows": [
            Row(label, (_text(first, name), _text(second, name)))
            for name, label in DETAIL_ROWS.items()
        ],
        "held_rows": [
            Row(records.label, (str(held[0][records.key]), str(held[1][records.key])))
            for records in merging.registered()
        ]
        + [Row("Consent answers recorded", (str(consents[0]), str(consents[1])))],
        # The checks do not depend on which record stays.
        "refusals": merging.refusals(survivor=first, merged=second),
    }


def _pair(
    request: OrganisationRequest, person_id: uuid.UUID, other_id: uuid.UUID, page: str
) -> tuple[Person, Person]:
    person = _person_or_404(request, person_id, page=page)
    other = _person_or_404(request, other_id, page=page)
    services.people_viewed(
        by=Acting.from_request(request),
        people=[person] if other.pk == person.pk else [person, other],
        page=page,
    )
    return person, other


def _compare_page(
    request: OrganisationRequest, person: Person, other: Person, form: SurvivorForm
) -> HttpResponse:
    return render(
        request,
        "people/merge/compare.jinja",
        {"person": person, "other": other, "form": form, **_comparison(person, other)},
    )


@permission("people.merge_person")
@require_safe
def merge_compare(
    request: OrganisationRequest, person_id: uuid.UUID, other_id: uuid.UUID
) -> HttpResponse:
    """The two records side by side, and the choice of which stays."""
    person, other = _pair(request, person_id, other_id, "merge: compare")
    return _compare_page(request, person, other, SurvivorForm(people=(person, other)))


@permission("people.merge_person")
@require_http_methods(["GET", "POST"])
def merge_confirm(
    request: OrganisationRequest, person_id: uuid.UUID, other_id: uuid.UUID
) -> HttpResponse:
    """What merging would do, with the chosen record staying; merging them when confirmed."""
    person, other = _pair(request, person_id, other_id, "merge: confirm")
    data = request.POST if request.method == "POST" else request.GET
    choice = SurvivorForm(data, people=(person, other))
    if not choice.is_valid():
        return _compare_page(request, person, other, choice)
    survivor, merged = choice.survivor_and_merged()
    error = ""
    if request.method == "POST":
        confirmed = ConfirmMergeForm(request.POST)
        if confirmed.is_valid():
            try:
                done = merging.person_merge(
                    by=Acting.from_request(request),
                    survivor_id=survivor.pk,
                    merged_id=merged.pk,
                    survivor_seen=confirmed.seen(confirmed.cleaned_data["survivor_seen"]),
                    merged_seen=confirmed.seen(confirmed.cleaned_data["merged_seen"]),
                )
            except DomainError as refused:
                error = str(refused)
                survivor.refresh_from_db()
                merged.refresh_from_db()
            else:
                messages.success(request, merged_message(done))
                return redirect("people:detail", person_id=done.survivor.pk)
        else:
            error = "Compare the two records again before merging."
    return render(
        request,
        "people/merge/confirm.jinja",
        {
            "person": person,
            "other": other,
            "preview": merging.merge_preview(survivor=survivor, merged=merged),
            "error": error,
        },
    )


def merged_message(done: merging.Merged) -> str:
    """What the record that stays says once the other was merged into it."""
    moved = [
        f"{records.label.lower()}: {done.moved[records.key]}"
        for records in merging.registered()
        if done.moved.get(records.key)
    ]
    merged_on = timezone.localdate(done.merged.created_at)
    said = (
        f"The record of {done.merged.display_name} added on {merged_on.day} "
        f"{merged_on:%B %Y} was merged into this one."
    )
    said += f" Moved here: {'; '.join(moved)}." if moved else " It held nothing to move."
    if done.filled:
        copied = ", ".join(merging.FILLED[name].lower() for name in done.filled)
        said += f" Copied to this record: {copied}."
    return said
