"""Relationship pages: the coordinator's caseload and the record of each relationship, introducing
by hand, starting, pausing and ending; the one-screen contact log and concerns; and each
supporter's own "My people". Thin: parse, call a service, say what happened, redirect.

A supporter reaches a relationship only if they currently support it: anything else is answered
with 404, as if it did not exist, and the attempt is audited."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kindred.core.access import permission
from kindred.core.http import OrganisationRequest
from kindred.core.services import Acting
from kindred.core.transitions import DomainError
from kindred.people import selectors as people_selectors
from kindred.people.models import Person
from kindred.people.services import people_viewed
from kindred.relationships import forms as rforms
from kindred.relationships import selectors, services
from kindred.relationships.links import ANOTHER_SUPPORTER, PERSON, links_for
from kindred.relationships.models import (
    MACHINE,
    Contact,
    Feeling,
    Relationship,
    Status,
)
from kindred.volunteers import forms as vforms
from kindred.volunteers import selectors as volunteer_selectors
from kindred.volunteers import services as volunteer_services

#: The buttons that move a relationship on (ending has its own page: it needs a reason).
MOVES = {
    (Status.INTRODUCED.value, Status.ACTIVE.value): "Support has started",
    (Status.ACTIVE.value, Status.PAUSED.value): "Pause support",
    (Status.PAUSED.value, Status.ACTIVE.value): "Resume support",
}


def _is_coordinator(request: OrganisationRequest) -> bool:
    return request.user.has_perm("relationships.manage", request.organisation)


def _relationship_or_404(request: OrganisationRequest, relationship_id: uuid.UUID) -> Relationship:
    """The relationship, if it is this organisation's and the user may act on it. A supporter
    who does not support it gets 404, and the attempt is audited."""
    try:
        relationship = selectors.relationship_of(
            organisation=request.organisation, relationship_id=relationship_id
        )
    except Relationship.DoesNotExist as missing:
        raise Http404("No such relationship in this organisation") from missing
    if not request.user.has_perm("relationships.act_on", relationship):
        route = request.resolver_match.view_name if request.resolver_match else ""
        services.relationship_view_refused(
            by=Acting.from_request(request), relationship=relationship, route=route
        )
        raise Http404("No such relationship in this organisation")
    return relationship


def _refuse(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal beside the field it is about, or in the summary."""
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, str(error))


def _after_acting(request: OrganisationRequest, relationship: Relationship) -> HttpResponse:
    if _is_coordinator(request):
        return redirect("relationships:detail", relationship_id=relationship.pk)
    return redirect("relationships:mine")


# The coordinator's caseload and records


@permission("relationships.view_caseload")
def caseload(request: OrganisationRequest) -> HttpResponse:
    form = rforms.CaseloadFilterForm(request.GET or None)
    today = timezone.localdate()
    relationships = selectors.caseload(
        organisation=request.organisation, today=today, filters=form.filters()
    )
    page = Paginator(relationships, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = [
        {
            "relationship": r,
            "quiet": selectors.is_quiet(r, today),
            "next_due": selectors.next_contact_due(r),
            "review_due": selectors.is_review_due(r, today),
        }
        for r in page.object_list
    ]
    people_viewed(
        by=Acting.from_request(request),
        people=[r.person for r in page.object_list],
        page="caseload",
    )
    return render(
        request,
        "relationships/caseload.jinja",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode(), "today": today},
    )


@permission("relationships.view_caseload")
def detail(request: OrganisationRequest, relationship_id: uuid.UUID) -> HttpResponse:
    relationship = _relationship_or_404(request, relationship_id)
    services.relationship_viewed(
        by=Acting.from_request(request), relationships=[relationship], where="record"
    )
    return _detail_page(request, relationship)


def _detail_page(
    request: OrganisationRequest,
    relationship: Relationship,
    *,
    note_form: rforms.NoteForSupportersForm | None = None,
) -> HttpResponse:
    """The relationship's record; the note for supporters' form, if it had errors, to show."""
    today = timezone.localdate()
    contacts = selectors.contacts_of(relationship=relationship)
    moves = [
        (to, MOVES[(relationship.status, to)])
        for to in sorted(MACHINE.allowed(relationship.status))
        if (relationship.status, to) in MOVES
    ]
    notes = list(selectors.notes_for_supporters_of(relationship=relationship))
    if note_form is None:
        note_form = rforms.NoteForSupportersForm(
            initial={
                "based_on": notes[0].number if notes else 0,
                "text": notes[0].text if notes else "",
            }
        )
    return render(
        request,
        "relationships/detail.jinja",
        {
            "relationship": relationship,
            "person": relationship.person,
            "supporters": list(selectors.supporter_links_of(relationship=relationship)),
            "contacts": list(contacts[:50]),
            "contact_count": contacts.count(),
            "concerns": list(selectors.concerns_of(relationship=relationship)),
            "history": list(selectors.history_of(relationship=relationship)),
            "moves": moves,
            "can_end": MACHINE.can(relationship.status, Status.ENDED),
            "quiet": selectors.is_quiet(relationship, today),
            "next_due": selectors.next_contact_due(relationship),
            "person_links": links_for(PERSON, request, relationship),
            "another_supporter_links": links_for(ANOTHER_SUPPORTER, request, relationship)
            if relationship.status == Status.ENDED
            else [],
            "move_form": rforms.MoveForm(),
            "note": notes[0] if notes else None,
            "earlier_notes": notes[1:],
            "note_form": note_form,
            "may_write_note": request.user.has_perm(
                "relationships.write_note_for_supporters", request.organisation
            ),
            "today": today,
        },
    )


@permission("relationships.write_note_for_supporters")
@require_POST
def note_for_supporters(request: OrganisationRequest, relationship_id: uuid.UUID) -> HttpResponse:
    """Write, change or take away the note the relationship's supporters see (ADR-098)."""
    relationship = _relationship_or_404(request, relationship_id)
    form = rforms.NoteForSupportersForm(request.POST)
    if form.is_valid():
        try:
            note = services.note_for_supporters_write(
                by=Acting.from_request(request),
                relationship_id=relationship.pk,
                based_on=form.cleaned_data["based_on"],
                text=form.cleaned_data["text"],
            )
        except DomainError as refused:
            _refuse(form, refused)
        else:
            messages.success(
                request,
                "The note for supporters has been saved"
                if note.text
                else "The note for supporters has been taken away",
            )
            return redirect("relationships:detail", relationship_id=relationship.pk)
    return _detail_page(request, relationship, note_form=form)


@permission("relationships.manage")
@require_POST
def move(request: OrganisationRequest, relationship_id: uuid.UUID) -> HttpResponse:
    relationship = _relationship_or_404(request, relationship_id)
    form = rforms.MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what to do with the relationship")
        return redirect("relationships:detail", relationship_id=relationship.pk)
    try:
        moved = services.relationship_move(
            by=Acting.from_request(request),
            relationship_id=relationship.pk,
            expected=form.cleaned_data["expected"],
            to=form.cleaned_data["to"],
            note=form.cleaned_data["note"],
        )
    except DomainError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"The relationship is now {moved.get_status_display().lower()}")
    return redirect("relationships:detail", relationship_id=relationship.pk)


@permission("relationships.manage")
def end(request: OrganisationRequest, relationship_id: uuid.UUID) -> HttpResponse:
    relationship = _relationship_or_404(request, relationship_id)
    if relationship.status == Status.ENDED:
        messages.info(request, "This relationship has already ended")
        return redirect("relationships:detail", relationship_id=relationship.pk)
    form = rforms.EndForm(request.POST or None, initial={"expected": relationship.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.relationship_end(
                by=Acting.from_request(request), relationship_id=relationship.pk,
                expected=form.cleaned_data["expected"], reason=form.cleaned_data["reason"],
                outcome=form.cleaned_data["outcome"], next_step=form.cleaned_data["next_step"],
                note=form.cleaned_data["note"],
            )  # fmt: skip
        except DomainError as refused:
            _refuse(form, refused)
        else:
            messages.success(request, "The relationship has ended")
            return redirect("relationships:detail", relationship_id=relationship.pk)
    people_viewed(by=Acting.from_request(request), people=relationship.person, page="end support")
    return render(request, "relationships/end.jinja", {"relationship": relationship, "form": form})


def _person_or_404(request: OrganisationRequest, person_id: str) -> Person:
    try:
        return people_selectors.person_of(
            organisation=request.organisation, person_id=uuid.UUID(person_id)
        )
    except (ValueError, Person.DoesNotExist) as missing:
        raise Http404("No such person in this organisation") from missing


@permission("relationships.manage")
def add(request: OrganisationRequest) -> HttpResponse:
    """Introduce a person to one or two supporters by hand: first find the person, then choose."""
    organisation = request.organisation
    person_id = request.GET.get("person", "")
    if not person_id:
        search = rforms.PersonSearchForm(request.GET or None)
        words = search.cleaned_data["q"].strip() if search.is_valid() else ""
        found = (
            list(people_selectors.people_of(organisation=organisation, search=words)[:20])
            if words
            else []
        )
        people_viewed(by=Acting.from_request(request), people=found, page="introduce: search")
        return render(
            request,
            "relationships/add_search.jinja",
            {"form": search, "found": found, "searched": bool(words)},
        )
    person = _person_or_404(request, person_id)
    volunteers = selectors.eligible_supporters(organisation=organisation, on=timezone.localdate())
    form = rforms.IntroduceForm(
        request.POST or None,
        volunteers=volunteers,
        loads=selectors.supporter_load(v.pk for v in volunteers),
        referrals=list(selectors.open_referrals_of(organisation=organisation, person=person)),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            relationship = services.relationship_introduce(
                by=Acting.from_request(request), person=person, volunteers=data["supporters"],
                kind=data["kind"], usual_mode=data["usual_mode"],
                rhythm_days=data["rhythm_days"], referral=data["referral"], note=data["note"],
            )  # fmt: skip
        except DomainError as refused:
            _refuse(form, refused)
        else:
            names = " and ".join(v.display_name for v in data["supporters"])
            messages.success(request, f"{person.display_name} is to be introduced to {names}")
            return redirect("relationships:detail", relationship_id=relationship.pk)
    people_viewed(by=Acting.from_request(request), people=person, page="introduce")
    return render(
        request,
        "relationships/add.jinja",
        {"form": form, "person": person, "has_supporters": bool(volunteers)},
    )


# Contacts and concerns: the supporters (and coordinators)


@permission("relationships.log_contact")
def contact(request: OrganisationRequest, relationship_id: uuid.UUID) -> HttpResponse:
    relationship = _relationship_or_404(request, relationship_id)
    coordinator = _is_coordinator(request)
    if relationship.status == Status.ENDED:
        messages.error(request, "This relationship has ended, so no more contacts can be logged")
        return _after_acting(request, relationship)
    supporters = selectors.current_supporters(relationship=relationship)
    form = rforms.ContactForm(
        request.POST or None,
        relationship=relationship,
        supporters=supporters if coordinator else None,
    )
    if request.method == "POST" and form.is_valid():
        if coordinator:
            volunteer = form.cleaned_data["volunteer"]
        else:
            volunteer = next(v for v in supporters if v.user_id == request.user.pk)
        try:
            logged = services.contact_log(
                by=Acting.from_request(request), relationship_id=relationship.pk,
                volunteer=volunteer, **form.service_arguments(),
            )  # fmt: skip
        except DomainError as refused:
            _refuse(form, refused)
        else:
            name = relationship.person.given_name
            messages.success(request, f"Contact with {name} logged. Thank you")
            if logged.feeling == Feeling.VERY_WORRIED:  # offer a concern there and then
                return redirect(
                    reverse("relationships:concern", kwargs={"relationship_id": relationship.pk})
                    + f"?contact={logged.pk}"
                )
            return _after_acting(request, relationship)
    people_viewed(by=Acting.from_request(request), people=relationship.person, page="log a contact")
    return render(
        request,
        "relationships/contact.jinja",
        {"relationship": relationship, "person": relationship.person, "form": form,
         "coordinator": coordinator},
    )  # fmt: skip


def _contact_or_none(relationship: Relationship, value: str) -> Contact | None:
    """The contact a concern follows from (the "very worried" offer), if it is this
    relationship's."""
    try:
        return selectors.contact_of(relationship=relationship, contact_id=uuid.UUID(value))
    except (ValueError, Contact.DoesNotExist):
        return None


@permission("relationships.raise_concern")
def concern(request: OrganisationRequest, relationship_id: uuid.UUID) -> HttpResponse:
    relationship = _relationship_or_404(request, relationship_id)
    after = _contact_or_none(
        relationship, request.POST.get("contact") or request.GET.get("contact", "")
    )
    form = rforms.ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            raised = services.concern_raise(
                by=Acting.from_request(request), relationship_id=relationship.pk,
                kind=form.cleaned_data["kind"], detail=form.cleaned_data["detail"],
                level=form.cleaned_data["level"], contact=after,
            )  # fmt: skip
        except DomainError as refused:
            _refuse(form, refused)
        else:
            messages.success(request, raised.message)
            return redirect("safeguarding:detail", concern_id=raised.concern.pk)
    people_viewed(
        by=Acting.from_request(request), people=relationship.person, page="raise a concern"
    )
    return render(
        request,
        "relationships/concern.jinja",
        {"relationship": relationship, "person": relationship.person, "form": form,
         "coordinator": _is_coordinator(request), "after": after},
    )  # fmt: skip


# The supporter's own pages


@permission("relationships.support")
def mine(request: OrganisationRequest) -> HttpResponse:
    today = timezone.localdate()
    people = selectors.my_people(organisation=request.organisation, user=request.user, today=today)
    services.relationships_listed(
        by=Acting.from_request(request), relationships=people, where="my people"
    )
    return render(
        request,
        "relationships/mine.jinja",
        {
            "rows": [
                {
                    "relationship": r,
                    "person": r.person,
                    "next_due": selectors.next_contact_due(r),
                    "quiet": selectors.is_quiet(r, today),
                    # The person's goals and plan (the wellbeing app's links, each only if this
                    # supporter may follow it: the person decides who sees their plan).
                    "links": links_for(PERSON, request, r),
                }
                for r in people
            ],
            "today": today,
        },
    )


@permission("relationships.support")
def ask_supervision(request: OrganisationRequest) -> HttpResponse:
    """Ask the coordinator for supervision or a talk: the volunteers app's support request. A
    supporter from another organisation of the network asks their own organisation's
    coordinators, through the volunteer record they support people here with."""
    organisation = request.organisation
    volunteer = volunteer_selectors.volunteer_for_user(
        organisation=organisation, user=request.user
    ) or selectors.supporting_record(organisation=organisation, user=request.user)
    form = vforms.SupportRequestForm(request.POST or None)
    if request.method == "POST" and volunteer is not None and form.is_valid():
        try:
            volunteer_services.support_request(
                by=Acting.from_request(request),
                volunteer=volunteer,
                message=form.cleaned_data["message"],
            )
        except volunteer_services.VolunteerError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Your coordinator has been told and will be in touch")
            return redirect("relationships:mine")
    return render(
        request, "relationships/ask_supervision.jinja", {"form": form, "volunteer": volunteer}
    )
