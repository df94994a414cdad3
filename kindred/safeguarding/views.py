"""Safeguarding pages: the list of concerns, raising one (from scratch or from a person's
record), one concern as each person may see it, and the lead's actions on it."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kindred.accounts.models import Role
from kindred.core.access import permission
from kindred.core.http import OrganisationRequest
from kindred.core.services import Acting
from kindred.core.transitions import DomainError
from kindred.people import selectors as people_selectors
from kindred.people.models import Person
from kindred.people.services import people_viewed
from kindred.safeguarding import forms as sforms
from kindred.safeguarding import selectors, services
from kindred.safeguarding.models import Concern, Entry, Level, Source, Status
from kindred.safeguarding.selectors import Sight

LONDON_NOON = dt.time(12, 0)


def _refuse(form: forms.Form, error: DomainError) -> None:
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, str(error))


def _concern_or_404(
    request: OrganisationRequest, concern_id: uuid.UUID, *, at_least: Sight = Sight.RAISER
) -> tuple[Concern, Sight]:
    """The concern, if this user may see at least `at_least` of it; 404 otherwise (a concern
    of this organisation they may not see is audited as a refusal)."""
    try:
        concern = selectors.concern_of(organisation=request.organisation, concern_id=concern_id)
    except Concern.DoesNotExist as missing:
        raise Http404("No such concern in this organisation") from missing
    arrangements = selectors.arrangements_of(organisation=request.organisation)
    sight = selectors.sight_of(user=request.user, arrangements=arrangements, concern=concern)
    if sight < at_least:
        services.concern_view_refused(by=Acting.from_request(request), concern=concern)
        raise Http404("No such concern in this organisation")
    return concern, sight


@permission("safeguarding.view_concerns")
def concern_list(request: OrganisationRequest) -> HttpResponse:
    arrangements = selectors.arrangements_of(organisation=request.organisation)
    state = request.GET.get("state", "open")
    state = state if state in ("open", "closed", "all") else "open"
    level = request.GET.get("level", "")
    level = level if level in Level.values else ""
    visible = selectors.visible_concerns(user=request.user, arrangements=arrangements)
    concerns = list(selectors.filtered(visible, state=state, level=level)[:200])
    sight = selectors.sight_of(user=request.user, arrangements=arrangements)
    by = Acting.from_request(request)
    services.concerns_listed(by=by, concerns=concerns, filters={"state": state, "level": level})
    people_viewed(by=by, people=[c.person for c in concerns if c.person is not None],
                  page="safeguarding concerns")  # fmt: skip
    return render(
        request,
        "safeguarding/list.jinja",
        {"concerns": concerns, "state": state, "level": level, "levels": Level.choices,
         "sight": sight, "Sight": Sight, "now": timezone.now()},
    )  # fmt: skip


def _person_to_raise_about(request: OrganisationRequest) -> Person | None:
    """`?person=` names a record only for those who may see people's records."""
    value = request.POST.get("person") or request.GET.get("person", "")
    if not value or not request.user.has_perm("people.view_person", request.organisation):
        return None
    try:
        return people_selectors.person_of(
            organisation=request.organisation, person_id=uuid.UUID(value)
        )
    except (ValueError, Person.DoesNotExist):
        return None


@permission("safeguarding.raise_concern")
def concern_raise(request: OrganisationRequest) -> HttpResponse:
    person = _person_to_raise_about(request)
    form = sforms.RaiseForm(request.POST or None, about_person=person is not None)
    by = Acting.from_request(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        happened_on = data.get("happened_on")
        happened_at = (
            timezone.make_aware(dt.datetime.combine(happened_on, LONDON_NOON))
            if happened_on and happened_on != timezone.localdate()
            else None
        )
        try:
            raised = services.concern_raise(
                by=by, level=data["level"], detail=data["detail"],
                source=Source.PERSON_RECORD if person else Source.FROM_SCRATCH,
                person=person, about=data.get("about") or "", happened_at=happened_at,
            )  # fmt: skip
        except DomainError as refused:
            _refuse(form, refused)
        else:
            messages.success(request, raised.message)
            return redirect("safeguarding:detail", concern_id=raised.concern.pk)
    if person is not None:
        people_viewed(by=by, people=person, page="raise a safeguarding concern")
    return render(request, "safeguarding/raise.jinja", {"form": form, "person": person})


@permission("safeguarding.view_concerns")
def concern_detail(request: OrganisationRequest, concern_id: uuid.UUID) -> HttpResponse:
    concern, sight = _concern_or_404(request, concern_id)
    arrangements = selectors.arrangements_of(organisation=request.organisation)
    services.concern_viewed(by=Acting.from_request(request), concern=concern, sight=sight.name)
    may_work = sight == Sight.FULL and selectors.is_lead_or_deputy(
        user=request.user, arrangements=arrangements
    )
    return render(
        request,
        "safeguarding/detail.jinja",
        {
            "concern": concern,
            "sight": sight,
            "Sight": Sight,
            "timeline": list(selectors.timeline_of(concern=concern)) if sight == Sight.FULL else [],
            "may_work": may_work,
            "enquiry_form": sforms.NoteForm(),
            "overdue": concern.status == Status.RAISED and concern.acknowledge_by < timezone.now(),
            "can_see_record": concern.person is not None
            and request.user.has_perm("people.view_person", request.organisation),
        },
    )


def _worked(request: OrganisationRequest, concern_id: uuid.UUID) -> Concern:
    concern, _ = _concern_or_404(request, concern_id, at_least=Sight.FULL)
    return concern


@require_POST
@permission("safeguarding.work_concern")
def concern_acknowledge(request: OrganisationRequest, concern_id: uuid.UUID) -> HttpResponse:
    concern = _worked(request, concern_id)
    try:
        services.concern_acknowledge(
            by=Acting.from_request(request), concern_id=concern.pk,
            expected=request.POST.get("expected", ""),
        )  # fmt: skip
    except DomainError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "You have acknowledged the concern. Its escalation has stopped")
    return redirect("safeguarding:detail", concern_id=concern.pk)


@require_POST
@permission("safeguarding.work_concern")
def concern_enquire(request: OrganisationRequest, concern_id: uuid.UUID) -> HttpResponse:
    concern = _worked(request, concern_id)
    form = sforms.NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say what the enquiry will look into")
        return redirect("safeguarding:detail", concern_id=concern.pk)
    try:
        services.concern_enquire(
            by=Acting.from_request(request), concern_id=concern.pk,
            expected=request.POST.get("expected", ""), note=form.cleaned_data["note"],
        )  # fmt: skip
    except DomainError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "The enquiry has begun")
    return redirect("safeguarding:detail", concern_id=concern.pk)


@permission("safeguarding.work_concern")
def entry_add(request: OrganisationRequest, concern_id: uuid.UUID) -> HttpResponse:
    concern = _worked(request, concern_id)
    corrects: Entry | None = None
    corrects_value = request.POST.get("corrects") or request.GET.get("corrects", "")
    if corrects_value:
        try:
            corrects = concern.timeline.get(pk=uuid.UUID(corrects_value))
        except (ValueError, Entry.DoesNotExist) as missing:
            raise Http404("No such entry on this concern") from missing
    form = sforms.EntryForm(request.POST or None, correcting=corrects is not None)
    by = Acting.from_request(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_add(
                by=by, concern_id=concern.pk, kind=form.cleaned_data.get("kind", ""),
                text=form.cleaned_data["text"],
                corrects_id=corrects.pk if corrects else None,
            )  # fmt: skip
        except DomainError as refused:
            _refuse(form, refused)
        else:
            messages.success(request, "Added to the timeline")
            return redirect("safeguarding:detail", concern_id=concern.pk)
    services.concern_viewed(by=by, concern=concern, sight=Sight.FULL.name)
    return render(
        request, "safeguarding/entry.jinja",
        {"concern": concern, "form": form, "corrects": corrects},
    )  # fmt: skip


@permission("safeguarding.work_concern")
def concern_close(request: OrganisationRequest, concern_id: uuid.UUID) -> HttpResponse:
    concern = _worked(request, concern_id)
    form = sforms.CloseForm(request.POST or None)
    by = Acting.from_request(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_close(
                by=by, concern_id=concern.pk, expected=request.POST.get("expected", ""),
                outcome=form.cleaned_data["outcome"],
            )  # fmt: skip
        except DomainError as refused:
            _refuse(form, refused)
        else:
            messages.success(request, "The concern is closed")
            return redirect("safeguarding:detail", concern_id=concern.pk)
    services.concern_viewed(by=by, concern=concern, sight=Sight.FULL.name)
    return render(request, "safeguarding/close.jinja", {"concern": concern, "form": form})


@permission("safeguarding.work_concern")
def concern_link(request: OrganisationRequest, concern_id: uuid.UUID) -> HttpResponse:
    concern = _worked(request, concern_id)
    by = Acting.from_request(request)
    if request.method == "POST":
        try:
            person = people_selectors.person_of(
                organisation=request.organisation,
                person_id=uuid.UUID(request.POST.get("person", "")),
            )
            services.concern_link_person(by=by, concern_id=concern.pk, person=person)
        except (ValueError, Person.DoesNotExist):
            messages.error(request, "Choose the person's record from the list")
        except DomainError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, f"The concern is linked to {person.display_name}'s record")
            return redirect("safeguarding:detail", concern_id=concern.pk)
        return redirect("safeguarding:link", concern_id=concern.pk)
    search = sforms.LinkSearchForm(request.GET or None)
    found: list[Person] = []
    if search.is_valid() and search.cleaned_data["q"].strip():
        found = list(
            people_selectors.people_of(
                organisation=request.organisation, search=search.cleaned_data["q"]
            )[:20]
        )
        people_viewed(by=by, people=found, page="link a safeguarding concern")
    services.concern_viewed(by=by, concern=concern, sight=Sight.FULL.name)
    return render(
        request, "safeguarding/link.jinja", {"concern": concern, "search": search, "found": found}
    )


@permission("safeguarding.arrange")
def arrangements(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    current = selectors.arrangements_of(organisation=organisation)
    initial: dict[str, Any] = {
        "lead": current.lead_id, "deputy": current.deputy_id,
        "lead_away_from": current.lead_away_from, "lead_away_until": current.lead_away_until,
        "duty_professional": current.duty_professional_id,
        "immediate_minutes": current.immediate_minutes, "high_minutes": current.high_minutes,
        "medium_working_days": current.medium_working_days,
        "low_working_days": current.low_working_days,
        "coordinators_see_detail": current.coordinators_see_detail,
    }  # fmt: skip
    form = sforms.ArrangementsForm(
        request.POST or None,
        initial=initial,
        leads=selectors.holders_of(organisation=organisation, role=Role.SAFEGUARDING_LEAD),
        duty=selectors.holders_of(organisation=organisation, role=Role.DUTY_PROFESSIONAL),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.arrangements_set(by=Acting.from_request(request), **form.cleaned_data)
        except DomainError as refused:
            _refuse(form, refused)
        else:
            messages.success(request, "Your safeguarding arrangements are saved")
            return redirect("safeguarding:arrangements")
    return render(request, "safeguarding/arrangements.jinja", {"form": form})
