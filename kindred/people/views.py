"""Person records: list, add, view (audited) and the audit trail of a record."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kindred.core.access import permission
from kindred.core.services import Acting
from kindred.people import selectors, services
from kindred.people.forms import PersonForm
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
    services.person_view_record(by=Acting.from_request(request), person=person)
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
    return render(request, "people/audit.jinja", {"person": person, "page": page})
