"""Person records: list, add, view (audited) and the audit trail of a record."""

from __future__ import annotations

import json
import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from kindred.core.access import permission
from kindred.core.http import OrganisationRequest
from kindred.core.services import Acting
from kindred.people import merge_views, selectors, services, subject_access
from kindred.people.forms import (
    CHANGE_PARTS,
    PART_OF_DETAIL,
    ConsentsForm,
    PersonChangeForm,
    PersonForm,
)
from kindred.people.models import ConsentKind, Person
from kindred.people.presenters import DETAIL_LABELS, changed_details, detail_shown
from kindred.people.sections import person_sections


def _person_or_404(request: OrganisationRequest, person_id: uuid.UUID, *, page: str) -> Person:
    """The person, if the organisation the user acts for supports them. Otherwise the read is
    refused, and audited as refused (never as a view), and the page is not found."""
    try:
        return selectors.person_of(organisation=request.organisation, person_id=person_id)
    except Person.DoesNotExist as missing:
        services.person_view_refused(
            by=Acting.from_request(request), person_id=person_id, page=page
        )
        raise Http404("No such person in this organisation") from missing


@permission("people.view_person")
def person_list(request: OrganisationRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    people = selectors.people_of(organisation=request.organisation, search=search)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    services.people_viewed(by=Acting.from_request(request), people=page.object_list, page="people")
    return render(request, "people/list.jinja", {"page": page, "search": search})


@permission("people.add_person")
def person_add(request: OrganisationRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person, added = services.person_find_or_create(
            by=Acting.from_request(request), details=form.details()
        )
        if added:
            messages.success(request, f"{person.display_name} has been added")
        else:
            messages.info(
                request,
                f"{person.display_name} is already known (same NHS number, or same name, date of "
                "birth and postcode), so nobody new was added",
            )
        return redirect("people:detail", person_id=person.pk)
    return render(request, "people/add.jinja", {"form": form})


@permission("people.view_person")
def person_detail(request: OrganisationRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _person_or_404(request, person_id, page="person")
    if person.pk != person_id:  # merged into another record: its link opens that one (ADR-090)
        messages.info(request, merge_views.FOLLOWED)
        return redirect("people:detail", person_id=person.pk)
    services.people_viewed(by=Acting.from_request(request), people=person, page="person")
    consents = selectors.consents_in_force(person=person)
    changes = list(selectors.changes_of(person=person)[: CHANGES_SHOWN + 1])
    return render(
        request,
        "people/detail.jinja",
        {
            "person": person,
            "consents": consents,
            "consent_kinds": ConsentKind.choices,
            "sections": person_sections(request, person),
            "part_of": PART_OF_DETAIL,
            "changes": [(c, changed_details(c)) for c in changes[:CHANGES_SHOWN]],
            "more_changes": len(changes) > CHANGES_SHOWN,
        },
    )


#: The latest changes to someone's details shown on their page; all are in their export.
CHANGES_SHOWN = 20


@permission("people.change_person")
def person_change(request: OrganisationRequest, person_id: uuid.UUID, part: str) -> HttpResponse:
    """Change one group of a person's details (ADR-089), refused with the reason beside the
    field, and nothing changed, when the details are wrong, the NHS number is another record's,
    or someone else changed them since the page was opened."""
    person = _person_or_404(request, person_id, page="change details")
    chosen = CHANGE_PARTS.get(part)
    if chosen is None:
        raise Http404("No such part of a person's details")
    form = PersonChangeForm(request.POST or None, person=person, part=chosen)
    now: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.person_details_update(
                by=Acting.from_request(request),
                person=person,
                changes=form.changes(),
                expected=form.cleaned_data["seen"],
            )
        except services.PersonDetailsChanged as stale:
            form = form.rebased(stale.now)
            form.is_valid()
            form.add_error(None, str(stale))
            now = [
                (DETAIL_LABELS[name], detail_shown(name, stale.now[name])) for name in chosen.fields
            ]
        except services.PersonDetailsRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        else:
            if changed:
                messages.success(request, f"{person.given_name}'s details have been changed")
            else:
                messages.info(request, "Nothing was different, so nothing was changed")
            return redirect("people:detail", person_id=person.pk)
    services.people_viewed(by=Acting.from_request(request), people=person, page="change details")
    return render(
        request,
        "people/change.jinja",
        {"person": person, "form": form, "part": chosen, "now": now},
    )


@permission("people.view_person_audit")
def person_audit(request: OrganisationRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _person_or_404(request, person_id, page="audit trail")
    events = selectors.audit_trail_of(organisation=request.organisation, person=person)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    response = render(request, "people/audit.jinja", {"person": person, "page": page})
    # Recorded once the trail is read, so the page lists the views before this one.
    services.people_viewed(by=Acting.from_request(request), people=person, page="audit trail")
    return response


@permission("people.export_person")
def person_export(
    request: OrganisationRequest, person_id: uuid.UUID, file_format: str
) -> HttpResponse:
    """Everything held about the person, for a subject access request (audited)."""
    person = _person_or_404(request, person_id, page="export")
    if file_format not in {"json", "pdf"}:
        raise Http404("Choose JSON or PDF")
    data = services.person_export(
        by=Acting.from_request(request), person=person, file_format=file_format
    )
    filename = f"kindred-{person.pk}.{file_format}"
    if file_format == "json":
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
        )
    else:
        response = HttpResponse(subject_access.person_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@permission("people.record_consent")
def person_consents(request: OrganisationRequest, person_id: uuid.UUID) -> HttpResponse:
    """Record what the person has agreed to, or withdrawn, with when and who recorded it."""
    person = _person_or_404(request, person_id, page="consents")
    current = {
        kind: (consent.given if consent else None)
        for kind, consent in selectors.consents_in_force(person=person).items()
    }
    form = ConsentsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        changed = services.consents_update(
            by=Acting.from_request(request), person=person, answers=form.answers()
        )
        messages.success(
            request,
            f"{changed} {'change' if changed == 1 else 'changes'} to what "
            f"{person.given_name} has agreed to recorded",
        )
        return redirect("people:detail", person_id=person.pk)
    services.people_viewed(by=Acting.from_request(request), people=person, page="consents")
    return render(request, "people/consents.jinja", {"person": person, "form": form})
