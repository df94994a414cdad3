"""Pages for coordinators and facilitators: groups, venues, sessions and attendance. Thin: find
the record in the organisation acted for, call a service, say what happened."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from kindred.core.access import permission
from kindred.core.http import OrganisationRequest
from kindred.core.services import Acting
from kindred.core.transitions import DomainError
from kindred.groups import schedule, selectors, services
from kindred.groups.forms import AttendanceForm, CancelForm, GroupForm, RegularForm, VenueForm
from kindred.groups.models import Group, Session, SessionStatus, Venue
from kindred.people import selectors as people
from kindred.people.models import Person
from kindred.people.services import people_viewed

SEARCH_LIMIT = 20


def _group_or_404(request: OrganisationRequest, group_id: uuid.UUID) -> Group:
    try:
        return selectors.group_of(organisation=request.organisation, group_id=group_id)
    except Group.DoesNotExist as missing:
        raise Http404("No such group in this organisation") from missing


def _session_or_404(request: OrganisationRequest, session_id: uuid.UUID) -> Session:
    try:
        return selectors.session_of(organisation=request.organisation, session_id=session_id)
    except Session.DoesNotExist as missing:
        raise Http404("No such session in this organisation") from missing


@permission("groups.view_group")
def group_list(request: OrganisationRequest) -> HttpResponse:
    groups = list(selectors.groups_of(organisation=request.organisation))
    upcoming = selectors.next_sessions(organisation=request.organisation, groups=groups)
    return render(
        request,
        "groups/list.jinja",
        {
            "rows": [
                (g, schedule.describe(g.rule, g.first_on), upcoming.get(g.pk)) for g in groups
            ],
        },
    )


@permission("groups.view_group")
def group_detail(request: OrganisationRequest, group_id: uuid.UUID) -> HttpResponse:
    group = _group_or_404(request, group_id)
    members = list(selectors.members_of(group=group))
    facilitators = selectors.facilitators_of(group=group)
    people_viewed(by=Acting.from_request(request), people=[m.person for m in members], page="group")
    return render(
        request,
        "groups/detail.jinja",
        {
            "group": group,
            "when": schedule.describe(group.rule, group.first_on),
            "facilitators": facilitators,
            "co_facilitated": len({kind for _name, kind in facilitators}) > 1,
            "sessions": selectors.upcoming_sessions(group=group),
            "members": members,
            "regulars": list(selectors.regulars_of(group=group)),
            "trend": selectors.attendance_trend(group=group),
        },
    )


def _group_form(request: OrganisationRequest, **kwargs: Any) -> GroupForm:
    organisation = request.organisation
    return GroupForm(
        request.POST or None,
        venues=list(selectors.venues_of(organisation=organisation)),
        people=list(selectors.possible_facilitators(organisation=organisation)),
        **kwargs,
    )


@permission("groups.change_group")
def group_create(request: OrganisationRequest) -> HttpResponse:
    form = _group_form(request, initial={"cost": "Free"})
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(by=Acting.from_request(request), details=form.details())
        except DomainError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, f"{group.name} is set up, with its sessions for the coming weeks"
            )
            return redirect("groups:detail", group_id=group.pk)
    return render(request, "groups/group_form.jinja", {"form": form, "group": None})


@permission("groups.change_group")
def group_edit(request: OrganisationRequest, group_id: uuid.UUID) -> HttpResponse:
    group = _group_or_404(request, group_id)
    initial = GroupForm.initial_for(
        group, [(str(f.user_id), f.kind) for f in group.facilitators.all()]
    )
    form = _group_form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(
                by=Acting.from_request(request), group=group, details=form.details()
            )
        except DomainError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{group.name} is changed")
            return redirect("groups:detail", group_id=group.pk)
    return render(request, "groups/group_form.jinja", {"form": form, "group": group})


@permission("groups.change_group")
def venue_list(request: OrganisationRequest) -> HttpResponse:
    venues = selectors.venues_of(organisation=request.organisation)
    return render(request, "groups/venues.jinja", {"venues": list(venues)})


@permission("groups.change_group")
def venue_create(request: OrganisationRequest) -> HttpResponse:
    return _venue_form(request, None)


@permission("groups.change_group")
def venue_edit(request: OrganisationRequest, venue_id: uuid.UUID) -> HttpResponse:
    try:
        venue = selectors.venue_of(organisation=request.organisation, venue_id=venue_id)
    except Venue.DoesNotExist as missing:
        raise Http404("No such venue in this organisation") from missing
    return _venue_form(request, venue)


def _venue_form(request: OrganisationRequest, venue: Venue | None) -> HttpResponse:
    initial = VenueForm.initial_for(venue) if venue else None
    form = VenueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.venue_save(
                by=Acting.from_request(request), details=form.details(), venue=venue
            )
        except DomainError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{saved.name} is saved")
            return redirect("groups:venues")
    return render(request, "groups/venue_form.jinja", {"form": form, "venue": venue})


@permission("groups.cancel_session")
def session_cancel(request: OrganisationRequest, session_id: uuid.UUID) -> HttpResponse:
    session = _session_or_404(request, session_id)
    form = CancelForm(request.POST or None, initial={"expected": session.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.session_cancel(
                by=Acting.from_request(request), session=session,
                expected=form.cleaned_data["expected"], reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except DomainError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "The session is cancelled")
            return redirect("groups:detail", group_id=session.group_id)
    return render(request, "groups/cancel.jinja", {"session": session, "form": form})


@permission("groups.take_attendance")
def attendance(request: OrganisationRequest, session_id: uuid.UUID) -> HttpResponse:
    session = _session_or_404(request, session_id)
    group = session.group
    members = list(selectors.members_of(group=group))
    regulars = list(selectors.regulars_of(group=group))
    named, present = selectors.attendance_of(session=session)
    initial = {
        "expected": session.status,
        "members": [str(pk) for pk in named],
        "regulars": [str(pk) for pk in present],
        "headcount": session.headcount,
    }
    form = AttendanceForm(request.POST or None, members=members, regulars=regulars, initial=initial)
    if session.status == SessionStatus.CANCELLED:
        form = None  # type: ignore[assignment]
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            count = services.attendance_record(
                by=Acting.from_request(request), session=session, expected=data["expected"],
                members=[form.member_choices[k] for k in data["members"]],
                regulars=[form.regular_choices[k] for k in data["regulars"]],
                new_regulars=data["new_regulars"], headcount=data["headcount"],
            )  # fmt: skip
        except DomainError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Attendance saved: {count.total} came")
            return redirect("groups:detail", group_id=group.pk)
    people_viewed(
        by=Acting.from_request(request), people=[m.person for m in members], page="attendance"
    )
    return render(
        request, "groups/attendance.jinja", {"session": session, "group": group, "form": form}
    )


@permission("groups.change_group")
def member_add(request: OrganisationRequest, group_id: uuid.UUID) -> HttpResponse:
    group = _group_or_404(request, group_id)
    search = request.GET.get("q", "").strip()
    found: list[Person] = []
    error = ""
    if request.method == "POST":
        try:
            person = people.person_of(
                organisation=request.organisation,
                person_id=uuid.UUID(request.POST.get("person", "")),
            )
            services.member_add(by=Acting.from_request(request), group=group, person=person)
        except (ValueError, ObjectDoesNotExist):
            error = "Choose who is joining from the people found"
        except DomainError as refused:
            error = str(refused)
        else:
            messages.success(request, f"{person.display_name} has joined {group.name}")
            return redirect("groups:detail", group_id=group.pk)
    elif search:
        found = list(
            people.people_of(organisation=request.organisation, search=search)[:SEARCH_LIMIT]
        )
        people_viewed(by=Acting.from_request(request), people=found, page="add a group member")
    return render(
        request, "groups/member_add.jinja",
        {"group": group, "search": search, "found": found, "error": error},
    )  # fmt: skip


@permission("groups.take_attendance")
def regular_add(request: OrganisationRequest, group_id: uuid.UUID) -> HttpResponse:
    group = _group_or_404(request, group_id)
    form = RegularForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            regular = services.regular_add(
                by=Acting.from_request(request), group=group, nickname=form.cleaned_data["nickname"]
            )
        except DomainError as refused:
            form.add_error("nickname", str(refused))
        else:
            messages.success(request, f"{regular.nickname} is added as a regular")
            return redirect("groups:detail", group_id=group.pk)
    return render(request, "groups/regular_add.jinja", {"group": group, "form": form})
