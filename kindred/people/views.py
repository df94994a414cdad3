"""Person records: list, add, view (audited) and the audit trail of a record."""

from __future__ import annotations

import json
import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kindred.core.access import permission
from kindred.core.services import Acting
from kindred.people import selectors, services, subject_access
from kindred.people.forms import ConsentsForm, PersonForm
from kindred.people.models import ConsentKind, Person
from kindred.people.sections import person_sections


def _person_or_404(request: HttpRequest, person_id: uuid.UUID) -> Person:
    try:
        return selectors.person_of(organisation=request.organisation, person_id=person_id)  # type: ignore[attr-defined]
    except Person.DoesNotExist as missing:
        raise Http404("No such person in this organisation") from missing


@permission("people.view_person")
def person_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    people = selectors.people_of(organisation=request.organisation, search=search)  # type: ignore[attr-defined]
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    services.people_viewed(by=Acting.from_request(request), people=page.object_list, page="people")
    return render(request, "people/list.jinja", {"page": page, "search": search})


@permission("people.add_person")
def person_add(request: HttpRequest) -> HttpResponse:
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
def person_detail(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _person_or_404(request, person_id)
    services.people_viewed(by=Acting.from_request(request), people=person, page="person")
    consents = selectors.consents_in_force(person=person)
    return render(
        request,
        "people/detail.jinja",
        {
            "person": person,
            "consents": consents,
            "consent_kinds": ConsentKind.choices,
            "sections": person_sections(request, person),
        },
    )


@permission("people.view_person_audit")
def person_audit(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _person_or_404(request, person_id)
    events = selectors.audit_trail_of(organisation=request.organisation, person=person)  # type: ignore[attr-defined]
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    response = render(request, "people/audit.jinja", {"person": person, "page": page})
    # Recorded once the trail is read, so the page lists the views before this one.
    services.people_viewed(by=Acting.from_request(request), people=person, page="audit trail")
    return response


@permission("people.export_person")
def person_export(request: HttpRequest, person_id: uuid.UUID, file_format: str) -> HttpResponse:
    """Everything held about the person, for a subject access request (audited)."""
    person = _person_or_404(request, person_id)
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
def person_consents(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """Record what the person has agreed to, or withdrawn, with when and who recorded it."""
    person = _person_or_404(request, person_id)
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
